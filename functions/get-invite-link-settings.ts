/** GET /v1/domains/{domainId}/settings/invite-links: is the domain switch on, which email domains may join, how long links may live, the guard new links get, whether all links are paused, how many links work now. */
import { asInviter } from '#shared/service/access.ts';
import { linkTtlSeconds } from '#shared/config.ts';
import { linkSettingsView } from '#shared/contract/views.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['get-invite-link-settings'], async ({ callerId, params }) => {
  const { directory } = await asInviter(store, callerId, params.domainId);
  const time = now();
  const activeLinkCount = await store.countActiveLinks(directory.domain, time);
  return { ...linkSettingsView(directory.domain, time, linkTtlSeconds()), activeLinkCount };
});

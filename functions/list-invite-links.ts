/** GET /v1/domains/{domainId}/invite-links: the active links, with their use counts. Never a token or url. */
import { asInviter } from '#shared/access.ts';
import { linkStatus } from '#shared/domain/invite-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { inviteLinkView } from '#shared/http/views.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-invite-links'], async ({ callerId, params }) => {
  const { directory } = await asInviter(store, callerId, params.domainId);
  const now = new Date();
  const links = await store.listInviteLinks(directory.domain, now);
  const items = links
    .filter((link) => linkStatus(link, directory.domain, now) === 'ACTIVE')
    .map((link) => ({ ...inviteLinkView(link), useCount: link.useCount }));
  return { items };
});

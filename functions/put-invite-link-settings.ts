/**
 * PUT /v1/domains/{domainId}/settings/invite-links: the domain switch, the email domains every
 * joiner must have, and the guard new links get. Turning links off kills every existing link for
 * good; one conditional write, whatever the number of links.
 */
import { assertAdminWriteDone } from '#shared/service/admin-write.ts';
import { linkTtlSeconds } from '#shared/config.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { linkSettingsView } from '#shared/contract/views.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['put-invite-link-settings'], async ({ callerId, claims, params, body }) => {
  const time = now();
  const at = time.toISOString();
  // Recorded only if the switch really moves: the store writes it on that condition.
  const switched = body.enabled === undefined ? undefined : activity.linksSwitched(params.domainId, body.enabled, actorOf(callerId, claims), at);
  assertAdminWriteDone(await store.updateInviteLinkSettings(params.domainId, body, callerId, at, switched));
  // The write is done; read back what it left (not every field need have been in this request).
  const directory = await store.getDirectory(params.domainId);
  return linkSettingsView(directory!.domain, time, linkTtlSeconds());
});

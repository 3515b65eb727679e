/**
 * PUT /v1/domains/{domainId}/settings/invite-links: the domain switch and the email domains every
 * joiner must have. Turning links off kills every existing link for good; one conditional write,
 * whatever the number of links.
 */
import { assertAdminWriteDone } from '#shared/service/admin-write.ts';
import { linkTtlSeconds } from '#shared/config.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['put-invite-link-settings'], async ({ callerId, claims, params, body }) => {
  const at = now().toISOString();
  // Recorded only if the switch really moves: the store writes it on that condition.
  const switched = body.enabled === undefined ? undefined : activity.linksSwitched(params.domainId, body.enabled, actorOf(callerId, claims), at);
  assertAdminWriteDone(await store.updateInviteLinkSettings(params.domainId, body, callerId, at, switched));
  // The write is done; read back what it left (both fields may not have been in this request).
  const directory = await store.getDirectory(params.domainId);
  const domain = directory!.domain;
  return { enabled: domain.linksEnabled, allowedEmailDomains: domain.allowedEmailDomains ?? [], maxLinkLifetimeSeconds: linkTtlSeconds(), updatedAt: at, updatedBy: callerId };
});

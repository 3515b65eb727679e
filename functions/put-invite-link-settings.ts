/**
 * PUT /v1/domains/{domainId}/settings/invite-links: the domain switch and the email domains every
 * joiner must have. Turning links off kills every existing link for good; one conditional write,
 * whatever the number of links.
 */
import { assertAdminWriteDone } from '#shared/admin-write.ts';
import { linkTtlSeconds } from '#shared/config.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['put-invite-link-settings'], async ({ callerId, params, body }) => {
  const at = new Date().toISOString();
  assertAdminWriteDone(await store.updateInviteLinkSettings(params.domainId, body, callerId, at));
  // The write is done; read back what it left (both fields may not have been in this request).
  const directory = await store.getDirectory(params.domainId);
  const domain = directory!.domain;
  return { enabled: domain.linksEnabled, allowedEmailDomains: domain.allowedEmailDomains ?? [], maxLinkLifetimeSeconds: linkTtlSeconds(), updatedAt: at, updatedBy: callerId };
});

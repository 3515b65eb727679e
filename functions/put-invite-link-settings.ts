/**
 * PUT /v1/domains/{domainId}/settings/invite-links: the domain switch. Turning it off kills every
 * existing link for good; one conditional write, whatever the number of links.
 */
import { assertAdminWriteDone } from '#shared/admin-write.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['put-invite-link-settings'], async ({ callerId, params, body }) => {
  const at = new Date().toISOString();
  assertAdminWriteDone(await store.setInviteLinksEnabled(params.domainId, body.enabled, callerId, at));
  return { enabled: body.enabled, updatedAt: at, updatedBy: callerId };
});

/**
 * PUT /v1/domains/{domainId}/settings/invite-links: the domain switch. Turning it off kills every
 * existing link for good; one conditional write, whatever the number of links.
 */
import { assertAdminWriteDone } from '#shared/admin-write.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams, settingsBody } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams, body: settingsBody }, async ({ callerId, params, body }) => {
  const at = new Date().toISOString();
  assertAdminWriteDone(await store.setInviteLinksEnabled(params.domainId, body.enabled, callerId, at));
  return { status: 200, body: { enabled: body.enabled, updatedAt: at, updatedBy: callerId } };
});

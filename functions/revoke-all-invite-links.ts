/** POST /v1/domains/{domainId}/invite-links/revoke-all: "Delete all existing links", in one conditional write. */
import { assertAdminWriteDone } from '#shared/admin-write.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams }, async ({ callerId, params }) => {
  const at = new Date().toISOString();
  assertAdminWriteDone(await store.revokeAllInviteLinks(params.domainId, callerId, at));
  return { status: 200, body: { revokedAt: at, revokedBy: callerId } };
});

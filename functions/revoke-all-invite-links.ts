/** POST /v1/domains/{domainId}/invite-links/revoke-all: "Delete all existing links" (or all of one person's), in one conditional write. */
import { assertAdminWriteDone } from '#shared/admin-write.ts';
import { activity, actorOf } from '#shared/events/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['revoke-all-invite-links'], async ({ callerId, claims, params, body }) => {
  const at = new Date().toISOString();
  const createdBy = body?.createdBy;
  const revokedAll = activity.allRevoked(params.domainId, actorOf(callerId, claims), at, createdBy);
  assertAdminWriteDone(await store.revokeAllInviteLinks(params.domainId, callerId, at, revokedAll, createdBy));
  return { revokedAt: at, revokedBy: callerId, ...(createdBy !== undefined ? { createdBy } : {}) };
});

/** POST /v1/domains/{domainId}/invite-links/revoke-all: "Delete all existing links" (or all of one person's), in one conditional write. */
import { assertAdminWriteDone } from '#shared/service/admin-write.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['revoke-all-invite-links'], async ({ callerId, claims, params, body }) => {
  const at = now().toISOString();
  const createdBy = body?.createdBy;
  // Named by email in the activity too, while they are a member (their links end either way).
  const creator = createdBy === undefined ? undefined : { userId: createdBy, email: (await store.getMembership(createdBy, params.domainId))?.email };
  const revokedAll = activity.allRevoked(params.domainId, actorOf(callerId, claims), at, creator);
  assertAdminWriteDone(await store.revokeAllInviteLinks(params.domainId, callerId, at, revokedAll, createdBy));
  return { revokedAt: at, revokedBy: callerId, ...(createdBy !== undefined ? { createdBy } : {}) };
});

/** DELETE /v1/domains/{domainId}/invite-links/{linkId}: its creator or an admin revokes one link. */
import { asMember } from '#shared/service/access.ts';
import { forbidden, notFound } from '#shared/domain/errors.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['revoke-invite-link'], async ({ callerId, claims, params }) => {
  // Authorize before reading: a caller who is not a member costs the caller check and nothing more.
  const { member } = await asMember(store, callerId, params.domainId);
  const link = await store.getInviteLink(params.linkId);
  if (!link || link.domainId !== params.domainId) throw notFound('The invite link');
  if (link.createdBy !== member.userId && !member.isAdmin) throw forbidden('Only the link\'s creator or an admin may revoke it.');
  // Already revoked: done, and nothing new happened to tell anyone about.
  if (link.revokedAt !== undefined) return;
  const at = now().toISOString();
  await store.revokeInviteLink(link, at, activity.linkRevoked(link, actorOf(callerId, claims), at));
});

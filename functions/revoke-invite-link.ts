/** DELETE /v1/domains/{domainId}/invite-links/{linkId}: its creator or an admin revokes one link. */
import { asMember } from '#shared/access.ts';
import { forbidden, notFound } from '#shared/domain/errors.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['revoke-invite-link'], async ({ callerId, params }) => {
  const [{ member }, link] = await Promise.all([
    asMember(store, callerId, params.domainId),
    store.getInviteLink(params.linkId),
  ]);
  if (!link || link.domainId !== params.domainId) throw notFound('The invite link');
  if (link.createdBy !== member.userId && !member.isAdmin) throw forbidden('Only the link\'s creator or an admin may revoke it.');
  await store.revokeInviteLink(link.linkId, new Date().toISOString());
});

/** POST /v1/domains/{domainId}/removed-members/allow-rejoin: an admin lets someone they removed join again through a link. */
import { asMember } from '#shared/service/access.ts';
import { assertAdminWriteDone } from '#shared/service/admin-write.ts';
import { busy, forbidden, notFound } from '#shared/domain/errors.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['allow-rejoin'], async ({ callerId, claims, params, body }) => {
  const { member: caller } = await asMember(store, callerId, params.domainId);
  if (!caller.isAdmin) throw forbidden('Only domain admins may let someone rejoin.');
  const removed = await store.getRemovedMember(params.domainId, body.email);
  if (!removed) throw notFound('Someone removed with that email');
  const allowed = activity.rejoinAllowed(params.domainId, removed, actorOf(callerId, claims), now().toISOString());
  const outcome = await store.allowRejoin(removed, params.domainId, callerId, allowed);
  // Removed again, or let back by another admin, between the read and the write.
  if (outcome === 'changed') throw busy();
  assertAdminWriteDone(outcome);
});

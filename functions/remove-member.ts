/** DELETE /v1/domains/{domainId}/users/{userId}: an admin removes a member; the person keeps their account and other domains. */
import { asMember } from '#shared/service/access.ts';
import { assertMemberChanged } from '#shared/service/admin-write.ts';
import { forbidden, notFound } from '#shared/domain/errors.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

const ATTEMPTS = 3;

export const handler = operationHandler(OPERATIONS['remove-member'], async ({ callerId, claims, params, query }) => {
  const keptOut = query?.allowRejoin !== 'true';
  const { member: caller } = await asMember(store, callerId, params.domainId);
  if (!caller.isAdmin) throw forbidden('Only domain admins may remove members.');
  for (let attempt = 1; ; attempt++) {
    const before = await store.getMembership(params.userId, params.domainId);
    if (!before) throw notFound('The member');
    const at = new Date().toISOString();
    // Their links end with them: the creator generation moves in the same write; kept out, no link lets them back.
    const actor = actorOf(callerId, claims);
    const removed = activity.memberRemoved(before, actor, at, keptOut);
    const keepOut = keptOut ? { userId: before.userId, email: before.email, firstName: before.firstName, lastName: before.lastName, removedAt: at, removedBy: callerId, removedByEmail: actor.email } : undefined;
    if (assertMemberChanged(await store.changeMember(before, undefined, true, callerId, removed, keepOut), attempt < ATTEMPTS)) return;
  }
});

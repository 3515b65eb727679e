/** DELETE /v1/domains/{domainId}/users/{userId}: an admin removes a member; the person keeps their account and other domains. */
import { activity, actorOf } from '#shared/contract/activity.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { changeMemberAsAdmin } from '#shared/service/member-change.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['remove-member'], async ({ callerId, claims, params, query }) => {
  const keptOut = query?.allowRejoin !== 'true';
  const actor = actorOf(callerId, claims);
  // Their links end with them (the creator generation moves in the same write); kept out, no link lets them back.
  await changeMemberAsAdmin(store, actor, params.domainId, params.userId, (before, _directory, at) => ({
    after: undefined,
    endLinks: true,
    activity: activity.memberRemoved(before, actor, at, keptOut),
    ...(keptOut ? { keepOut: { userId: before.userId, email: before.email, firstName: before.firstName, lastName: before.lastName, removedAt: at, removedBy: actor.userId, removedByEmail: actor.email } } : {}),
  }));
});

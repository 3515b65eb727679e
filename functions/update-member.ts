/** PATCH /v1/domains/{domainId}/users/{userId}: an admin changes a member's user type, teams, role groups, legacy groups, admin role or when their membership ends. */
import { activity, actorOf } from '#shared/contract/activity.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { memberView } from '#shared/contract/views.ts';
import { authorityShrinks, editedMember } from '#shared/domain/member-edit.ts';
import { membershipTimers } from '#shared/domain/timers.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { changeMemberAsAdmin } from '#shared/service/member-change.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['update-member'], async ({ callerId, claims, params, body }) => {
  const actor = actorOf(callerId, claims);
  const { after } = await changeMemberAsAdmin(store, actor, params.domainId, params.userId, (before, directory, at) => {
    const edited = editedMember(before, body, directory, at);
    // A moved end gets its own timers; the old ones find the date changed and do nothing.
    const moved = edited.memberUntil !== undefined && edited.memberUntil !== before.memberUntil;
    return {
      after: edited,
      endLinks: authorityShrinks(before, edited, directory),
      activity: activity.memberUpdated(before, edited, actor, at),
      ...(moved ? { timers: membershipTimers(before.domainId, before.userId, edited.memberUntil!, new Date(at)) } : {}),
    };
  });
  return memberView(after!);
});

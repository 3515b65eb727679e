/** PATCH /v1/domains/{domainId}/users/{userId}: an admin changes a member's user type, teams, role groups, legacy groups or admin role. */
import { asMember } from '#shared/service/access.ts';
import { assertMemberChanged } from '#shared/service/admin-write.ts';
import { forbidden, notFound } from '#shared/domain/errors.ts';
import { authorityShrinks, editedMember } from '#shared/domain/member-edit.ts';
import { activity, actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { memberView } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

/** A concurrent edit of the same member makes us read again; twice is plenty. */
const ATTEMPTS = 3;

export const handler = operationHandler(OPERATIONS['update-member'], async ({ callerId, claims, params, body }) => {
  const { member: caller, directory } = await asMember(store, callerId, params.domainId);
  if (!caller.isAdmin) throw forbidden('Only domain admins may change members.');
  for (let attempt = 1; ; attempt++) {
    const before = await store.getMembership(params.userId, params.domainId);
    if (!before) throw notFound('The member');
    const after = editedMember(before, body, directory);
    const updated = activity.memberUpdated(before, after, actorOf(callerId, claims), new Date().toISOString());
    const outcome = await store.changeMember(before, after, authorityShrinks(before, after, directory), callerId, updated);
    if (assertMemberChanged(outcome, attempt < ATTEMPTS)) return memberView(after);
  }
});

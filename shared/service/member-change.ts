/**
 * An admin's change to one member (an edit or a removal): the caller must be an admin, the member
 * is read, the change decided from what was read and written only if the member is still as read;
 * a member changed meanwhile by someone else is read again, a few times, then BUSY.
 */
import type { Actor } from '../contract/activity.ts';
import type { ActivityEntry } from '../contract/event-schemas.ts';
import { forbidden, notFound } from '../domain/errors.ts';
import type { Timer } from '../domain/timers.ts';
import type { Directory, Membership, RemovedMember } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { asMember } from './access.ts';
import { assertMemberChanged } from './admin-write.ts';
import { now } from '../clock.ts';

/** A concurrent edit of the same member makes us read again; twice is plenty. */
const ATTEMPTS = 3;

export interface MemberChange {
  /** The member as they will be; undefined removes them. */
  after: Membership | undefined;
  /** Their links stop working (they lose what the links hand out, or leave). */
  endLinks: boolean;
  activity: ActivityEntry;
  /** Removed and kept out: no link lets them back until an admin allows it. */
  keepOut?: RemovedMember;
  /** A new memberUntil's timers, written with the change. */
  timers?: Timer[];
}

export async function changeMemberAsAdmin(
  store: Store,
  actor: Actor,
  domainId: string,
  userId: string,
  decide: (before: Membership, directory: Directory, at: string) => MemberChange,
): Promise<MemberChange> {
  const { member: caller, directory } = await asMember(store, actor.userId, domainId);
  if (!caller.isAdmin) throw forbidden('Only domain admins may change or remove members.');
  for (let attempt = 1; ; attempt++) {
    const before = await store.getMembership(userId, domainId);
    if (!before) throw notFound('The member');
    const change = decide(before, directory, now().toISOString());
    const outcome = await store.changeMember(before, change.after, change.endLinks, actor.userId, change.activity, change.keepOut, change.timers);
    if (assertMemberChanged(outcome, attempt < ATTEMPTS)) return change;
  }
}

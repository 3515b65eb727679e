/**
 * A membership that ends on its own (a link's membershipDays, or a memberUntil an admin set): its
 * timers (shared/domain/timers.ts), fired by the sweep. Each reads the membership again and acts
 * only while it still ends at the timer's memberUntil (a date moved or cleared since makes the old
 * timer a no-op), so firing one twice does nothing more. The end is a removal as an admin's is
 * (their links end, they are kept out until an admin allows them back), by the service, with
 * reason `expired`; the domain's last admin is not removed: their end is cleared instead.
 */
import { activity } from '../contract/activity.ts';
import type { Timer } from '../domain/timers.ts';
import type { Membership } from '../domain/types.ts';
import { logger } from '../observability/logger.ts';
import type { Store } from '../store/store.ts';

export type MembershipTimer = Extract<Timer, { kind: 'membership-ending' | 'membership-ended' }>;

export interface MembershipEndDeps {
  store: Store;
  now: () => Date;
}

/** What firing did: warned (the outbox item written), removed, kept (the last admin, their end cleared), or nothing to do. */
export type MembershipTimerOutcome = 'warned' | 'removed' | 'kept-last-admin' | 'not-applicable';

/** A member changed meanwhile by an admin is read again, a few times; the next sweep tries again after that. */
const ATTEMPTS = 3;

export async function fireMembershipTimer(deps: MembershipEndDeps, timer: MembershipTimer): Promise<MembershipTimerOutcome> {
  const log = { kind: timer.kind, domainId: timer.domainId, userId: timer.userId, memberUntil: timer.memberUntil };
  for (let attempt = 1; ; attempt++) {
    const member = await deps.store.getMembership(timer.userId, timer.domainId);
    if (member?.memberUntil !== timer.memberUntil) {
      logger.info('membership timer: the membership is gone or ends at another time; nothing to do', log);
      return 'not-applicable';
    }
    const ending = { ...member, memberUntil: timer.memberUntil };
    const outcome = timer.kind === 'membership-ending' ? await warn(deps, ending) : await end(deps, ending, log);
    if (outcome !== 'changed') return outcome;
    if (attempt >= ATTEMPTS) throw new Error(`the membership of ${timer.userId} in ${timer.domainId} kept changing while its timer fired`);
  }
}

/** The outbox item the notifier sends to the member and to the link's creator, once per memberUntil. */
async function warn({ store, now }: MembershipEndDeps, member: Membership & { memberUntil: string }): Promise<MembershipTimerOutcome | 'changed'> {
  const written = await store.recordMembershipEnding({
    domainId: member.domainId,
    member: { userId: member.userId, email: member.email, firstName: member.firstName, lastName: member.lastName },
    memberUntil: member.memberUntil,
    ...(member.joinedVia?.linkId !== undefined && member.joinedVia.invitedBy ? { linkCreatedBy: member.joinedVia.invitedBy.userId } : {}),
    writtenAt: now().toISOString(),
  });
  if (written === 'changed') return 'changed';
  return written === 'written' ? 'warned' : 'not-applicable';
}

async function end({ store, now }: MembershipEndDeps, member: Membership & { memberUntil: string }, log: Record<string, unknown>): Promise<MembershipTimerOutcome | 'changed'> {
  const at = now().toISOString();
  // Never before its time, whatever fired it.
  if (at < member.memberUntil) return 'not-applicable';
  const keepOut = { userId: member.userId, email: member.email, firstName: member.firstName, lastName: member.lastName, removedAt: at, reason: 'expired' as const };
  const removed = await store.changeMember(member, undefined, true, undefined, activity.memberRemoved(member, undefined, at, true, 'expired'), keepOut);
  if (removed === 'done') return 'removed';
  // Gone already, or its domain is.
  if (removed === 'gone' || removed === 'not-member') return 'not-applicable';
  if (removed !== 'last-admin') return 'changed';
  // A domain always keeps an admin: they stay, and their membership no longer ends.
  const { memberUntil: _ended, ...kept } = member;
  const cleared = await store.changeMember(member, kept, false, undefined, activity.memberUpdated(member, kept, undefined, at));
  if (cleared !== 'done') return cleared === 'gone' || cleared === 'not-member' ? 'not-applicable' : 'changed';
  logger.warn('membership end: the member is the domain\'s last admin, so they stay and their memberUntil is cleared', log);
  return 'kept-last-admin';
}

/**
 * Timers: what must happen at a moment rather than on a request (a link's warning a day before it
 * ends, its end, a membership's end and the warning three days before). Each is written in the same
 * transaction as what it is about, and fired within a minute of its time by the timer sweep
 * (functions/fire-timers.ts, every minute). A timer only says "look at this now": firing reads the
 * thing again and acts only if it still applies, once (docs/timers.md). Moving a date writes a new
 * timer; the old one finds nothing to do.
 */
import type { InviteLink } from './types.ts';

export type Timer =
  | { kind: 'link-expiring'; dueAt: string; linkId: string; domainId: string }
  | { kind: 'link-expired'; dueAt: string; linkId: string; domainId: string }
  | { kind: 'membership-ending'; dueAt: string; userId: string; domainId: string; memberUntil: string }
  | { kind: 'membership-ended'; dueAt: string; userId: string; domainId: string; memberUntil: string };

export type TimerKind = Timer['kind'];

/** A link's creator hears this long before it ends (when it lives longer than that). */
export const LINK_WARNING_BEFORE_MS = 24 * 3_600_000;
/** A member (and the link's creator) hear this long before a membership ends. */
export const MEMBERSHIP_WARNING_BEFORE_MS = 3 * 24 * 3_600_000;
/** The share of a link's maxUses at which its creator is warned. */
export const USES_WARNING_SHARE = 0.8;

/** The subject a timer is about, for its key: one link or one membership. */
export const timerSubject = (timer: Timer): string => ('linkId' in timer ? timer.linkId : `${timer.domainId}#${timer.userId}`);

/** A new link's timers: its end, and the warning a day before unless it is born within a day of its end. */
export function linkTimers(link: Pick<InviteLink, 'linkId' | 'domainId' | 'createdAt' | 'expiresAt'>): Timer[] {
  const { linkId, domainId } = link;
  const warnAt = Date.parse(link.expiresAt) - LINK_WARNING_BEFORE_MS;
  return [
    ...(warnAt > Date.parse(link.createdAt) ? [{ kind: 'link-expiring' as const, dueAt: new Date(warnAt).toISOString(), linkId, domainId }] : []),
    { kind: 'link-expired', dueAt: link.expiresAt, linkId, domainId },
  ];
}

/** A membership's timers for its end at `memberUntil`: the end, and the warning three days before unless that has passed. */
export function membershipTimers(domainId: string, userId: string, memberUntil: string, now: Date): Timer[] {
  const warnAt = Date.parse(memberUntil) - MEMBERSHIP_WARNING_BEFORE_MS;
  return [
    ...(warnAt > now.getTime() ? [{ kind: 'membership-ending' as const, dueAt: new Date(warnAt).toISOString(), userId, domainId, memberUntil }] : []),
    { kind: 'membership-ended', dueAt: memberUntil, userId, domainId, memberUntil },
  ];
}

/** Where a membership through a link with `membershipDays` ends. */
export const memberUntilFor = (joinedAt: string, membershipDays: number): string => new Date(Date.parse(joinedAt) + membershipDays * 86_400_000).toISOString();

/** Whether a link with a use limit has reached the share its creator is warned at. */
export const reachedUsesWarning = (maxUses: number, useCount: number): boolean => useCount >= Math.ceil(maxUses * USES_WARNING_SHARE);

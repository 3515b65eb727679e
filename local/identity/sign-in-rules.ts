/**
 * How the local provider guards its emailed codes, as pure rules over seconds since the epoch:
 * the code itself, failed tries per email with a lockout that grows, code requests per mailbox,
 * and requests per client address. The store (sign-in-guards.ts) keeps the state; the caller's
 * clock says what time it is, so tests move time instead of waiting for it.
 */

export interface SignInRules {
  /** A code: `digits` long, works `lifetimeSeconds`, `maxTries` checks; one sign-in asks for a new one after `resendAfterSeconds`. */
  code: { digits: number; lifetimeSeconds: number; maxTries: number; resendAfterSeconds: number };
  /**
   * Failed tries per email, whatever the code or sign-in: the `maxFailures`th in `windowSeconds`
   * locks the email for `firstLockoutSeconds`, each further lockout twice as long (at most
   * `maxLockoutSeconds`) until a day passes without one.
   */
  failures: { maxFailures: number; windowSeconds: number; firstLockoutSeconds: number; maxLockoutSeconds: number; forgetLockoutsAfterSeconds: number };
  /** Code requests per mailbox (`+tag` removed, case folded), counted whether or not an email went out. */
  codeEmails: { maxEmails: number; windowSeconds: number };
  /** Every request under /oidc, per client address, as CLIENT_LIMITS does for the API. */
  perClient: { requests: number; windowSeconds: number };
}

export const SIGN_IN_RULES: SignInRules = {
  code: { digits: 6, lifetimeSeconds: 600, maxTries: 5, resendAfterSeconds: 30 },
  failures: { maxFailures: 10, windowSeconds: 3600, firstLockoutSeconds: 900, maxLockoutSeconds: 86_400, forgetLockoutsAfterSeconds: 86_400 },
  codeEmails: { maxEmails: 5, windowSeconds: 3600 },
  perClient: { requests: 120, windowSeconds: 60 },
};

/** The mailbox an address delivers to, as far as this provider can tell: `Ada+x@Example.com` is `ada@example.com`. */
export function canonicalMailbox(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const withoutTag = local.split('+')[0] || local;
  return `${withoutTag}@${email.slice(at + 1)}`.trim().toLowerCase();
}

/** An email's failed tries and lockouts. */
export interface FailureRecord {
  /** When each failed try of the current window happened. */
  failures: number[];
  lockedUntil: number;
  lockouts: number;
  lastLockoutAt: number;
}

export const NO_FAILURES: FailureRecord = { failures: [], lockedUntil: 0, lockouts: 0, lastLockoutAt: 0 };

/** Seconds the email stays locked from `now`; 0 when it is not. */
export function lockedFor(record: FailureRecord, now: number): number {
  return Math.max(0, record.lockedUntil - now);
}

/** The record after one more failed try at `now`: the try that reaches the limit starts a lockout, longer than the one before. */
export function withFailure(record: FailureRecord, now: number, rules: SignInRules['failures']): FailureRecord {
  const failures = [...record.failures.filter((at) => at > now - rules.windowSeconds), now];
  if (failures.length < rules.maxFailures) return { ...record, failures };
  const lockouts = record.lockouts > 0 && now - record.lastLockoutAt < rules.forgetLockoutsAfterSeconds ? record.lockouts + 1 : 1;
  const seconds = Math.min(rules.firstLockoutSeconds * 2 ** (lockouts - 1), rules.maxLockoutSeconds);
  return { failures: [], lockouts, lastLockoutAt: now, lockedUntil: Math.max(record.lockedUntil, now + seconds) };
}

/** One more code request for a mailbox at `now`: the request times to keep, or how long until one may be made. */
export function withCodeRequest(requests: number[], now: number, rules: SignInRules['codeEmails']): { requests: number[] } | { waitSeconds: number } {
  const recent = requests.filter((at) => at > now - rules.windowSeconds).sort((a, b) => a - b);
  if (recent.length >= rules.maxEmails) return { waitSeconds: Math.max(1, recent[recent.length - rules.maxEmails]! + rules.windowSeconds - now) };
  return { requests: [...recent, now] };
}

/** What a sign-in's check of a code comes to, before the code itself is compared. */
export type TryVerdict = 'check' | 'locked' | 'expired' | 'too-many-tries';

/**
 * Whether a try may be checked at all. While the email is locked, only a sign-in that has not
 * failed yet gets a try: the owner, with the code they asked for; an attacker's sign-in that
 * has guessed wrong once gets nothing, not even for the right code.
 */
export function judgeTry(attempt: { failures: number; codeTries: number; codeExpiresAt: number }, lockedSeconds: number, now: number, rules: SignInRules['code']): TryVerdict {
  if (lockedSeconds > 0 && attempt.failures > 0) return 'locked';
  if (attempt.codeExpiresAt <= now) return 'expired';
  if (attempt.codeTries > rules.maxTries) return 'too-many-tries';
  return 'check';
}

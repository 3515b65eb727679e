/**
 * Who saw a link and who came: distinct browsers a day that opened it (`views`) and that went on
 * to sign in from it (`signInsStarted`), the people who joined through it, and the joins it refused
 * by their problem code. Counted by the events feed from the table's stream (never in a lookup's or
 * a join's own write), so the counts trail the requests by the stream's delay.
 */
import type { ErrorKind } from './errors.ts';

export interface LinkStats {
  views: number;
  signInsStarted: number;
  joins: number;
  /** Refused joins by problem code (`LINK_EXPIRED`: 3); a code never refused is absent. */
  refusals: Record<string, number>;
}

/** A step of the join page a browser reaches, counted once per browser per UTC day. */
export const VISIT_STEPS = ['view', 'sign-in'] as const;
export type VisitStep = (typeof VISIT_STEPS)[number];

/** The refusals of a join through a known link that its stats count: about the link, or about the person and that link. */
export const COUNTED_REFUSALS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'LinkExpired',
  'LinkUsedUp',
  'LinkRevoked',
  'LinksDisabled',
  'LinkPaused',
  'LinksPaused',
  'EmailDomainNotAllowed',
  'RejoinBlocked',
  'JoinDeclined',
  'AlreadyMember',
]);

export const noStats = (): LinkStats => ({ views: 0, signInsStarted: 0, joins: 0, refusals: {} });

/** The UTC day of `now` (`2026-06-01`): what a browser is counted once in, and what its daily salt is for. */
export const utcDay = (now: Date): string => now.toISOString().slice(0, 10);

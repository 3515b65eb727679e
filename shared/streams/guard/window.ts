/**
 * A link's join-rate guard, counted in one-second buckets: the second a join is counted in, the
 * buckets its window reads, which joins there count, and whether they pass the link's threshold.
 * Pure: the join's own time (its record's joinedAt) is the only clock. A bucket holds one second's
 * joins, so no bucket grows with a busy link (minute buckets held 1,800 joins at 30 a second, and
 * rewriting such an item on every count cost what every join through the link then waited on).
 */
import type { PauseAfter } from '../../domain/types.ts';

/** A join as its bucket holds it: the key its join record is read back by. */
export interface CountedJoin {
  joinedAt: string;
  joinId: string;
}

/** `2026-06-01T09:30:05`: the UTC second an instant falls in, the bucket's name. */
export const bucketOf = (at: string | number): string => new Date(at).toISOString().slice(0, 19);

/**
 * How a bucket spells a join: its time then its id (its join record's sort key), so the same join
 * counts once however often the stream brings it, and the window is cut at the millisecond.
 */
export const entryOf = ({ joinedAt, joinId }: CountedJoin): string => `${joinedAt}#${joinId}`;

export function countedJoinOf(entry: string): CountedJoin | undefined {
  const cut = entry.indexOf('#');
  const joinedAt = entry.slice(0, cut);
  if (cut <= 0 || cut === entry.length - 1 || Number.isNaN(Date.parse(joinedAt))) return undefined;
  return { joinedAt, joinId: entry.slice(cut + 1) };
}

/**
 * The guard's own marks beside the joins: where it paused the link, and where it started counting
 * afresh because the link had been resumed since (so the burst that paused it never pauses it again).
 */
export type GuardMark = { paused: string } | { restarted: string };
export const markOf = (mark: GuardMark): string => ('paused' in mark ? `paused ${mark.paused}` : `restarted ${mark.restarted}`);
const markTimes = (marks: readonly string[], kind: 'paused' | 'restarted') =>
  marks.flatMap((m) => (m.startsWith(`${kind} `) && !Number.isNaN(Date.parse(m.slice(kind.length + 1))) ? [Date.parse(m.slice(kind.length + 1))] : []));

/**
 * The window a join closes: the `withinMinutes` minutes up to it (its start excluded), and the
 * buckets (first and last second, both included) that hold its joins.
 */
export function windowOf(joinedAt: string, withinMinutes: number): { after: number; until: number; firstBucket: string; lastBucket: string } {
  const until = Date.parse(joinedAt);
  const after = until - withinMinutes * 60_000;
  return { after, until, firstBucket: bucketOf(after), lastBucket: bucketOf(until) };
}

/** What the window a join closes holds: the joins that count, oldest first, and whether the guard paused the link since counting last started. */
export interface WindowCount {
  joins: CountedJoin[];
  /** A pause of the guard's in the window after its last fresh start: the link is paused, or was resumed since. */
  pausedSince: boolean;
  /** The guard started counting afresh after this join (a redelivered join from before a resume): it is not judged again. */
  superseded: boolean;
}

/**
 * The joins of the window a join closes: after its start and not after the join itself (a later
 * one closes its own window), and none from before the guard last started counting afresh. With
 * `through`, the joins up to then too: a burst named once the guard has seen more of it.
 */
export function countWindow(entries: readonly string[], marks: readonly string[], joinedAt: string, withinMinutes: number, through?: string): WindowCount {
  const { after } = windowOf(joinedAt, withinMinutes);
  const until = Math.max(Date.parse(joinedAt), through === undefined ? 0 : Date.parse(through));
  const allRestarts = markTimes(marks, 'restarted');
  const restarts = allRestarts.filter((at) => at <= until);
  const from = restarts.length ? Math.max(...restarts) : undefined;
  const joins = new Map<string, CountedJoin & { at: number }>();
  for (const entry of entries) {
    const join = countedJoinOf(entry);
    const at = join ? Date.parse(join.joinedAt) : NaN;
    if (join && at > after && at <= until && (from === undefined || at >= from)) joins.set(join.joinId, { ...join, at });
  }
  return {
    joins: [...joins.values()].sort((a, b) => a.at - b.at || a.joinId.localeCompare(b.joinId)).map(({ joinedAt, joinId }) => ({ joinedAt, joinId })),
    pausedSince: markTimes(marks, 'paused').some((at) => at > after && at <= until && (from === undefined || at >= from)),
    superseded: allRestarts.some((at) => at > until),
  };
}

/** Past the threshold: more than `joins` people joined within the window. */
export const passesThreshold = (joinsInWindow: number, { joins }: PauseAfter): boolean => joinsInWindow > joins;

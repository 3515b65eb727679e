/**
 * The guard's port: a guarded link's joins counted per UTC second (so a join's window is a range
 * of a few items, and no join's own transaction touches them), and the people of a burst read back
 * from their join records. shared/store/dynamodb/link-guard.ts implements it on the table.
 */

/** Someone who joined in a burst, as their join record says. */
export interface BurstJoiner {
  userId: string;
  email: string;
  joinedAt: string;
}

export interface LinkGuardCounts {
  /** Adds `entries` (joins) to the link's bucket for `second`; an entry there already changes nothing. */
  countJoins(linkId: string, second: string, entries: readonly string[]): Promise<void>;
  /** Adds one of the guard's own marks (a pause, a fresh start) to the bucket for `second`, beside its joins. */
  mark(linkId: string, second: string, mark: string): Promise<void>;
  /** Every join and mark in the link's buckets from `firstBucket` to `lastBucket`, both included. */
  between(linkId: string, firstBucket: string, lastBucket: string): Promise<{ joins: string[]; marks: string[] }>;
  /** The people of these joins, read from their join records (oldest first; a record gone is left out). */
  joinersOf(domainId: string, joins: readonly { joinedAt: string; joinId: string }[]): Promise<BurstJoiner[]>;
}

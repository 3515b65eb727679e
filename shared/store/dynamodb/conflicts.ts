/**
 * In AWS a transaction is cancelled (TransactionConflict) when another in-flight transaction
 * holds one of its items, and a single write to such an item fails (TransactionConflictException).
 * Both are worth a retry after a short random wait; a request that keeps colliding answers 503
 * BUSY with Retry-After rather than failing.
 */
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { busy } from '../../domain/errors.ts';
import { reasonCodes } from './cancellation.ts';

/** With the backoff below, about 4 s of trying before a request gives up as BUSY. */
export const CONFLICT_MAX_ATTEMPTS = 10;

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function isConflict(error: unknown): boolean {
  if (error instanceof TransactionConflictException) return true;
  return error instanceof TransactionCanceledException && reasonCodes(error).includes('TransactionConflict');
}

/** Full jitter: a random wait up to 25 ms, 50 ms, 100 ms ... capped at 1 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(1000, 25 * 2 ** (attempt - 1)));
}

/**
 * A join's wait before it tries again on another counter and gate: a few milliseconds the first
 * time, since the ones just held are avoided and another pair is most likely free; after that,
 * backoffMs, so a join that keeps colliding waits as long in all as any write.
 */
export function joinRetryMs(attempt: number, random: () => number = Math.random): number {
  return attempt === 1 ? Math.floor(random() * 5) : backoffMs(attempt, random);
}

/** Runs `write` until it does not collide, waiting between attempts; after the last, 503 BUSY. */
export async function retryingConflicts<T>(write: (attempt: number) => Promise<T>, wait: Sleep = sleep): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(attempt);
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= CONFLICT_MAX_ATTEMPTS) throw busy();
      await wait(backoffMs(attempt));
    }
  }
}

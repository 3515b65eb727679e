/**
 * In AWS a transaction is cancelled (TransactionConflict) when another in-flight transaction
 * holds one of its items, and a single write to such an item fails (TransactionConflictException).
 * Both are worth a retry after a short random wait; a request that keeps colliding answers 503
 * BUSY with Retry-After rather than failing.
 */
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { busy } from '../../domain/errors.ts';
import { count } from '../../observability/metrics.ts';
import { METRIC } from '../../observability/names.ts';
import { reasonCodes } from './cancellation.ts';

/** With the backoff below, about 4 s of trying before a request gives up as BUSY. */
export const CONFLICT_MAX_ATTEMPTS = 10;

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function isConflict(error: unknown): boolean {
  if (error instanceof TransactionConflictException) return true;
  return error instanceof TransactionCanceledException && reasonCodes(error).includes('TransactionConflict');
}

/**
 * DynamoDB refused for throughput, after the SDK's own retries: a partition key over its limit
 * (ThrottlingException on demand, ProvisionedThroughputExceededException provisioned), the
 * account's request rate, or a transaction with a throttled entry. Nothing was written: BUSY.
 */
export function isThrottled(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  if (name === 'ThrottlingException' || name === 'ProvisionedThroughputExceededException' || name === 'RequestLimitExceeded') return true;
  return error instanceof TransactionCanceledException && reasonCodes(error).some((code) => code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded');
}

/** Full jitter: a random wait up to 25 ms, 50 ms, 100 ms ... capped at 1 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(1000, 25 * 2 ** (attempt - 1)));
}

/**
 * How often a join tries its transaction before it answers BUSY. More than other writes, with
 * shorter waits: a join that collides tries another counter and gate, and under a burst on one
 * link it is waiting for one of that link's counters to come free, which a capped wait notices
 * soon; a growing one would leave the joins that waited longest waiting longest.
 */
export const JOIN_MAX_ATTEMPTS = 50;
/** And for at most this long, well inside the API functions' 10 s timeout. */
export const JOIN_TRYING_MS = 6000;

/** A join's wait before its next try: under 5 ms the first time (another pair is most likely free), then full jitter from 25 ms doubling, capped at 200 ms. */
export function joinRetryMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * (attempt === 1 ? 5 : Math.min(200, 25 * 2 ** (attempt - 2))));
}

/** Runs `write` until it does not collide, waiting between attempts; after the last, 503 BUSY. */
export async function retryingConflicts<T>(write: (attempt: number) => Promise<T>, wait: Sleep = sleep): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(attempt);
    } catch (error) {
      if (!isConflict(error)) throw error;
      count(METRIC.conflicts);
      if (attempt >= CONFLICT_MAX_ATTEMPTS) throw busy();
      count(METRIC.conflictRetries);
      await wait(backoffMs(attempt));
    }
  }
}

/**
 * Makes DynamoDB Local refuse what AWS refuses when one partition key takes more than a partition
 * gives: 1,000 write units and 3,000 read units a second per partition key value, of the table and
 * of each global secondary index. DynamoDB Local has no such limit. docs/throughput-emulation.md
 * explains what is emulated, how units are counted, its limits and how to turn it off.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { handBack, withoutEntries } from './throughput/batches.ts';
import { distinctReasons, throttled, transactionThrottled } from './throughput/refusals.ts';
import { chargesOf, readRestCharges } from './throughput/units.ts';
import { clearWindows, overLimit, take, type ThrottlingReasonName } from './throughput/windows.ts';

export { itemKb, requestUnits } from './throughput/units.ts';
export { PARTITION_LIMITS, type ThrottlingReasonName } from './throughput/windows.ts';
export { THROTTLED_INDEX_MESSAGE, THROTTLED_TABLE_MESSAGE } from './throughput/refusals.ts';

export interface ThroughputEmulationOptions {
  /** Defaults to on unless DYNAMODB_THROUGHPUT_EMULATION=off. */
  enabled?: boolean;
  /** Milliseconds; tests move it by hand. Every client shares one set of partitions, so give them one clock. */
  now?: () => number;
}

export interface ThroughputStats {
  /** Requests (and batch items left unprocessed) refused, by the reason AWS would give. */
  throttled: Partial<Record<ThrottlingReasonName, number>>;
  /** Batch items handed back as UnprocessedItems / UnprocessedKeys. */
  unprocessedItems: number;
}

const MIDDLEWARE_NAME = 'emulatePartitionThroughput';
const CAPTURE_NAME = 'emulatePartitionThroughputInput';
/** The caller's own input (a DocumentClient's unmarshalled one), for handing back unprocessed batch items as given. */
const CALLER_INPUT = Symbol('throughputEmulationCallerInput');

/** DYNAMODB_THROUGHPUT_EMULATION: on unless it says off. */
export const THROUGHPUT_ON = readSetting(process.env.DYNAMODB_THROUGHPUT_EMULATION);

let stats: ThroughputStats = { throttled: {}, unprocessedItems: 0 };

/**
 * Adds the emulation to the client's middleware stack (a DocumentClient shares its base client's
 * stack, so either one covers both). Adding it again replaces it; `enabled: false` removes it.
 */
export function emulatePartitionThroughput<C extends DynamoDBClient | DynamoDBDocumentClient>(
  client: C,
  { enabled = THROUGHPUT_ON, now = () => performance.now() }: ThroughputEmulationOptions = {},
): C {
  const stack = client.middlewareStack as unknown as DynamoDBClient['middlewareStack'];
  stack.remove(MIDDLEWARE_NAME);
  stack.remove(CAPTURE_NAME);
  if (!enabled) return client;
  stack.add(
    (next, context) => async (args) => {
      (context as Record<symbol, unknown>)[CALLER_INPUT] = args.input;
      return next(args);
    },
    { step: 'initialize', priority: 'low', name: CAPTURE_NAME, override: true },
  );
  const emulation: FinalizeRequestMiddleware<any, any> = (next, context) => async (args) => {
    const command = String(context.commandName);
    const input = args.input as Record<string, unknown>;
    const charges = chargesOf(command, input);
    if (charges.length === 0) return next(args);
    const at = now();
    const batch = command === 'BatchWriteItemCommand' || command === 'BatchGetItemCommand';
    const over = overLimit(charges, at, batch);
    if (over.length === 0) {
      take(charges, at);
      const result = await next(args);
      take(readRestCharges(command, input, charges, result.output as Record<string, unknown>), now());
      return result;
    }
    const throttledEntries = new Set(over.map((c) => c.entry));
    if (batch && throttledEntries.size < new Set(charges.map((c) => c.entry)).size) {
      // Part of a batch over: the rest is sent and the throttled entries come back unprocessed, as in AWS.
      const kept = charges.filter((c) => !throttledEntries.has(c.entry));
      take(kept, at);
      count(over.map((c) => c.reason));
      stats.unprocessedItems += throttledEntries.size;
      const result = await next({ ...args, request: withoutEntries(args.request, command, throttledEntries) });
      const output = result.output as Record<string, unknown>;
      handBack(command, ((context as Record<symbol, unknown>)[CALLER_INPUT] ?? input) as Record<string, unknown>, output, throttledEntries);
      take(readRestCharges(command, input, kept, output), now());
      return result;
    }
    // A batch throttled whole is a ThrottlingException too; a transaction is cancelled instead.
    if (command === 'TransactWriteItemsCommand' || command === 'TransactGetItemsCommand') {
      count(distinctReasons(over));
      throw transactionThrottled(input, over);
    }
    count(batch ? over.map((c) => c.reason) : distinctReasons(over));
    throw throttled(over);
  };
  // Inside the retry loop, so the SDK retries a ThrottlingException as it does AWS's; before signing, as a batch's body may change.
  stack.addRelativeTo(emulation, { relation: 'after', toMiddleware: 'retryMiddleware', name: MIDDLEWARE_NAME, override: true });
  return client;
}

export function throughputStats(): ThroughputStats {
  return { throttled: { ...stats.throttled }, unprocessedItems: stats.unprocessedItems };
}

/** Forgets the stats and every partition's last second (tests start from idle partitions). */
export function resetThroughput(): void {
  stats = { throttled: {}, unprocessedItems: 0 };
  clearWindows();
}

function count(reasons: ThrottlingReasonName[]): void {
  for (const reason of reasons) stats.throttled[reason] = (stats.throttled[reason] ?? 0) + 1;
}

function readSetting(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`DYNAMODB_THROUGHPUT_EMULATION must be "on" or "off", got "${value}"`);
}

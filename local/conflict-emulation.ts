/**
 * Makes DynamoDB Local refuse what AWS refuses when writes meet an in-flight transaction: a
 * TransactWriteItems that shares an item with another one in flight is cancelled
 * (TransactionConflict), and a single PutItem/UpdateItem/DeleteItem on such an item fails with
 * TransactionConflictException. DynamoDB Local never does either. docs/conflict-emulation.md
 * explains what is emulated, its limits and how to turn it off.
 */
import {
  TransactionCanceledException,
  TransactionConflictException,
  type AttributeValue,
  type CancellationReason,
  type DeleteItemInput,
  type DynamoDBClient,
  type PutItemInput,
  type TransactWriteItemsInput,
  type UpdateItemInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#shared/store/dynamodb/table.ts';

export interface ConflictEmulationOptions {
  /** Defaults to on unless DYNAMODB_CONFLICT_EMULATION=off. */
  enabled?: boolean;
}

export interface ConflictStats {
  /** TransactWriteItems cancelled for TransactionConflict. */
  transactionsCancelled: number;
  /** Single writes refused with TransactionConflictException. */
  writesRefused: number;
  /** Each item a transaction or write was refused on (its table and key), and how many times. */
  conflictedItems: ConflictedItem[];
}

export interface ConflictedItem {
  table: string;
  key: Record<string, AttributeValue>;
  times: number;
}

const MIDDLEWARE_NAME = 'emulateTransactionConflicts';
const CONFLICT_MESSAGE = 'Transaction is ongoing for the item';
/** DYNAMODB_CONFLICT_EMULATION: on unless it says off. */
export const CONFLICTS_ON = readSetting(process.env.DYNAMODB_CONFLICT_EMULATION);

/** Items of the TransactWriteItems now in flight, from every client in this process. */
const inFlight = new Set<string>();
let stats = { transactionsCancelled: 0, writesRefused: 0 };
/** Times refused, by item identity (itemIdentity). */
let refusedOn = new Map<string, number>();

/**
 * Adds the emulation to the client's middleware stack (a DocumentClient shares its base client's
 * stack, so either one covers both). Adding it again replaces it; `enabled: false` removes it.
 */
export function emulateTransactionConflicts<C extends DynamoDBClient | DynamoDBDocumentClient>(
  client: C,
  { enabled = CONFLICTS_ON }: ConflictEmulationOptions = {},
): C {
  // One stack object at runtime whichever client it came through; only the declared types differ.
  const stack = client.middlewareStack as unknown as DynamoDBClient['middlewareStack'];
  if (!enabled) {
    stack.remove(MIDDLEWARE_NAME);
    return client;
  }
  stack.add(
    (next, context) => async (args) => {
      switch (context.commandName) {
        case 'TransactWriteItemsCommand': {
          const items = transactionItems(args.input as TransactWriteItemsInput);
          const conflicts = items.map((item) => item !== undefined && inFlight.has(item));
          if (conflicts.includes(true)) {
            stats.transactionsCancelled += 1;
            items.forEach((item, i) => {
              if (conflicts[i]) countConflictOn(item!);
            });
            throw transactionCancelled(conflicts);
          }
          const held = items.filter((item): item is string => item !== undefined);
          for (const item of held) inFlight.add(item);
          try {
            return await next(args);
          } finally {
            for (const item of held) inFlight.delete(item);
          }
        }
        case 'PutItemCommand':
        case 'UpdateItemCommand':
        case 'DeleteItemCommand': {
          const item = writtenItem(args.input as PutItemInput | UpdateItemInput | DeleteItemInput);
          if (item !== undefined && inFlight.has(item)) {
            stats.writesRefused += 1;
            countConflictOn(item);
            throw new TransactionConflictException({ message: CONFLICT_MESSAGE, $metadata: refusedMetadata() });
          }
          return next(args);
        }
        default:
          return next(args);
      }
    },
    // The build step runs after serialization, so a DocumentClient's input is already marshalled here,
    // and before the retry loop, so a refused request is neither sent nor retried (AWS's SDK does not retry these either).
    { step: 'build', priority: 'high', name: MIDDLEWARE_NAME, override: true },
  );
  return client;
}

export function conflictStats(): ConflictStats {
  const conflictedItems = [...refusedOn].map(([identity, times]) => {
    const [table, partition, sort] = JSON.parse(identity) as [string, AttributeValue, AttributeValue | null];
    return { table, key: { [TABLE.partitionKey]: partition, ...(sort ? { [TABLE.sortKey]: sort } : {}) }, times };
  });
  return { ...stats, conflictedItems };
}

export function resetConflictStats(): void {
  stats = { transactionsCancelled: 0, writesRefused: 0 };
  refusedOn = new Map();
}

function countConflictOn(item: string): void {
  refusedOn.set(item, (refusedOn.get(item) ?? 0) + 1);
}

function transactionItems(input: TransactWriteItemsInput): (string | undefined)[] {
  return (input.TransactItems ?? []).map(({ Put, Update, Delete, ConditionCheck }) => {
    if (Put) return itemIdentity(Put.TableName, Put.Item);
    const keyed = Update ?? Delete ?? ConditionCheck;
    return itemIdentity(keyed?.TableName, keyed?.Key);
  });
}

function writtenItem(input: PutItemInput | UpdateItemInput | DeleteItemInput): string | undefined {
  return itemIdentity(input.TableName, 'Item' in input ? input.Item : input.Key);
}

/** Table and key; undefined when the item does not carry the table's key attributes (it is then not tracked). */
function itemIdentity(tableName: string | undefined, attributes: Record<string, AttributeValue> | undefined): string | undefined {
  const partition = attributes?.[TABLE.partitionKey];
  if (!tableName || !partition) return undefined;
  return JSON.stringify([tableName, partition, attributes?.[TABLE.sortKey] ?? null]);
}

function transactionCancelled(conflicts: boolean[]): TransactionCanceledException {
  const reasons: CancellationReason[] = conflicts.map((conflict) =>
    conflict ? { Code: 'TransactionConflict', Message: CONFLICT_MESSAGE } : { Code: 'None' },
  );
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: refusedMetadata(),
    CancellationReasons: reasons,
  });
}

/** What AWS reports for a request it answered with a 400 on the first attempt. */
function refusedMetadata() {
  return { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };
}

function readSetting(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`DYNAMODB_CONFLICT_EMULATION must be "on" or "off", got "${value}"`);
}

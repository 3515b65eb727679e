/**
 * Makes DynamoDB Local refuse what AWS refuses when one partition key takes more than a partition
 * gives: 1,000 write units and 3,000 read units a second per partition key value, of the table and
 * of each global secondary index. DynamoDB Local has no such limit. docs/throughput-emulation.md
 * explains what is emulated, how units are counted, its limits and how to turn it off.
 */
import {
  ThrottlingException,
  TransactionCanceledException,
  type AttributeValue,
  type BatchGetItemInput,
  type BatchWriteItemInput,
  type CancellationReason,
  type DynamoDBClient,
  type GetItemInput,
  type PutItemInput,
  type QueryInput,
  type TransactGetItemsInput,
  type TransactWriteItemsInput,
  type UpdateItemInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { TABLE } from '#shared/store/dynamodb/table.ts';
import { LOCAL_ACCOUNT } from './iam/roles.ts';
import { LOCAL_AWS } from './services.ts';

/** What one partition key value takes in a second, in AWS, whatever the table's capacity mode. */
export const PARTITION_LIMITS = { writeUnits: 1000, readUnits: 3000 } as const;
const WINDOW_MS = 1000;

export type ThrottlingReasonName =
  | 'TableWriteKeyRangeThroughputExceeded'
  | 'IndexWriteKeyRangeThroughputExceeded'
  | 'TableReadKeyRangeThroughputExceeded'
  | 'IndexReadKeyRangeThroughputExceeded';

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

/** The messages AWS gives an on-demand table's throttled request (TransactWriteItems' ThrottlingError, API reference). */
export const THROTTLED_TABLE_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';
export const THROTTLED_INDEX_MESSAGE =
  'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.';

/** DYNAMODB_THROUGHPUT_EMULATION: on unless it says off. */
export const THROUGHPUT_ON = readSetting(process.env.DYNAMODB_THROUGHPUT_EMULATION);

/** The global secondary indexes whose partitions are counted: the service table's one. */
const INDEXES = [{ name: TABLE.byDomainIndex.name, partitionKey: TABLE.byDomainIndex.partitionKey }];

type Kind = 'read' | 'write';
interface Partition {
  table: string;
  index?: string;
  key: AttributeValue;
}
/** Units a request takes from one partition; `entry` is its place in a batch or transaction. */
interface Charge {
  partition: Partition;
  kind: Kind;
  units: number;
  entry: number;
}

/** The units each partition took in the last second, oldest first; shared by every client in this process. */
const windows = new Map<string, { taken: [at: number, units: number][]; sum: number }>();
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
      takeReadRest(command, input, charges, result.output as Record<string, unknown>, now());
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
      takeReadRest(command, input, kept, output, now());
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
  windows.clear();
}

/** What a request takes from each partition before it is sent (marshalled input, e.g. `PutItemCommand`); a read's rest is taken when answered. */
export function requestUnits(commandName: string, input: Record<string, unknown>): { table: string; index?: string; key: AttributeValue; kind: Kind; units: number }[] {
  return chargesOf(commandName, input).map(({ partition, kind, units }) => ({ ...partition, kind, units }));
}

/**
 * An item's size in KB as AWS rounds it up for a write (at least 1), approximated by its JSON: the
 * attribute names and values, plus a few bytes of punctuation and type tags per attribute.
 */
export function itemKb(item: unknown): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item ?? {})) / 1024));
}

/** Read units for `bytes` read: per 4 KB started, 0.5 eventually consistent, 1 strongly, 2 in a transaction. */
function readUnits(bytes: number, perFourKb: number): number {
  return Math.max(1, Math.ceil(bytes / 4096)) * perFourKb;
}

/** Every partition a request takes units from, and how many, before it is sent. Reads take their least here and the rest when answered. */
function chargesOf(command: string, input: Record<string, unknown>): Charge[] {
  switch (command) {
    case 'PutItemCommand': {
      const { TableName, Item } = input as unknown as PutItemInput;
      return writeCharges(TableName!, Item!, itemKb(Item), 1, 0, true);
    }
    case 'UpdateItemCommand':
    case 'DeleteItemCommand': {
      const { TableName, Key, ExpressionAttributeValues } = input as unknown as UpdateItemInput;
      return writeCharges(TableName!, Key!, itemKb({ ...Key, ...ExpressionAttributeValues }), 1, 0, false);
    }
    case 'BatchWriteItemCommand':
      return entriesOf(input as unknown as BatchWriteItemInput).flatMap(({ table, entry, request }) =>
        request.PutRequest
          ? writeCharges(table, request.PutRequest.Item!, itemKb(request.PutRequest.Item), 1, entry, true)
          : writeCharges(table, request.DeleteRequest!.Key!, itemKb(request.DeleteRequest!.Key), 1, entry, false),
      );
    case 'TransactWriteItemsCommand':
      return ((input as unknown as TransactWriteItemsInput).TransactItems ?? []).flatMap(({ Put, Update, Delete, ConditionCheck }, entry) => {
        if (Put) return writeCharges(Put.TableName!, Put.Item!, itemKb(Put.Item), 2, entry, true);
        const keyed = Update ?? Delete ?? ConditionCheck!;
        return writeCharges(keyed.TableName!, keyed.Key!, itemKb({ ...keyed.Key, ...(Update?.ExpressionAttributeValues ?? {}) }), 2, entry, false);
      });
    case 'GetItemCommand': {
      const { TableName, Key, ConsistentRead } = input as unknown as GetItemInput;
      return readCharge(TableName!, undefined, Key?.[TABLE.partitionKey], readUnits(0, ConsistentRead ? 1 : 0.5), 0);
    }
    case 'QueryCommand': {
      const query = input as unknown as QueryInput;
      const index = INDEXES.find((i) => i.name === query.IndexName);
      return readCharge(query.TableName!, index?.name, queriedPartition(query, index?.partitionKey ?? TABLE.partitionKey), readUnits(0, query.ConsistentRead ? 1 : 0.5), 0);
    }
    case 'BatchGetItemCommand':
      return Object.entries((input as unknown as BatchGetItemInput).RequestItems ?? {}).flatMap(([table, { Keys = [], ConsistentRead }], t, all) =>
        Keys.flatMap((key, i) => readCharge(table, undefined, key[TABLE.partitionKey], readUnits(0, ConsistentRead ? 1 : 0.5), offsetOf(all, t) + i)),
      );
    case 'TransactGetItemsCommand':
      return ((input as unknown as TransactGetItemsInput).TransactItems ?? []).flatMap(({ Get }, entry) => readCharge(Get!.TableName!, undefined, Get!.Key?.[TABLE.partitionKey], readUnits(0, 2), entry));
    default:
      return [];
  }
}

/** A write takes from its table partition and, when the item carries an index's key, from that index's partition. */
function writeCharges(table: string, attributes: Record<string, AttributeValue>, kb: number, factor: number, entry: number, wholeItem: boolean): Charge[] {
  const key = attributes[TABLE.partitionKey];
  if (!key) return [];
  const charges: Charge[] = [{ partition: { table, key }, kind: 'write', units: kb * factor, entry }];
  // Only a whole item (a Put) tells its index keys; an update or delete names the key alone.
  if (wholeItem) {
    for (const index of INDEXES) {
      const indexKey = attributes[index.partitionKey];
      if (indexKey) charges.push({ partition: { table, index: index.name, key: indexKey }, kind: 'write', units: kb, entry });
    }
  }
  return charges;
}

function readCharge(table: string, index: string | undefined, key: AttributeValue | undefined, units: number, entry: number): Charge[] {
  return key ? [{ partition: { table, ...(index ? { index } : {}), key }, kind: 'read', units, entry }] : [];
}

/** The value a Query's key condition gives the partition key (`#pk = :pk` or `PK = :pk`). */
function queriedPartition(query: QueryInput, partitionKey: string): AttributeValue | undefined {
  for (const [, name, value] of (query.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attribute = name!.startsWith('#') ? query.ExpressionAttributeNames?.[name!] : name;
    if (attribute === partitionKey) return query.ExpressionAttributeValues?.[value!];
  }
  return undefined;
}

/** A batch's requests in order across its tables, each with its place in the whole batch. */
function entriesOf(input: BatchWriteItemInput) {
  return Object.entries(input.RequestItems ?? {}).flatMap(([table, requests], t, all) => requests.map((request, i) => ({ table, request, entry: offsetOf(all, t) + i })));
}

function offsetOf(tables: [string, unknown][], t: number): number {
  return tables.slice(0, t).reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : ((v as { Keys?: unknown[] }).Keys?.length ?? 0)), 0);
}

const partitionId = ({ table, index, key }: Partition, kind: Kind) => JSON.stringify([table, index ?? null, key, kind]);

type Over = Charge & { reason: ThrottlingReasonName };

/**
 * The charges that would take a partition over its limit, with the reason AWS would give. A
 * request is weighed whole; a batch entry by entry, in order, as AWS admits a batch's items one by one.
 */
function overLimit(charges: Charge[], at: number, batch: boolean): Over[] {
  const groups = new Map<number, Charge[]>();
  for (const c of charges) {
    const group = batch ? c.entry : 0;
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  const admitted = new Map<string, number>();
  const over: Over[] = [];
  for (const group of groups.values()) {
    const need = new Map<string, { units: number; limit: number }>();
    for (const c of group) {
      const id = partitionId(c.partition, c.kind);
      need.set(id, { units: (need.get(id)?.units ?? 0) + c.units, limit: c.kind === 'write' ? PARTITION_LIMITS.writeUnits : PARTITION_LIMITS.readUnits });
    }
    const overIds = new Set([...need].filter(([id, { units, limit }]) => taken(id, at) + (admitted.get(id) ?? 0) + units > limit).map(([id]) => id));
    if (overIds.size > 0) {
      over.push(...group.filter((c) => overIds.has(partitionId(c.partition, c.kind))).map((c) => ({ ...c, reason: reasonOf(c) })));
    } else {
      for (const [id, { units }] of need) admitted.set(id, (admitted.get(id) ?? 0) + units);
    }
  }
  return over;
}

function reasonOf({ partition, kind }: Charge): ThrottlingReasonName {
  return `${partition.index ? 'Index' : 'Table'}${kind === 'write' ? 'Write' : 'Read'}KeyRangeThroughputExceeded`;
}

/** What the partition took in the second before `at`. */
function taken(id: string, at: number): number {
  const window = windows.get(id);
  if (!window) return 0;
  while (window.taken.length > 0 && window.taken[0]![0] <= at - WINDOW_MS) window.sum -= window.taken.shift()![1];
  if (window.taken.length === 0) windows.delete(id);
  return window.sum;
}

/** Partitions nobody asks about again would keep their last second for ever: every so often all are aged at once. */
const SWEEP_EVERY = 10_000;
let takesSinceSweep = 0;

function take(charges: Charge[], at: number): void {
  if (++takesSinceSweep >= SWEEP_EVERY) {
    takesSinceSweep = 0;
    for (const id of [...windows.keys()]) taken(id, at);
  }
  for (const c of charges) {
    if (c.units <= 0) continue;
    const id = partitionId(c.partition, c.kind);
    const window = windows.get(id) ?? { taken: [], sum: 0 };
    window.taken.push([at, c.units]);
    window.sum += c.units;
    windows.set(id, window);
  }
}

/** A read took its least before it was sent; what it read beyond that is taken now (never refused: it has been served). */
function takeReadRest(command: string, input: Record<string, unknown>, charges: Charge[], output: Record<string, unknown>, at: number): void {
  const reads = charges.filter((c) => c.kind === 'read');
  if (reads.length === 0) return;
  const rest = (c: Charge, item: unknown, perFourKb: number) => ({ ...c, units: readUnits(bytesOf(item), perFourKb) - c.units });
  switch (command) {
    case 'GetItemCommand':
      return take([rest(reads[0]!, output.Item, (input as unknown as GetItemInput).ConsistentRead ? 1 : 0.5)], at);
    case 'QueryCommand': {
      const bytes = ((output.Items as unknown[] | undefined) ?? []).reduce<number>((n, item) => n + bytesOf(item), 0);
      return take([{ ...reads[0]!, units: readUnits(bytes, (input as unknown as QueryInput).ConsistentRead ? 1 : 0.5) - reads[0]!.units }], at);
    }
    case 'TransactGetItemsCommand': {
      const responses = (output.Responses as { Item?: unknown }[] | undefined) ?? [];
      return take(reads.map((c) => rest(c, responses[c.entry]?.Item, 2)), at);
    }
    case 'BatchGetItemCommand': {
      // Items come back in no set order: each is charged to its own partition.
      const requested = (input as unknown as BatchGetItemInput).RequestItems ?? {};
      const extra: Charge[] = [];
      for (const [table, items] of Object.entries((output.Responses as Record<string, unknown[]> | undefined) ?? {})) {
        const perFourKb = requested[table]?.ConsistentRead ? 1 : 0.5;
        for (const item of items) {
          const key = marshalled(item)[TABLE.partitionKey];
          if (key) extra.push({ partition: { table, key }, kind: 'read', units: readUnits(bytesOf(item), perFourKb) - perFourKb, entry: 0 });
        }
      }
      return take(extra, at);
    }
  }
}

/** The batch's HTTP request without the throttled entries (a copy: the SDK's retries reuse the original). */
function withoutEntries(request: unknown, command: string, throttledEntries: Set<number>): unknown {
  const { body, headers } = request as { body: Uint8Array | string; headers: Record<string, string> };
  const sentBody = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Record<string, unknown>;
  sentBody.RequestItems = keepEntries(sentBody.RequestItems as Record<string, unknown>, command, (entry) => !throttledEntries.has(entry));
  const text = Buffer.from(JSON.stringify(sentBody));
  const copy = Object.assign(Object.create(Object.getPrototypeOf(request)), request);
  return Object.assign(copy, { headers: { ...headers, 'content-length': String(text.byteLength) }, body: typeof body === 'string' ? text.toString('utf8') : new Uint8Array(text) });
}

/** The batch's RequestItems with only the entries `keep` keeps; a table left with none is left out. */
function keepEntries(requestItems: Record<string, unknown>, command: string, keep: (entry: number) => boolean): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  let entry = 0;
  for (const [table, value] of Object.entries(requestItems)) {
    if (command === 'BatchWriteItemCommand') {
      const requests = (value as unknown[]).filter(() => keep(entry++));
      if (requests.length > 0) kept[table] = requests;
    } else {
      const request = value as { Keys: unknown[] };
      const keys = request.Keys.filter(() => keep(entry++));
      if (keys.length > 0) kept[table] = { ...request, Keys: keys };
    }
  }
  return kept;
}

/** Adds the throttled entries, as the caller gave them, to the answer's UnprocessedItems or UnprocessedKeys. */
function handBack(command: string, caller: Record<string, unknown>, output: Record<string, unknown>, throttledEntries: Set<number>): void {
  const throttledEntry = (entry: number) => throttledEntries.has(entry);
  const requestItems = (caller.RequestItems ?? {}) as Record<string, unknown>;
  const field = command === 'BatchWriteItemCommand' ? 'UnprocessedItems' : 'UnprocessedKeys';
  const unprocessed = ((output[field] as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
  let entry = 0;
  for (const [table, value] of Object.entries(requestItems)) {
    if (command === 'BatchWriteItemCommand') {
      const back = (value as unknown[]).filter(() => throttledEntry(entry++));
      if (back.length > 0) unprocessed[table] = [...((unprocessed[table] as unknown[] | undefined) ?? []), ...back];
    } else {
      const request = value as { Keys: unknown[] };
      const back = request.Keys.filter(() => throttledEntry(entry++));
      const already = (unprocessed[table] as { Keys?: unknown[] } | undefined)?.Keys ?? [];
      if (back.length > 0) unprocessed[table] = { ...request, Keys: [...already, ...back] };
    }
  }
  output[field] = unprocessed;
}

/** An item in either form (a DocumentClient's answer is unmarshalled before it reaches this step), sized as written. */
function bytesOf(item: unknown): number {
  if (!item || typeof item !== 'object') return 0;
  return Buffer.byteLength(JSON.stringify(marshalled(item)));
}

const TYPE_TAGS = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

function marshalled(item: unknown): Record<string, AttributeValue> {
  const values = Object.values(item as Record<string, unknown>);
  const isMarshalled = values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && TYPE_TAGS.has(Object.keys(v)[0]!));
  return isMarshalled ? (item as Record<string, AttributeValue>) : marshall(item as Record<string, unknown>, { removeUndefinedValues: true, convertClassInstanceToMap: true });
}

function resourceArn({ table, index }: Partition): string {
  return `arn:aws:dynamodb:${LOCAL_AWS.region}:${LOCAL_ACCOUNT}:table/${table}${index ? `/index/${index}` : ''}`;
}

function throttled(over: Over[]): ThrottlingException {
  const partitions = [...new Map(over.map((c) => [partitionId(c.partition, c.kind), c])).values()];
  return new ThrottlingException({
    message: partitions.every((c) => c.partition.index) ? THROTTLED_INDEX_MESSAGE : THROTTLED_TABLE_MESSAGE,
    $metadata: { httpStatusCode: 400 },
    throttlingReasons: partitions.map((c) => ({ reason: c.reason, resource: resourceArn(c.partition) })),
  });
}

function distinctReasons(over: Over[]): ThrottlingReasonName[] {
  return [...new Set(over.map((c) => c.reason))];
}

/** AWS cancels a throttled transaction: ThrottlingError on each throttled entry, None on the others. */
function transactionThrottled(input: Record<string, unknown>, over: Over[]): TransactionCanceledException {
  const entries = ((input.TransactItems as unknown[] | undefined) ?? []).length;
  const reasons: CancellationReason[] = Array.from({ length: entries }, (_, entry) => {
    const hits = over.filter((c) => c.entry === entry);
    if (hits.length === 0) return { Code: 'None' };
    return { Code: 'ThrottlingError', Message: hits.every((c) => c.partition.index) ? THROTTLED_INDEX_MESSAGE : THROTTLED_TABLE_MESSAGE };
  });
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
}

function count(reasons: ThrottlingReasonName[]): void {
  for (const reason of reasons) stats.throttled[reason] = (stats.throttled[reason] ?? 0) + 1;
}

function readSetting(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`DYNAMODB_THROUGHPUT_EMULATION must be "on" or "off", got "${value}"`);
}

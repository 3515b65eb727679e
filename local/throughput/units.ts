/**
 * What a request takes from which partitions, in units as AWS bills them: writes 1 per KB (2 in a
 * transaction; an index write on the index's partition), reads 0.5 per 4 KB eventually consistent,
 * 1 strongly, 2 in a transaction. A read takes its least before it is sent and the rest once its
 * answer says how much it read. The throughput emulation (../throughput-emulation.ts) weighs these.
 */
import type {
  AttributeValue,
  BatchGetItemInput,
  BatchWriteItemInput,
  GetItemInput,
  PutItemInput,
  QueryInput,
  TransactGetItemsInput,
  TransactWriteItemsInput,
  UpdateItemInput,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { TABLE } from '#shared/store/dynamodb/table.ts';

/** The global secondary indexes whose partitions are counted: the service table's one. */
const INDEXES = [{ name: TABLE.byDomainIndex.name, partitionKey: TABLE.byDomainIndex.partitionKey }];

export type Kind = 'read' | 'write';
export interface Partition {
  table: string;
  index?: string;
  key: AttributeValue;
}
/** Units a request takes from one partition; `entry` is its place in a batch or transaction. */
export interface Charge {
  partition: Partition;
  kind: Kind;
  units: number;
  entry: number;
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
export function chargesOf(command: string, input: Record<string, unknown>): Charge[] {
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

/** A read took its least before it was sent; what it read beyond that, from its answer (taken then, never refused: it has been served). */
export function readRestCharges(command: string, input: Record<string, unknown>, charges: Charge[], output: Record<string, unknown>): Charge[] {
  const reads = charges.filter((c) => c.kind === 'read');
  if (reads.length === 0) return [];
  const rest = (c: Charge, item: unknown, perFourKb: number) => ({ ...c, units: readUnits(bytesOf(item), perFourKb) - c.units });
  switch (command) {
    case 'GetItemCommand':
      return [rest(reads[0]!, output.Item, (input as unknown as GetItemInput).ConsistentRead ? 1 : 0.5)];
    case 'QueryCommand': {
      const bytes = ((output.Items as unknown[] | undefined) ?? []).reduce<number>((n, item) => n + bytesOf(item), 0);
      return [{ ...reads[0]!, units: readUnits(bytes, (input as unknown as QueryInput).ConsistentRead ? 1 : 0.5) - reads[0]!.units }];
    }
    case 'TransactGetItemsCommand': {
      const responses = (output.Responses as { Item?: unknown }[] | undefined) ?? [];
      return reads.map((c) => rest(c, responses[c.entry]?.Item, 2));
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
      return extra;
    }
    default:
      return [];
  }
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


/** One table and the ways of reading it that every part of the store shares: a page, a whole partition, many keys. */
import {
  BatchGetCommand,
  QueryCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { busy } from '../../domain/errors.ts';
import { UnknownPosition, type Page, type PageRequest } from '../store.ts';
import { backoffMs, CONFLICT_MAX_ATTEMPTS, sleep as realSleep, type Sleep } from './conflicts.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A filtered list reads at most this many items per request, so a sparse filter cannot make one request read a whole domain. */
const MAX_READ_PER_PAGE = 1000;
/** A merged page reads on from its nearest stop at most this many times; past them it is short, and says where to go on. */
const MAX_MERGE_ROUNDS = 4;

export class TableAccess {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
    /** How it waits between tries; tests pass their own. */
    readonly sleep: Sleep = realSleep,
  ) {}

  /**
   * Up to `limit` items after `page.after`, reading on past filtered-out items but never more than
   * MAX_READ_PER_PAGE items in one request (then the page is short and says where to go on).
   */
  async queryPage(page: PageRequest, input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>, fromCaller = true): Promise<Page<Record<string, unknown>>> {
    const items: Record<string, unknown>[] = [];
    let after: Record<string, unknown> | undefined = page.after;
    let read = 0;
    do {
      const limit = Math.min(page.limit - items.length, MAX_READ_PER_PAGE - read);
      const result = await this.db.send(new QueryCommand({ ...input, TableName: this.table, Limit: limit, ExclusiveStartKey: after })).catch((error: unknown) => {
        // Only the caller's start can be refused: the positions after it are DynamoDB's own.
        throw fromCaller && after !== undefined && after === page.after && (error as Error).name === 'ValidationException' ? new UnknownPosition((error as Error).message) : error;
      });
      items.push(...(result.Items ?? []));
      read += result.ScannedCount ?? 0;
      after = result.LastEvaluatedKey;
    } while (after && items.length < page.limit && read < MAX_READ_PER_PAGE);
    return { items, ...(after ? { next: after as Record<string, string> } : {}) };
  }

  /**
   * One list kept in several partitions, a page at a time in sort-key order: every partition read
   * from the same position (its keys with that partition's key) in parallel, merged. A partition
   * holds about its share of the list, so the first read asks each for twice its share of the page
   * (and a few more); each is complete only up to where it stopped, so the merged page goes no
   * further than the nearest of those stops, and should that leave it short, the partition that
   * stopped there is read on (another round trip, rare). Stable: a position is an item's keys,
   * whichever partition it came from; the next page starts after its last item.
   */
  async queryMerged(
    page: PageRequest,
    list: { partitions: string[]; partitionKey: string; sortKey: string; keyNames: string[]; newestFirst?: boolean },
    input: (partition: string) => Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
  ): Promise<Page<Record<string, unknown>>> {
    // DynamoDB orders sort keys by their UTF-8 bytes; each item's are made once, not at every comparison.
    const bytes = new WeakMap<Record<string, unknown>, Buffer>();
    const bytesOf = (item: Record<string, unknown>) => {
      let key = bytes.get(item);
      if (!key) bytes.set(item, (key = Buffer.from(String(item[list.sortKey]))));
      return key;
    };
    const order = (a: Record<string, unknown>, b: Record<string, unknown>) => Buffer.compare(bytesOf(a), bytesOf(b)) * (list.newestFirst ? -1 : 1);
    const share = Math.min(page.limit, Math.ceil((2 * page.limit) / list.partitions.length) + 4);
    const parts = await Promise.all(
      list.partitions.map(async (partition) => ({
        partition,
        ...(await this.queryPage({ limit: share, ...(page.after ? { after: { ...page.after, [list.partitionKey]: partition } } : {}) }, input(partition))),
      })),
    );
    for (let round = 0; ; round++) {
      const stops = parts.filter((p) => p.next).sort((a, b) => order(a.next!, b.next!));
      const horizon = stops[0]?.next;
      const known = parts.flatMap((p) => p.items).filter((item) => !horizon || order(item, horizon) <= 0).sort(order);
      if (known.length >= page.limit || !horizon || round === MAX_MERGE_ROUNDS) {
        const items = known.slice(0, page.limit);
        const last = known.length > page.limit ? items.at(-1) : horizon;
        return { items, ...(last ? { next: Object.fromEntries(list.keyNames.map((name) => [name, String(last[name])])) } : {}) };
      }
      const nearest = stops[0]!;
      const more = await this.queryPage({ limit: page.limit - known.length, after: horizon }, input(nearest.partition), false);
      nearest.items.push(...more.items);
      nearest.next = more.next;
    }
  }

  /** Any number of keys, 100 to a BatchGetItem, the batches in parallel: one round trip (plus retries of unprocessed keys). */
  async batchGet(keyList: Record<string, unknown>[], consistent: boolean): Promise<Record<string, unknown>[]> {
    const batches = Array.from({ length: Math.ceil(keyList.length / 100) }, (_, i) => keyList.slice(i * 100, i * 100 + 100));
    const pages = await Promise.all(
      batches.map(async (Keys) => {
        const found: Record<string, unknown>[] = [];
        let request: BatchGetCommandInput['RequestItems'] = { [this.table]: { Keys, ConsistentRead: consistent } };
        // Keys DynamoDB left unprocessed (throttled) are asked for again after a growing wait, a bounded number of times.
        for (let attempt = 1; ; attempt++) {
          const page: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
          found.push(...(page.Responses?.[this.table] ?? []));
          request = page.UnprocessedKeys;
          if (!request || Object.keys(request).length === 0) return found;
          if (attempt >= CONFLICT_MAX_ATTEMPTS) throw busy();
          await this.sleep(backoffMs(attempt));
        }
      }),
    );
    return pages.flat();
  }

  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

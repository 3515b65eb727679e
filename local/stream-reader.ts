/**
 * The table's stream, read the way the Lambda service reads it for one event source mapping (one
 * entry of shared/streams/consumers.ts): shards in parent-before-child order, one iterator per shard, the
 * consumer's FilterCriteria, its batch size, checkpoints, ReportBatchItemFailures (retry from the
 * first failed record, with backoff), and after maxRetryAttempts the on-failure destination: a JSONL
 * file here instead of SQS. It calls the same handler module the Lambda runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumer } from '#shared/streams/consumers.ts';
import { NO_IAM, type IamEmulation } from './iam/emulation.ts';
import { lambdaRecord, matchesFilter } from './lambda-stream-event.ts';
import { LOCAL_AWS } from './services.ts';
import { checkpoints, type ShardState } from './stream-reader/checkpoints.ts';
import { deadLetters, type DeadLetter } from './stream-reader/dead-letters.ts';
import { discoverShards, shardIterator, type StreamAccess } from './stream-reader/shards.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamReaderOptions {
  streamArn: string;
  dynamoEndpoint: string;
  /** Checkpoints live in the table itself, next to the data they describe. */
  tableName: string;
  /** The on-failure destination; undefined keeps dead letters in memory and says so on stderr. */
  dlqFile?: string;
  /** Which function reads the stream, with its filter and delivery settings: its entry in the consumer table. */
  consumer: Pick<StreamConsumer, 'name' | 'filter' | 'delivery'>;
  /** Defaults to the handler of functions/<name>.ts, imported once the stack's environment is set (a cold start). */
  handler?: StreamHandler;
  /**
   * Lambda's polling cadence: a reader told of a write polls at the next multiple of it (default 250 ms).
   * Set, it is also the wait while nothing was written (default 1 s).
   */
  pollIntervalMs?: number;
  /** Wait before retry `attempt` (1-based) of a failed batch. */
  retryDelayMs?: (attempt: number) => number;
  /** The function's role: the handler runs as it, and the stream is read and failures sent with it, as Lambda does. */
  iam?: IamEmulation;
}

export interface StreamReader {
  /** Every dead letter of this reader's life (the file, if any, keeps them across runs). */
  dlq: DeadLetter[];
  /** The file, or "memory". */
  dlqLocation: string;
  stop(): Promise<void>;
}

const DISCOVER_EVERY_MS = 5_000;

/** Lambda polls a shard about four times a second: a record is read at the next of those polls. */
const POLL_MS = 250;

/**
 * The wait when no write was reported since the last poll. The stack nudges its readers on each
 * write its functions make (local/stack.ts), and a nudged reader polls at its next 250 ms tick as
 * Lambda would; only writes from outside the stack (TTL deletions, a test's own) wait up to this
 * long. Idle stacks no longer poll four times a second: the suite's stacks did, at a tenth of a
 * core of DynamoDB Local and the tests' own process.
 */
const IDLE_POLL_MS = 1_000;

/** How to tell each reader running in this process that the table was just written. */
const running = new Set<() => void>();
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

/**
 * Each write `client` completes nudges every running reader (the functions' client, local/stack.ts).
 * A reader of another table only polls once more for nothing. Adding it again replaces it.
 */
export function nudgeReadersOnWrite<C extends DynamoDBClient | DynamoDBDocumentClient>(client: C): C {
  // One stack object at runtime whichever client it came through; only the declared types differ.
  const stack = client.middlewareStack as unknown as DynamoDBClient['middlewareStack'];
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (WRITE_COMMANDS.has(context.commandName ?? '')) for (const nudge of running) nudge();
      return result;
    },
    { step: 'initialize', name: 'nudgeStreamReaders', override: true },
  );
  return client;
}

/** The consumer as an event source mapping created with `LATEST`: its reader starts at the stream's end, after what was written before. */
export function fromStreamEnd<C extends Pick<StreamConsumer, 'delivery'>>(consumer: C): C {
  return { ...consumer, delivery: { ...consumer.delivery, startingPosition: 'LATEST' } };
}

export async function startStreamReader(options: StreamReaderOptions): Promise<StreamReader> {
  const { streamArn, tableName, consumer } = options;
  const { filter, delivery } = consumer;
  const label = `[${consumer.name}]`;
  const pollIntervalMs = options.pollIntervalMs ?? POLL_MS;
  // A caller that sets the cadence (a test of the reader) gets it throughout.
  const idlePollIntervalMs = options.pollIntervalMs ?? IDLE_POLL_MS;
  const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => Math.min(5_000, 200 * 2 ** (attempt - 1)));
  const streams = new DynamoDBStreamsClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS });
  const dynamo = new DynamoDBClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS });
  const db = DynamoDBDocumentClient.from(dynamo);
  const handler: StreamHandler = options.handler ?? ((await import(`../functions/${consumer.name}.ts`)) as { handler: StreamHandler }).handler;
  const shards = new Map<string, ShardState>();

  /** The event source mapping reads the stream with the function's role (IAM emulation, docs/iam-emulation.md). */
  const iam = options.iam ?? NO_IAM;
  const asLambda = (action: string) => iam.authorize(consumer.name, [{ action, resources: [streamArn] }]);

  let stopping = false;
  let wake: () => void = () => {};
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** A write was reported since the reader last began to wait. */
  let nudged = false;
  const nudge = () => {
    nudged = true;
  };
  /**
   * The wait after a poll that returned nothing: Lambda's ticks of pollIntervalMs, until a tick
   * finds a write reported, idlePollIntervalMs has passed, or the reader stops.
   */
  const idle = async () => {
    let waited = 0;
    do {
      await sleep(pollIntervalMs);
      waited += pollIntervalMs;
    } while (!nudged && !stopping && waited < idlePollIntervalMs);
    nudged = false;
  };

  const access: StreamAccess = { streams, streamArn, asLambda };
  const { saved, save: checkpoint } = await checkpoints(db, tableName, streamArn, consumer.name);
  const onFailure = deadLetters({ consumerName: consumer.name, streamArn, iam, dlqFile: options.dlqFile });

  /** One batch to the handler until it succeeds or is dead-lettered; false if stopped first. */
  async function deliver(shard: ShardState, batch: DynamoDBRecord[]): Promise<boolean> {
    let pending = batch;
    for (let attempt = 0; ; attempt++) {
      let failedIds: Set<string> | 'all';
      let functionError: string | undefined;
      try {
        const response = await iam.asFunction(consumer.name, () => handler({ Records: pending }));
        failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        if ([...failedIds].some((id) => !id || !pending.some((r) => r.dynamodb?.SequenceNumber === id))) failedIds = 'all';
      } catch (error) {
        // A function error fails the whole batch, as in Lambda.
        failedIds = 'all';
        functionError = (error as Error).name;
      }
      const firstFailed = failedIds === 'all' ? 0 : pending.findIndex((r) => (failedIds as Set<string>).has(r.dynamodb!.SequenceNumber!));
      if (firstFailed === -1) {
        shard.position = pending.at(-1)!.dynamodb!.SequenceNumber;
        return true;
      }
      if (firstFailed > 0) {
        shard.position = pending[firstFailed - 1]!.dynamodb!.SequenceNumber;
        await checkpoint(shard);
      }
      pending = pending.slice(firstFailed);
      if (attempt >= delivery.maxRetryAttempts) {
        const failed = failedIds === 'all' ? pending : pending.filter((r) => (failedIds as Set<string>).has(r.dynamodb!.SequenceNumber!));
        await onFailure.send(shard.shardId, pending, failed, { condition: 'RetryAttemptsExhausted', approximateInvokeCount: attempt + 1, functionError });
        shard.position = pending.at(-1)!.dynamodb!.SequenceNumber;
        return true;
      }
      await sleep(retryDelayMs(attempt + 1));
      if (stopping) return false;
    }
  }

  /** One GetRecords on one shard and the delivery of what it returned; true if it returned anything. */
  async function poll(shard: ShardState): Promise<boolean> {
    shard.iterator ??= await shardIterator(access, shard);
    if (!shard.iterator) {
      shard.finished = true;
      await checkpoint(shard);
      return false;
    }
    let page;
    try {
      asLambda('dynamodb:GetRecords');
      page = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
    } catch (error) {
      if ((error as Error).name !== 'ExpiredIteratorException') throw error;
      shard.iterator = undefined;
      return true;
    }
    const records = (page.Records ?? []).map((r) => lambdaRecord(r, streamArn));
    const matching = records.filter((r) => matchesFilter(filter, r));
    const now = Date.now();
    for (let i = 0; i < matching.length; i += delivery.batchSize) {
      const batch: DynamoDBRecord[] = [];
      for (const record of matching.slice(i, i + delivery.batchSize)) {
        const ageSeconds = now / 1000 - (record.dynamodb?.ApproximateCreationDateTime ?? now / 1000);
        if (ageSeconds > delivery.maxRecordAgeSeconds) {
          await onFailure.send(shard.shardId, [record], [record], { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
        } else batch.push(record);
      }
      if (batch.length && !(await deliver(shard, batch))) return false;
    }
    if (records.length) shard.position = records.at(-1)!.dynamodb!.SequenceNumber;
    // Our own checkpoint writes are stream records too: persist only after real work, or the reader would feed itself.
    if (matching.length) await checkpoint(shard);
    shard.iterator = page.NextShardIterator;
    if (!page.NextShardIterator) {
      shard.finished = true;
      await checkpoint(shard);
    }
    return records.length > 0;
  }

  /** A child shard is read only once its parent is done, so a join's records stay in order. */
  const ready = (shard: ShardState) => !shard.finished && !(shard.parentShardId && shards.get(shard.parentShardId)?.finished === false);

  let lastDiscovery = 0;
  let failures = 0;
  const loop = (async () => {
    while (!stopping) {
      try {
        if (Date.now() - lastDiscovery > DISCOVER_EVERY_MS || ![...shards.values()].some(ready)) {
          await discoverShards(access, shards, saved, lastDiscovery === 0 && delivery.startingPosition === 'LATEST');
          lastDiscovery = Date.now();
        }
        let busy = false;
        for (const shard of [...shards.values()].filter(ready)) {
          if (stopping) break;
          busy = (await poll(shard)) || busy;
        }
        failures = 0;
        if (!busy && !stopping) await idle();
      } catch (error) {
        if (stopping) break;
        if (failures++ === 0) console.error(`${label} reading the stream failed, retrying: ${(error as Error).message}`);
        await sleep(Math.min(5_000, pollIntervalMs * 2 ** Math.min(failures, 5)));
      }
    }
  })();

  running.add(nudge);
  return {
    dlq: onFailure.dlq,
    dlqLocation: options.dlqFile ?? 'memory',
    stop: async () => {
      if (stopping) return loop;
      stopping = true;
      running.delete(nudge);
      wake();
      await loop;
      await Promise.allSettled([...shards.values()].map((shard) => checkpoint(shard)));
      streams.destroy();
      dynamo.destroy();
    },
  };
}

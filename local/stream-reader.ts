/**
 * The table's stream, read the way the Lambda service reads it for one event source mapping (one
 * entry of shared/streams/consumers.ts): shards in parent-before-child order, one iterator per shard, the
 * consumer's FilterCriteria, its batch size, checkpoints, ReportBatchItemFailures (retry from the
 * first failed record, with backoff), and after maxRetryAttempts the on-failure destination: a JSONL
 * file here instead of SQS. It calls the same handler module the Lambda runs.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { TABLE } from '#shared/store/dynamodb/table.ts';
import type { StreamConsumer } from '#shared/streams/consumers.ts';
import { NO_IAM, type IamEmulation } from './iam/emulation.ts';
import { lambdaRecord, matchesFilter } from './lambda-stream-event.ts';
import { LOCAL_AWS } from './services.ts';

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
  pollIntervalMs?: number;
  /** Wait before retry `attempt` (1-based) of a failed batch. */
  retryDelayMs?: (attempt: number) => number;
  /** The function's role: the handler runs as it, and the stream is read and failures sent with it, as Lambda does. */
  iam?: IamEmulation;
}

/** Shaped like the on-failure message Lambda sends to SQS, plus (locally) the failed records themselves. */
export interface DeadLetter {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** Local only: the records the handler reported failed on its last attempt; `{Records: records}` replays them. */
  records: DynamoDBRecord[];
}

export interface StreamReader {
  /** Every dead letter of this reader's life (the file, if any, keeps them across runs). */
  dlq: DeadLetter[];
  /** The file, or "memory". */
  dlqLocation: string;
  stop(): Promise<void>;
}

interface ShardState {
  shardId: string;
  parentShardId?: string;
  iterator?: string;
  /** Last sequence number done with (delivered, filtered out or dead-lettered). */
  position?: string;
  persisted?: string;
  finished: boolean;
  persistedFinished: boolean;
}

const DISCOVER_EVERY_MS = 5_000;

export async function startStreamReader(options: StreamReaderOptions): Promise<StreamReader> {
  const { streamArn, tableName, consumer } = options;
  const { filter, delivery } = consumer;
  const label = `[${consumer.name}]`;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => Math.min(5_000, 200 * 2 ** (attempt - 1)));
  const streams = new DynamoDBStreamsClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS });
  const dynamo = new DynamoDBClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS });
  const db = DynamoDBDocumentClient.from(dynamo);
  const handler: StreamHandler = options.handler ?? ((await import(`../functions/${consumer.name}.ts`)) as { handler: StreamHandler }).handler;
  const dlq: DeadLetter[] = [];
  const shards = new Map<string, ShardState>();
  // Each consumer keeps its own position, as each event source mapping does.
  const checkpointPartition = `STREAM#${streamArn}#${consumer.name}`;
  const checkpointKey = (shardId: string) => ({ [TABLE.partitionKey]: checkpointPartition, [TABLE.sortKey]: `SHARD#${shardId}` });

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

  const saved = new Map<string, { sequenceNumber?: string; finished?: boolean }>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': checkpointPartition },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) saved.set(String(item.shardId), item as { sequenceNumber?: string; finished?: boolean });
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  async function discover(): Promise<void> {
    const found: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      asLambda('dynamodb:DescribeStream');
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      found.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const checkpoint = saved.get(shard.ShardId);
      shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        position: checkpoint?.sequenceNumber,
        persisted: checkpoint?.sequenceNumber,
        finished: checkpoint?.finished === true,
        persistedFinished: checkpoint?.finished === true,
      });
    }
  }

  async function checkpoint(shard: ShardState): Promise<void> {
    if (shard.position === shard.persisted && shard.finished === shard.persistedFinished) return;
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...checkpointKey(shard.shardId),
          entityType: 'StreamCheckpoint',
          shardId: shard.shardId,
          sequenceNumber: shard.position,
          finished: shard.finished,
          updatedAt: new Date().toISOString(),
        },
      }),
    );
    shard.persisted = shard.position;
    shard.persistedFinished = shard.finished;
  }

  async function iteratorFor(shard: ShardState): Promise<string | undefined> {
    const ask = (type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER') => {
      asLambda('dynamodb:GetShardIterator');
      return streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.shardId,
          ShardIteratorType: type,
          ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: shard.position } : {}),
        }),
      );
    };
    if (!shard.position) return (await ask('TRIM_HORIZON')).ShardIterator;
    try {
      return (await ask('AFTER_SEQUENCE_NUMBER')).ShardIterator;
    } catch (error) {
      // The checkpoint is older than the stream's retention: start from what is left.
      if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      return (await ask('TRIM_HORIZON')).ShardIterator;
    }
  }

  async function deadLetter(shard: ShardState, batch: DynamoDBRecord[], failed: DynamoDBRecord[], letter: Pick<DeadLetter['requestContext'], 'condition' | 'approximateInvokeCount'> & { functionError?: string }) {
    const arrival = (r: DynamoDBRecord) => new Date((r.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
    const entry: DeadLetter = {
      requestContext: { requestId: randomUUID(), functionArn: `local:function:${consumer.name}`, condition: letter.condition, approximateInvokeCount: letter.approximateInvokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(letter.functionError ? { functionError: letter.functionError } : {}) },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.shardId,
        startSequenceNumber: batch[0]!.dynamodb!.SequenceNumber!,
        endSequenceNumber: batch.at(-1)!.dynamodb!.SequenceNumber!,
        approximateArrivalOfFirstRecord: arrival(batch[0]!),
        approximateArrivalOfLastRecord: arrival(batch.at(-1)!),
        batchSize: batch.length,
        streamArn,
      },
      records: failed,
    };
    // Lambda sends the failure to the on-failure destination with the function's role.
    const destination = iam.onFailureDestination(consumer.name);
    if (destination) iam.authorize(consumer.name, [{ action: 'sqs:SendMessage', resources: [destination] }]);
    dlq.push(entry);
    const sequenceNumbers = failed.map((r) => r.dynamodb?.SequenceNumber).join(', ');
    if (options.dlqFile) {
      await mkdir(dirname(options.dlqFile), { recursive: true });
      await appendFile(options.dlqFile, `${JSON.stringify(entry)}\n`);
      console.error(`${label} ${letter.condition}: record(s) ${sequenceNumbers} written to ${options.dlqFile}`);
    } else {
      console.error(`${label} ${letter.condition}: record(s) ${sequenceNumbers} kept in the in-memory dead-letter list`);
    }
  }

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
        await deadLetter(shard, pending, failed, { condition: 'RetryAttemptsExhausted', approximateInvokeCount: attempt + 1, functionError });
        shard.position = pending.at(-1)!.dynamodb!.SequenceNumber;
        return true;
      }
      await sleep(retryDelayMs(attempt + 1));
      if (stopping) return false;
    }
  }

  /** One GetRecords on one shard and the delivery of what it returned; true if it returned anything. */
  async function poll(shard: ShardState): Promise<boolean> {
    shard.iterator ??= await iteratorFor(shard);
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
          await deadLetter(shard, [record], [record], { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
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
          await discover();
          lastDiscovery = Date.now();
        }
        let busy = false;
        for (const shard of [...shards.values()].filter(ready)) {
          if (stopping) break;
          busy = (await poll(shard)) || busy;
        }
        failures = 0;
        if (!busy && !stopping) await sleep(pollIntervalMs);
      } catch (error) {
        if (stopping) break;
        if (failures++ === 0) console.error(`${label} reading the stream failed, retrying: ${(error as Error).message}`);
        await sleep(Math.min(5_000, pollIntervalMs * 2 ** Math.min(failures, 5)));
      }
    }
  })();

  return {
    dlq,
    dlqLocation: options.dlqFile ?? 'memory',
    stop: async () => {
      if (stopping) return loop;
      stopping = true;
      wake();
      await loop;
      await Promise.allSettled([...shards.values()].map((shard) => checkpoint(shard)));
      streams.destroy();
      dynamo.destroy();
    },
  };
}

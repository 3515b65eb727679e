/**
 * The local stack reads the table's stream by the consumer table: one reader per entry, and each
 * reader does what its entry says (filter, batch size, retries, record age, dead letters), as the
 * event source mapping made from the same entry does in AWS.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetterFile, startLocalStack, type LocalStack } from '../../local/stack.ts';
import { startStreamReader, type StreamReader } from '../../local/stream-reader.ts';
import { ensureTable } from '../../local/table.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { CONSUMER_LIST, type StreamConsumer } from '../../shared/streams/consumers.ts';
import { eventually } from '../support/events.ts';
import { testIam } from '../support/iam.ts';

describe('the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'invite-links-readers-'));
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint'), tableName: `test-${randomUUID()}`, dataDir, iam: testIam() });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts one stream reader per entry of the consumer table, each with its own dead letters under DATA_DIR', () => {
    for (const consumer of CONSUMER_LIST) expect(stack[consumer.key]?.dlqLocation, consumer.name).toBe(join(dataDir, deadLetterFile(consumer.key)));
    expect(CONSUMER_LIST.map((c) => deadLetterFile(c.key))).toEqual(['notifier-dlq.jsonl', 'events-feed-dlq.jsonl']);
  });
});

describe('a stream reader', () => {
  const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
  const db = DynamoDBDocumentClient.from(client);
  const tableName = `reader-${randomUUID()}`;
  const readers: StreamReader[] = [];
  let streamArn: string;

  /** Only what its entry says: the inserts of one kind of item, two to a batch, one retry. */
  const entry: Pick<StreamConsumer, 'name' | 'filter' | 'delivery'> = {
    name: 'test-wanted',
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: ['Wanted'] } } } },
    delivery: { startingPosition: 'TRIM_HORIZON', batchSize: 2, maxRetryAttempts: 1, maxRecordAgeSeconds: 3600, reportBatchItemFailures: true, bisectBatchOnFunctionError: true, parallelizationFactor: 1, functionTimeoutSeconds: 10 },
  };
  const id = (r: DynamoDBRecord) => r.dynamodb!.NewImage!.PK!.S!;
  const put = (PK: string, entityType: string, fail = false) => db.send(new PutCommand({ TableName: tableName, Item: { PK, SK: 'ITEM', entityType, fail } }));

  beforeAll(async () => {
    ({ streamArn } = await ensureTable(client, tableName));
    for (const n of [1, 2, 3]) await put(`wanted-${n}`, 'Wanted');
    await put('other-1', 'Other');
    await put('wanted-broken', 'Wanted', true);
    await db.send(new UpdateCommand({ TableName: tableName, Key: { PK: 'wanted-1', SK: 'ITEM' }, UpdateExpression: 'SET touched = :t', ExpressionAttributeValues: { ':t': true } }));
    await put('other-2', 'Other');
    await put('wanted-4', 'Wanted');
  });
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()));
    client.destroy();
  });

  it('hands the function only what the entry\'s filter lets through, in batches of its size, retries a failed record as often as it says, then dead-letters it', async () => {
    const batches: string[][] = [];
    const reader = await startStreamReader({
      streamArn,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName,
      consumer: entry,
      pollIntervalMs: 50,
      retryDelayMs: () => 10,
      handler: async (event: DynamoDBStreamEvent) => {
        batches.push(event.Records.map(id));
        return { batchItemFailures: event.Records.filter((r) => r.dynamodb?.NewImage?.fail?.BOOL).map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
      },
    });
    readers.push(reader);

    await eventually(async () => batches.flat(), (seen) => seen.includes('wanted-4'), 10_000);
    expect(batches.flat().every((pk) => pk.startsWith('wanted-'))).toBe(true);
    expect(batches.every((batch) => batch.length <= entry.delivery.batchSize)).toBe(true);
    expect(batches.flat().filter((pk) => pk === 'wanted-broken')).toHaveLength(entry.delivery.maxRetryAttempts + 1);
    expect(new Set(batches.flat())).toEqual(new Set(['wanted-1', 'wanted-2', 'wanted-3', 'wanted-broken', 'wanted-4']));
    expect(reader.dlq).toHaveLength(1);
    expect(reader.dlq[0]!.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: entry.delivery.maxRetryAttempts + 1, functionArn: `local:function:${entry.name}` });
    expect(reader.dlq[0]!.records.map(id)).toEqual(['wanted-broken']);
  });

  it('sends records older than the entry\'s maximum age to the dead letters without calling the function', async () => {
    let calls = 0;
    const reader = await startStreamReader({
      streamArn,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName,
      // Its own name: its own position in the stream, as a second mapping has.
      consumer: { ...entry, name: 'test-too-old', delivery: { ...entry.delivery, maxRecordAgeSeconds: -1 } },
      pollIntervalMs: 50,
      handler: async () => {
        calls++;
      },
    });
    readers.push(reader);
    await eventually(async () => reader.dlq.length, (n) => n >= 5, 10_000);
    expect(reader.dlq.map((l) => l.requestContext.condition)).toEqual(Array(5).fill('RecordAgeExceeded'));
    expect(calls).toBe(0);
  });

  it('started with LATEST, reads only what is written after it found the stream, never what was there before', async () => {
    const seen: string[] = [];
    const reader = await startStreamReader({
      streamArn,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName,
      consumer: { ...entry, name: 'test-latest', delivery: { ...entry.delivery, startingPosition: 'LATEST' } },
      pollIntervalMs: 50,
      handler: async (event: DynamoDBStreamEvent) => {
        seen.push(...event.Records.map(id));
      },
    });
    readers.push(reader);
    // Where LATEST puts it is the stream's end once it has looked: keep writing until a write lands after that.
    let late = 0;
    await eventually(
      async () => {
        await put(`wanted-late-${++late}`, 'Wanted');
        return seen;
      },
      (found) => found.some((pk) => pk.startsWith('wanted-late-')),
      10_000,
    );
    expect(seen.filter((pk) => !pk.startsWith('wanted-late-'))).toEqual([]);
  });
});

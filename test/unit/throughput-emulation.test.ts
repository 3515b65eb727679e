/**
 * The local stack's partition throughput limits, on a client whose requests never leave the
 * process: a fake HTTP handler answers as DynamoDB would, and the emulation's one-second window
 * reads a clock the test moves by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ThrottlingException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  emulatePartitionThroughput,
  itemKb,
  requestUnits,
  resetThroughput,
  throughputStats,
  THROTTLED_INDEX_MESSAGE,
  THROTTLED_TABLE_MESSAGE,
} from '../../local/throughput-emulation.ts';

const TableName = 'invite-links';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${TableName}`;

let clock = 0;
/** Every request that reached "DynamoDB", by operation, with its body as sent. */
let sent: { operation: string; body: Record<string, any> }[] = [];
/** What "DynamoDB" answers a Query or a GetItem with. */
let readAnswer: Record<string, unknown> = {};

beforeEach(() => {
  clock = 1_000_000;
  sent = [];
  readAnswer = {};
});
afterEach(() => resetThroughput());

function newClient(maxAttempts = 1): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: 'http://dynamodb.test',
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // The SDK's own policy, without its waits: throttles are retried at once.
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 0),
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body: Uint8Array | string }) => {
        const operation = request.headers['x-amz-target']!.split('.')[1]!;
        sent.push({ operation, body: JSON.parse(typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8')) });
        const answer = operation === 'Query' || operation === 'GetItem' || operation === 'BatchGetItem' ? readAnswer : {};
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from(JSON.stringify(answer)) } };
      },
    } as never,
  });
  return emulatePartitionThroughput(client, { now: () => clock });
}

const s = (value: string): AttributeValue => ({ S: value });
/** A marshalled item of about `kb` KB (its write units). */
function item(pk: string, kb: number, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  const base = { PK: s(pk), SK: s(`ITEM#${Math.random()}`), ...extra };
  const padding = kb * 1024 - Buffer.byteLength(JSON.stringify({ ...base, pad: s('') })) - 8;
  const built = { ...base, pad: s('x'.repeat(Math.max(0, padding))) };
  expect(itemKb(built)).toBe(kb);
  return built;
}
const put = (pk: string, kb: number, extra?: Record<string, AttributeValue>) => new PutItemCommand({ TableName, Item: item(pk, kb, extra) });

async function refusal(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => expect.fail('the request was served'),
    (error: unknown) => error,
  );
}

describe('units are counted as AWS bills them', () => {
  const units = (command: string, input: Record<string, unknown>) =>
    requestUnits(command, input).map(({ index, key, kind, units: n }) => ({ partition: `${index ?? 'table'} ${key.S}`, kind, units: n }));

  it('a PutItem takes 1 write unit per KB started on its partition key, and as many on the index partition of its GSI1PK', () => {
    expect(units('PutItemCommand', { TableName, Item: item('A', 1) })).toEqual([{ partition: 'table A', kind: 'write', units: 1 }]);
    expect(units('PutItemCommand', { TableName, Item: item('A', 3, { GSI1PK: s('DOMAIN#d') }) })).toEqual([
      { partition: 'table A', kind: 'write', units: 3 },
      { partition: 'GSI1 DOMAIN#d', kind: 'write', units: 3 },
    ]);
  });

  it('an UpdateItem or DeleteItem takes 1 write unit per KB of its key and values', () => {
    expect(units('UpdateItemCommand', { TableName, Key: { PK: s('A'), SK: s('B') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } })).toEqual([
      { partition: 'table A', kind: 'write', units: 1 },
    ]);
    expect(units('DeleteItemCommand', { TableName, Key: { PK: s('A'), SK: s('B') } })).toEqual([{ partition: 'table A', kind: 'write', units: 1 }]);
  });

  it('a TransactWriteItems takes 2 units per KB for each entry, and its index writes 1 per KB', () => {
    const input = {
      TransactItems: [
        { Put: { TableName, Item: item('ACTIVITY#d', 1) } },
        { Put: { TableName, Item: item('USER#u', 1, { GSI1PK: s('DOMAIN#d') }) } },
        { Update: { TableName, Key: { PK: s('USES#l'), SK: s('0') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
        { ConditionCheck: { TableName, Key: { PK: s('GATE#d'), SK: s('1') }, ConditionExpression: 'attribute_exists(PK)' } },
      ],
    };
    expect(units('TransactWriteItemsCommand', input)).toEqual([
      { partition: 'table ACTIVITY#d', kind: 'write', units: 2 },
      { partition: 'table USER#u', kind: 'write', units: 2 },
      { partition: 'GSI1 DOMAIN#d', kind: 'write', units: 1 },
      { partition: 'table USES#l', kind: 'write', units: 2 },
      { partition: 'table GATE#d', kind: 'write', units: 2 },
    ]);
  });

  it('a BatchWriteItem takes each item on its own partition', () => {
    const input = { RequestItems: { [TableName]: [{ PutRequest: { Item: item('A', 2) } }, { DeleteRequest: { Key: { PK: s('B'), SK: s('x') } } }] } };
    expect(units('BatchWriteItemCommand', input)).toEqual([
      { partition: 'table A', kind: 'write', units: 2 },
      { partition: 'table B', kind: 'write', units: 1 },
    ]);
  });

  it('reads take their least before they are sent: 0.5 eventually consistent, 1 strongly, 2 in a transaction; a Query on the index takes from the index partition', () => {
    const key = { PK: s('A'), SK: s('x') };
    expect(units('GetItemCommand', { TableName, Key: key })).toEqual([{ partition: 'table A', kind: 'read', units: 0.5 }]);
    expect(units('GetItemCommand', { TableName, Key: key, ConsistentRead: true })).toEqual([{ partition: 'table A', kind: 'read', units: 1 }]);
    expect(units('TransactGetItemsCommand', { TransactItems: [{ Get: { TableName, Key: key } }] })).toEqual([{ partition: 'table A', kind: 'read', units: 2 }]);
    expect(units('BatchGetItemCommand', { RequestItems: { [TableName]: { Keys: [key, { PK: s('B'), SK: s('y') }], ConsistentRead: true } } })).toEqual([
      { partition: 'table A', kind: 'read', units: 1 },
      { partition: 'table B', kind: 'read', units: 1 },
    ]);
    const query = { TableName, IndexName: 'GSI1', KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :m)', ExpressionAttributeNames: { '#pk': 'GSI1PK', '#sk': 'GSI1SK' }, ExpressionAttributeValues: { ':pk': s('DOMAIN#d'), ':m': s('M') } };
    expect(units('QueryCommand', query)).toEqual([{ partition: 'GSI1 DOMAIN#d', kind: 'read', units: 0.5 }]);
  });
});

describe('a partition key past 1,000 write units in a second', () => {
  it('is refused with the ThrottlingException AWS gives an on-demand table, after the SDK has retried it, and never reaches DynamoDB', async () => {
    const db = newClient(3);
    for (let i = 0; i < 10; i++) await db.send(put('ACTIVITY#hot', 100));
    const error = await refusal(db.send(put('ACTIVITY#hot', 1)));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe(THROTTLED_TABLE_MESSAGE);
    expect(error.throttlingReasons).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: TABLE_ARN }]);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    expect(sent).toHaveLength(10);
    expect(throughputStats().throttled).toEqual({ TableWriteKeyRangeThroughputExceeded: 3 });
  });

  it('leaves every other partition key alone', async () => {
    const db = newClient();
    for (let i = 0; i < 10; i++) await db.send(put('ACTIVITY#hot', 100));
    await refusal(db.send(put('ACTIVITY#hot', 1)));
    await db.send(put('ACTIVITY#other', 100));
    await db.send(new UpdateItemCommand({ TableName, Key: { PK: s('ACTIVITY#cool'), SK: s('x') }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': s('a') } }));
    expect(sent).toHaveLength(12);
  });

  it('is served again once the second has rolled on, and not a millisecond before', async () => {
    const db = newClient();
    for (let i = 0; i < 10; i++) await db.send(put('ACTIVITY#hot', 100));
    clock += 999;
    await refusal(db.send(put('ACTIVITY#hot', 1)));
    clock += 1;
    await db.send(put('ACTIVITY#hot', 100));
    expect(sent).toHaveLength(11);
  });

  it('counts every client of the process against the same partitions', async () => {
    const [one, other] = [newClient(), newClient()];
    for (let i = 0; i < 10; i++) await one.send(put('ACTIVITY#hot', 100));
    expect(await refusal(other.send(put('ACTIVITY#hot', 1)))).toBeInstanceOf(ThrottlingException);
  });

  it('is not refused with the emulation off', async () => {
    const db = emulatePartitionThroughput(newClient(), { enabled: false });
    for (let i = 0; i < 11; i++) await db.send(put('ACTIVITY#hot', 100));
    expect(sent).toHaveLength(11);
  });
});

describe("an index's partition", () => {
  it("counts every write of an item carrying its key, whatever the item's own partition, and is refused with the index's reason", async () => {
    const db = newClient();
    for (let i = 0; i < 10; i++) await db.send(put(`USER#${i}`, 100, { GSI1PK: s('DOMAIN#d') }));
    const error = await refusal(db.send(put('USER#late', 1, { GSI1PK: s('DOMAIN#d') })));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.message).toBe(THROTTLED_INDEX_MESSAGE);
    expect(error.throttlingReasons).toEqual([{ reason: 'IndexWriteKeyRangeThroughputExceeded', resource: `${TABLE_ARN}/index/GSI1` }]);
    // The same item out of the index is no write to it.
    await db.send(put('USER#late', 1));
    await db.send(put('USER#other', 1, { GSI1PK: s('DOMAIN#other') }));
    expect(throughputStats().throttled).toEqual({ IndexWriteKeyRangeThroughputExceeded: 1 });
  });
});

describe('a transaction', () => {
  it('takes 2 write units per KB: one that would pass the limit is cancelled with ThrottlingError on the entries over it', async () => {
    const db = newClient();
    for (let i = 0; i < 499; i++) {
      await db.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: item('ACTIVITY#d', 1) } }] }));
    }
    // 998 units taken: a single 1-KB write fits (999), a transactional one (2 more) no longer does.
    await db.send(put('ACTIVITY#d', 1));
    const error = await refusal(
      db.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: item('ACTIVITY#d', 1) } }, { Put: { TableName, Item: item('USER#u', 1) } }] })),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons).toEqual([{ Code: 'ThrottlingError', Message: THROTTLED_TABLE_MESSAGE }, { Code: 'None' }]);
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError, None]');
    await db.send(put('ACTIVITY#d', 1));
    expect(sent).toHaveLength(501);
  });
});

describe('a batch write over a partition', () => {
  it('writes the items under the limit and hands the others back as UnprocessedItems, as the caller gave them', async () => {
    const [low, db] = [newClient(), DynamoDBDocumentClient.from(newClient())];
    for (let i = 0; i < 9; i++) await low.send(put('ACTIVITY#hot', 100));
    await low.send(put('ACTIVITY#hot', 99));
    const first = { PK: 'ACTIVITY#hot', SK: 'a' };
    const second = { PK: 'ACTIVITY#hot', SK: 'b' };
    const elsewhere = { PK: 'ACTIVITY#cool', SK: 'c' };
    const answer = await db.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: first } }, { PutRequest: { Item: second } }, { PutRequest: { Item: elsewhere } }] } }));
    expect(answer.UnprocessedItems).toEqual({ [TableName]: [{ PutRequest: { Item: second } }] });
    expect(sent.at(-1)!.body.RequestItems[TableName].map((r: any) => r.PutRequest.Item.SK.S)).toEqual(['a', 'c']);
    expect(throughputStats()).toEqual({ throttled: { TableWriteKeyRangeThroughputExceeded: 1 }, unprocessedItems: 1 });
  });

  it('is refused whole with a ThrottlingException when none of its items fits', async () => {
    const db = DynamoDBDocumentClient.from(newClient());
    for (let i = 0; i < 10; i++) await db.send(new PutCommand({ TableName, Item: { PK: 'ACTIVITY#hot', SK: `${i}`, pad: 'x'.repeat(100 * 1024 - 100) } }));
    const error = await refusal(db.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { PK: 'ACTIVITY#hot', SK: 'a' } } }] } })));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(sent).toHaveLength(10);
  });
});

describe('reads', () => {
  it('a Query takes from its partition what it read, and past 3,000 read units in a second is refused with the read reason', async () => {
    const db = newClient();
    // 400 KB read strongly: 100 units a query.
    readAnswer = { Items: [item('DOMAIN#d', 200), item('DOMAIN#d', 200)], Count: 2, ScannedCount: 2 };
    const query = new QueryCommand({ TableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': s('DOMAIN#d') }, ConsistentRead: true });
    for (let i = 0; i < 30; i++) await db.send(query);
    const error = await refusal(db.send(query));
    expect(error.throttlingReasons).toEqual([{ reason: 'TableReadKeyRangeThroughputExceeded', resource: TABLE_ARN }]);
    // Reads and writes are limited apart.
    await db.send(put('DOMAIN#d', 1));
    expect(sent).toHaveLength(31);
  });

  it('a GetItem takes 0.5 unit per 4 KB eventually consistent and 1 strongly', async () => {
    const db = newClient();
    readAnswer = { Item: item('USER#u', 40) };
    const get = (ConsistentRead: boolean) => new GetItemCommand({ TableName, Key: { PK: s('USER#u'), SK: s('x') }, ConsistentRead });
    // 40 KB is 10 units strongly: 300 reads fill the 3,000.
    for (let i = 0; i < 300; i++) await db.send(get(true));
    await refusal(db.send(get(false)));
    clock += 1000;
    // And 5 eventually consistent: 600 reads.
    for (let i = 0; i < 600; i++) await db.send(get(false));
    await refusal(db.send(get(false)));
    expect(sent).toHaveLength(900);
  });

  it('a batch get hands back the keys over the limit as UnprocessedKeys', async () => {
    const db = newClient();
    readAnswer = { Items: [item('HOT', 400)], Count: 1 };
    const query = new QueryCommand({ TableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': s('HOT') }, ConsistentRead: true });
    for (let i = 0; i < 30; i++) await db.send(query);
    readAnswer = { Responses: { [TableName]: [] } };
    const keys = [{ PK: s('HOT'), SK: s('a') }, { PK: s('COOL'), SK: s('b') }];
    const answer = await db.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
    expect(answer.UnprocessedKeys).toEqual({ [TableName]: { Keys: [keys[0]], ConsistentRead: true } });
    expect(sent.at(-1)!.body.RequestItems[TableName].Keys).toEqual([keys[1]]);
  });
});

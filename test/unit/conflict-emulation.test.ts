/**
 * The local stack's transaction conflicts, against DynamoDB Local. A test holds one transaction
 * in flight (a gate just before it is sent) and sends the other requests meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { conflictStats, emulateTransactionConflicts, resetConflictStats } from '../../local/conflict-emulation.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { ensureTable } from '../../local/table.ts';

const tableName = `test-${randomUUID()}`;
const clients: DynamoDBClient[] = [];
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  const admin = newClient();
  await ensureTable(admin, tableName);
  db = emulateTransactionConflicts(DynamoDBDocumentClient.from(newClient()));
});
afterEach(() => resetConflictStats());
afterAll(() => {
  for (const client of clients) client.destroy();
});

function newClient(): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
  clients.push(client);
  return client;
}

const key = (name: string) => ({ PK: `ITEM#${name}`, SK: 'ITEM' });
const fresh = () => key(randomUUID());
const put = (item: Record<string, string>) => ({ Put: { TableName: tableName, Item: { ...item, written: 'yes' } } });
const check = (item: Record<string, string>) => ({
  ConditionCheck: { TableName: tableName, Key: item, ConditionExpression: 'attribute_not_exists(PK)' },
});
const read = async (item: Record<string, string>) => (await db.send(new GetCommand({ TableName: tableName, Key: item, ConsistentRead: true }))).Item;

/**
 * A document client in the same process whose next TransactWriteItems waits, already in flight
 * as far as the emulation is concerned, until `release()`; `done` settles with its outcome.
 */
async function holdTransaction(input: TransactWriteCommandInput) {
  const client = newClient();
  let reached!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        reached();
        await gate;
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'testHoldTransaction' },
  );
  const held = emulateTransactionConflicts(DynamoDBDocumentClient.from(client));
  const done = held.send(new TransactWriteCommand(input)).then(
    () => 'committed' as const,
    (error: Error) => error,
  );
  await arrived;
  return { release, done };
}

async function cancellation(promise: Promise<unknown>): Promise<TransactionCanceledException> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TransactionCanceledException);
  return error as TransactionCanceledException;
}

describe('a transaction that shares an item with one in flight', () => {
  it('is cancelled with TransactionConflict at the shared item and None elsewhere, and writes nothing', async () => {
    const [a, shared, b] = [fresh(), fresh(), fresh()];
    const first = await holdTransaction({ TransactItems: [put(a), put(shared)] });

    const error = await cancellation(db.send(new TransactWriteCommand({ TransactItems: [put(b), put(shared)] })));
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
    ]);
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(await read(b)).toBeUndefined();

    first.release();
    expect(await first.done).toBe('committed');
    expect(await read(a)).toBeDefined();
    expect(await read(b)).toBeUndefined();
  });

  it('is cancelled when the shared item is only a ConditionCheck in the other transaction', async () => {
    const [checked, a, b] = [fresh(), fresh(), fresh()];
    const first = await holdTransaction({ TransactItems: [put(a), check(checked)] });

    const error = await cancellation(db.send(new TransactWriteCommand({ TransactItems: [put(checked), put(b)] })));
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['TransactionConflict', 'None']);

    first.release();
    expect(await first.done).toBe('committed');
  });

  it('is cancelled when its own part in the shared item is a ConditionCheck', async () => {
    const [shared, a, b] = [fresh(), fresh(), fresh()];
    const first = await holdTransaction({ TransactItems: [put(a), put(shared)] });

    const error = await cancellation(db.send(new TransactWriteCommand({ TransactItems: [put(b), check(shared)] })));
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'TransactionConflict']);

    first.release();
    await first.done;
  });

  it('goes through once the other one has finished', async () => {
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(fresh()), put(shared)] });
    first.release();
    await first.done;

    await db.send(new TransactWriteCommand({ TransactItems: [put(fresh()), { Update: { TableName: tableName, Key: shared, UpdateExpression: 'SET again = :y', ExpressionAttributeValues: { ':y': 'yes' } } }] }));
    expect(await read(shared)).toMatchObject({ written: 'yes', again: 'yes' });
  });

  it('goes through once the other one has failed, its items released', async () => {
    const shared = fresh();
    await db.send(new PutCommand({ TableName: tableName, Item: shared }));
    const first = await holdTransaction({ TransactItems: [put(fresh()), check(shared)] });
    first.release();
    expect(await first.done).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });

    await db.send(new TransactWriteCommand({ TransactItems: [put(shared)] }));
  });
});

describe('transactions with no item in common', () => {
  it('both commit', async () => {
    const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
    const first = await holdTransaction({ TransactItems: [put(a), check(b)] });

    await db.send(new TransactWriteCommand({ TransactItems: [put(c), put(d)] }));
    first.release();
    expect(await first.done).toBe('committed');
    for (const item of [a, c, d]) expect(await read(item)).toBeDefined();
  });

  it('do not conflict over an item of the same key in another table', async () => {
    const otherTable = `test-${randomUUID()}`;
    await ensureTable(newClient(), otherTable);
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });

    await db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: otherTable, Item: shared } }] }));
    first.release();
    expect(await first.done).toBe('committed');
  });
});

describe('a single write on an item inside a transaction in flight', () => {
  it('is refused with TransactionConflictException, whether PutItem, UpdateItem or DeleteItem, and changes nothing', async () => {
    const shared = fresh();
    await db.send(new PutCommand({ TableName: tableName, Item: { ...shared, version: 'before' } }));
    const first = await holdTransaction({
      TransactItems: [{ Update: { TableName: tableName, Key: shared, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': 'transaction' } } }],
    });

    const writes = [
      () => db.send(new PutCommand({ TableName: tableName, Item: { ...shared, version: 'put' } })),
      () => db.send(new UpdateCommand({ TableName: tableName, Key: shared, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': 'update' } })),
      () => db.send(new DeleteCommand({ TableName: tableName, Key: shared })),
    ];
    for (const write of writes) {
      const error = await write().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionConflictException);
      expect(error).toMatchObject({ message: 'Transaction is ongoing for the item', $metadata: { httpStatusCode: 400 } });
    }
    expect(await read(shared)).toMatchObject({ version: 'before' });

    first.release();
    expect(await first.done).toBe('committed');
    expect(await read(shared)).toMatchObject({ version: 'transaction' });
  });

  it('succeeds once the transaction has finished', async () => {
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });
    await expect(db.send(new PutCommand({ TableName: tableName, Item: { ...shared, version: 'single' } }))).rejects.toBeInstanceOf(TransactionConflictException);

    first.release();
    await first.done;
    await db.send(new PutCommand({ TableName: tableName, Item: { ...shared, version: 'single' } }));
    expect(await read(shared)).toMatchObject({ version: 'single' });
  });

  it('is not refused when the item is only near one in flight (same partition, other sort key)', async () => {
    const { PK } = fresh();
    const first = await holdTransaction({ TransactItems: [put({ PK, SK: 'A' })] });
    await db.send(new PutCommand({ TableName: tableName, Item: { PK, SK: 'B' } }));
    first.release();
    await first.done;
  });
});

describe('requests that AWS does not refuse for a transaction in flight', () => {
  it('reads are served the last committed version', async () => {
    const shared = fresh();
    await db.send(new PutCommand({ TableName: tableName, Item: { ...shared, version: 'committed' } }));
    const first = await holdTransaction({
      TransactItems: [{ Update: { TableName: tableName, Key: shared, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': 'pending' } } }],
    });

    expect(await read(shared)).toMatchObject({ version: 'committed' });
    first.release();
    await first.done;
  });

  it('BatchWriteItem is sent as it is (AWS documents no conflict for it)', async () => {
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });

    const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: [{ PutRequest: { Item: { ...shared, version: 'batch' } } }] } }));
    expect(UnprocessedItems ?? {}).toEqual({});
    expect(conflictStats()).toEqual({ transactionsCancelled: 0, writesRefused: 0, conflictedItems: [] });
    first.release();
    await first.done;
  });
});

describe('clients', () => {
  it('the low-level client is covered, and sees transactions of a document client', async () => {
    const low = emulateTransactionConflicts(newClient());
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });
    const marshalled = { PK: { S: shared.PK }, SK: { S: shared.SK } };

    const error = await cancellation(low.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: tableName, Item: marshalled } }] })));
    expect(error.CancellationReasons).toEqual([{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }]);
    await expect(low.send(new PutItemCommand({ TableName: tableName, Item: marshalled }))).rejects.toBeInstanceOf(TransactionConflictException);
    await expect(
      low.send(new UpdateItemCommand({ TableName: tableName, Key: marshalled, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } })),
    ).rejects.toBeInstanceOf(TransactionConflictException);
    expect((await low.send(new GetItemCommand({ TableName: tableName, Key: marshalled }))).Item).toBeUndefined();

    first.release();
    await first.done;
  });

  it('a document client made from an emulating client is covered (they share one middleware stack)', async () => {
    const base = emulateTransactionConflicts(newClient());
    const doc = DynamoDBDocumentClient.from(base);
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });

    await expect(doc.send(new PutCommand({ TableName: tableName, Item: shared }))).rejects.toBeInstanceOf(TransactionConflictException);
    first.release();
    await first.done;
  });

  it('adding it twice registers it once', () => {
    const client = newClient();
    emulateTransactionConflicts(client);
    emulateTransactionConflicts(DynamoDBDocumentClient.from(client));
    expect(client.middlewareStack.identify().filter((m) => m.startsWith('emulateTransactionConflicts'))).toHaveLength(1);
  });
});

describe('turning it off', () => {
  it('with enabled: false nothing is refused', async () => {
    const off = emulateTransactionConflicts(DynamoDBDocumentClient.from(newClient()), { enabled: false });
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });

    await off.send(new PutCommand({ TableName: tableName, Item: shared }));
    await off.send(new TransactWriteCommand({ TransactItems: [put(shared)] }));
    first.release();
    expect(await first.done).toBe('committed');
  });

  it('enabled: false removes it from a client that had it', () => {
    const client = emulateTransactionConflicts(newClient());
    emulateTransactionConflicts(client, { enabled: false });
    expect(client.middlewareStack.identify().some((m) => m.startsWith('emulateTransactionConflicts'))).toBe(false);
  });

  describe('with DYNAMODB_CONFLICT_EMULATION', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    it('=off, nothing is refused', async () => {
      vi.stubEnv('DYNAMODB_CONFLICT_EMULATION', 'off');
      vi.resetModules();
      const fromEnv = await import('../../local/conflict-emulation.ts');
      const off = fromEnv.emulateTransactionConflicts(DynamoDBDocumentClient.from(newClient()));
      const shared = fresh();
      const first = await holdTransaction({ TransactItems: [put(shared)] });

      await off.send(new PutCommand({ TableName: tableName, Item: shared }));
      await off.send(new TransactWriteCommand({ TransactItems: [put(shared)] }));
      first.release();
      expect(await first.done).toBe('committed');
    });

    it('set to anything but on or off, the module refuses to load', async () => {
      vi.stubEnv('DYNAMODB_CONFLICT_EMULATION', 'no');
      vi.resetModules();
      await expect(import('../../local/conflict-emulation.ts')).rejects.toThrow('DYNAMODB_CONFLICT_EMULATION must be "on" or "off", got "no"');
    });
  });
});

describe('stats', () => {
  it('count cancelled transactions, refused writes and the items refused on until reset', async () => {
    const shared = fresh();
    const first = await holdTransaction({ TransactItems: [put(shared)] });
    await db.send(new TransactWriteCommand({ TransactItems: [put(shared)] })).catch(() => undefined);
    await db.send(new TransactWriteCommand({ TransactItems: [check(shared)] })).catch(() => undefined);
    await db.send(new PutCommand({ TableName: tableName, Item: shared })).catch(() => undefined);
    await db.send(new TransactWriteCommand({ TransactItems: [put(fresh())] }));
    first.release();
    await first.done;

    // The shared item, three times; the fresh item of the transaction that went through, never.
    expect(conflictStats()).toEqual({ transactionsCancelled: 2, writesRefused: 1, conflictedItems: [{ table: tableName, key: { PK: { S: shared.PK }, SK: { S: shared.SK } }, times: 3 }] });
    resetConflictStats();
    expect(conflictStats()).toEqual({ transactionsCancelled: 0, writesRefused: 0, conflictedItems: [] });
  });
});

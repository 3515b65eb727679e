/** Creates the single table on DynamoDB Local from the same definition the CDK stack uses, and seeds it once. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { items, type Item } from '#shared/store/dynamodb/items.ts';
import { dataOf } from '#shared/store/dynamodb/keys.ts';
import { ENTITY, TABLE } from '#shared/store/dynamodb/table.ts';
import { timerItem } from '#shared/store/dynamodb/timers.ts';
import { linkTimers } from '#shared/domain/timers.ts';
import type { Domain, InviteLink } from '#shared/domain/types.ts';
import { DEMO_DIRECTORIES, DEMO_MEMBERSHIPS, DEMO_USERS } from './demo-data.ts';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<{ streamArn: string }> {
  const { partitionKey, sortKey, byDomainIndex: gsi, ttlAttribute, streamView } = TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [partitionKey, sortKey, gsi.partitionKey, gsi.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: gsi.name,
            KeySchema: [
              { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: streamView },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return { streamArn: Table!.LatestStreamArn! };
}

/**
 * Seeds the contract's demo data once; a marker item makes it happen once per version of the seed
 * (a data layout change bumps the version, so a DATA_DIR from before gets the demo data anew).
 */
const SEED_VERSION = 3;

export async function seedDemoData(db: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { [TABLE.partitionKey]: `SEED#demo@${SEED_VERSION}`, [TABLE.sortKey]: 'SEED', entityType: 'SeedMarker', seededAt: new Date().toISOString() },
        ConditionExpression: `attribute_not_exists(${TABLE.partitionKey})`,
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
  const all: Item[] = [
    ...DEMO_DIRECTORIES.flatMap((d) => [items.domain(d.domain), ...items.domainGates(d.domain), items.directory(d)]),
    ...DEMO_USERS.map(items.user),
    ...DEMO_MEMBERSHIPS.flatMap((m) => [items.membership(m), items.memberEmail(m.domainId, m.email, m.userId)]),
  ];
  for (let i = 0; i < all.length; i += 25) {
    let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
      [tableName]: all.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: request }));
      request = UnprocessedItems as typeof request;
    }
  }
  return true;
}

/** Local data from an earlier layout: the domain gates and use counters the current SHARDS expect. */
export async function completeShards(db: DynamoDBDocumentClient, tableName: string): Promise<{ gates: number; counters: number }> {
  return { gates: await completeDomainGates(db, tableName), counters: await completeLinkCounters(db, tableName) };
}

/**
 * A live link made when there were fewer use counters gets the missing ones: at zero and, for a
 * link with maxUses, already full (cap 0), so its count stays exact and joins use the counters it had.
 * A live link made before links had timers gets the ones still ahead (a timer's key is the same
 * however often it is written, so a link that has them gets none twice).
 */
export async function completeLinkCounters(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let written = 0;
  const now = new Date().toISOString();
  for await (const item of scanEntities(db, tableName, ENTITY.InviteLink)) {
    const link = dataOf<InviteLink>(item);
    if (link.expiresAt <= now) continue;
    const counters = items.linkCounters(link).map((counter) => ({
      ...counter,
      ...(link.maxUses !== undefined ? { cap: 0 } : {}),
      ...(link.revokedAt !== undefined ? { revokedAt: link.revokedAt } : {}),
    }));
    // And its timers (shared/domain/timers.ts), for a link made before links had them: those still ahead.
    const timers = linkTimers(link).filter((timer) => timer.dueAt > now).map(timerItem);
    written += await putMissing(db, tableName, [...counters, ...timers]);
  }
  return written;
}

async function* scanEntities(db: DynamoDBDocumentClient, tableName: string, entityType: string): AsyncGenerator<Item> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: tableName, FilterExpression: 'entityType = :type', ExpressionAttributeValues: { ':type': entityType }, ConsistentRead: true, ExclusiveStartKey }),
    );
    yield* (page.Items ?? []) as Item[];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Puts each item whose key is not in the table yet (at most 100 at a time), never over one that is. */
async function putMissing(db: DynamoDBDocumentClient, tableName: string, wanted: Item[]): Promise<number> {
  const keyOf = (item: Item) => ({ [TABLE.partitionKey]: item[TABLE.partitionKey], [TABLE.sortKey]: item[TABLE.sortKey] });
  const { Responses } = await db.send(
    new BatchGetCommand({ RequestItems: { [tableName]: { Keys: wanted.map(keyOf), ProjectionExpression: '#pk, #sk', ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey } } } }),
  );
  const keyText = (item: Item) => `${String(item[TABLE.partitionKey])}\n${String(item[TABLE.sortKey])}`;
  const present = new Set((Responses?.[tableName] ?? []).map(keyText));
  let written = 0;
  for (const item of wanted.filter((w) => !present.has(keyText(w)))) {
    try {
      await db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: `attribute_not_exists(${TABLE.partitionKey})` }));
      written += 1;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  return written;
}

/**
 * The number of domain gates is part of the data layout (SHARDS.domainGates). A DATA_DIR made when
 * there were fewer has domains whose new gates do not exist yet: each is written from its domain
 * item (the switch, the generation, the email domains and every creator's generation), never over
 * a gate that exists. Returns how many gates it wrote.
 */
export async function completeDomainGates(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let written = 0;
  for await (const item of scanEntities(db, tableName, ENTITY.Domain)) {
    written += await putMissing(db, tableName, items.domainGates(dataOf<Domain>(item)));
  }
  return written;
}

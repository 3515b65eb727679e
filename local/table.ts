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
import { ENTITY, SHARDS, TABLE } from '#shared/store/dynamodb/table.ts';
import type { Domain } from '#shared/domain/types.ts';
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

/**
 * The number of domain gates is part of the data layout (SHARDS.domainGates). A DATA_DIR made when
 * there were fewer has domains whose new gates do not exist yet: each is written from its domain
 * item (the switch, the generation, the email domains and every creator's generation), never over
 * a gate that exists. Returns how many gates it wrote.
 */
export async function completeDomainGates(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let written = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entityType = :domain',
        ExpressionAttributeValues: { ':domain': ENTITY.Domain },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const domain = dataOf<Domain>(item);
      const creatorGenerations = Object.fromEntries(Object.entries(domain).filter(([name]) => name.startsWith('creatorGeneration#')));
      const gates = items.domainGates(domain).slice(0, SHARDS.domainGates);
      const keyOf = (gate: Item) => ({ [TABLE.partitionKey]: gate[TABLE.partitionKey], [TABLE.sortKey]: gate[TABLE.sortKey] });
      const { Responses } = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: gates.map(keyOf), ProjectionExpression: '#pk', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } } } }));
      const present = new Set((Responses?.[tableName] ?? []).map((found) => found[TABLE.partitionKey]));
      for (const gate of gates.filter((g) => !present.has(g[TABLE.partitionKey]))) {
        try {
          await db.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...gate, ...creatorGenerations },
              ConditionExpression: `attribute_not_exists(${TABLE.partitionKey})`,
            }),
          );
          written += 1;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return written;
}

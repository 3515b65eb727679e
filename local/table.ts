/** Creates the single table on DynamoDB Local from the same definition the CDK stack uses, and seeds it once. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { items, type Item } from '#shared/store/dynamodb/items.ts';
import { TABLE } from '#shared/store/dynamodb/table.ts';
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

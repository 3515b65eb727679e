/** A domain's activity entries as the table holds them: what tests read beneath the API. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/store/dynamodb/keys.ts';

/** Every entry of the domain, from each partition its activity is spread over, strongly consistent, newest first. */
export async function activityItems(db: DynamoDBDocumentClient, table: string, domainId: string): Promise<Record<string, unknown>[]> {
  const partitions = await Promise.all(
    keys.activityPartitions(domainId).map(async (partition) => {
      const { Items = [] } = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition }, ConsistentRead: true }));
      return Items;
    }),
  );
  return partitions.flat().sort((a, b) => (String(a.SK) < String(b.SK) ? 1 : -1));
}

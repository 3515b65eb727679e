/** The cold-start yardstick: a handler that only imports the DynamoDB client and does one GetItem. */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async () => {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { PK: { S: 'DOMAIN#demo-media-co' }, SK: { S: 'DOMAIN' } } }),
  );
  return { statusCode: Item ? 200 : 404 };
};

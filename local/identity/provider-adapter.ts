/**
 * oidc-provider's storage (sessions, interactions, grants, codes) in the identities table, so a
 * restart of `npm start` keeps people signed in at the provider. Each artifact is one item with
 * its own TTL; lookups by session uid and revocation by grant go through small pointer items.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Adapter, AdapterPayload } from 'oidc-provider';

const key = (model: string, id: string) => ({ PK: `OIDC#${model}#${id}`, SK: 'OIDC' });
const uidKey = (model: string, uid: string) => ({ PK: `OIDC#${model}#uid#${uid}`, SK: 'OIDC' });
const grantPartition = (grantId: string) => `OIDC#grant#${grantId}`;
const ttlOf = (expiresIn: number) => Math.floor(Date.now() / 1000) + expiresIn;

export function dynamoAdapter(db: DynamoDBDocumentClient, table: string) {
  return class DynamoAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const ttl = ttlOf(expiresIn);
      const writes: Record<string, unknown>[] = [{ ...key(this.model, id), payload: JSON.stringify(payload), ttl }];
      if (payload.uid) writes.push({ ...uidKey(this.model, payload.uid), id, ttl });
      if (payload.grantId) writes.push({ PK: grantPartition(payload.grantId), SK: `${this.model}#${id}`, model: this.model, id, ttl });
      await Promise.all(writes.map((Item) => db.send(new PutCommand({ TableName: table, Item }))));
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: key(this.model, id), ConsistentRead: true }));
      // DynamoDB TTL deletes late: an expired item is already gone for the provider.
      if (!Item || Number(Item.ttl) <= Date.now() / 1000) return undefined;
      return { ...(JSON.parse(Item.payload as string) as AdapterPayload), ...(Item.consumed ? { consumed: Item.consumed as number } : {}) };
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: uidKey(this.model, uid), ConsistentRead: true }));
      return Item ? this.find(Item.id as string) : undefined;
    }

    // Device flow only, which this provider does not offer.
    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key(this.model, id),
          UpdateExpression: 'SET #consumed = :now',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#consumed': 'consumed' },
          ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
        }),
      ).catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
    }

    async destroy(id: string): Promise<void> {
      await db.send(new DeleteCommand({ TableName: table, Key: key(this.model, id) }));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const { Items = [] } = await db.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': grantPartition(grantId) }, ConsistentRead: true }),
      );
      const keys = Items.flatMap((i) => [key(i.model as string, i.id as string), { PK: i.PK as string, SK: i.SK as string }]);
      for (let i = 0; i < keys.length; i += 25) {
        await db.send(new BatchWriteCommand({ RequestItems: { [table]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) } }));
      }
    }
  };
}

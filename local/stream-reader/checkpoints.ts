/**
 * Where a consumer's reader is in each shard, kept in the table itself next to the data it
 * describes; each consumer keeps its own, as each event source mapping does.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#shared/store/dynamodb/table.ts';

export interface ShardState {
  shardId: string;
  parentShardId?: string;
  iterator?: string;
  /** Last sequence number done with (delivered, filtered out or dead-lettered). */
  position?: string;
  persisted?: string;
  finished: boolean;
  persistedFinished: boolean;
  /** Read from the shard's end, not its start: a shard the mapping found open when it started with LATEST. */
  fromLatest?: boolean;
}

/** A shard's checkpoint as saved: how far it was read, and whether to its end. */
export type SavedCheckpoint = { sequenceNumber?: string; finished?: boolean };

export async function checkpoints(db: DynamoDBDocumentClient, tableName: string, streamArn: string, consumerName: string) {
  const checkpointPartition = `STREAM#${streamArn}#${consumerName}`;
  const checkpointKey = (shardId: string) => ({ [TABLE.partitionKey]: checkpointPartition, [TABLE.sortKey]: `SHARD#${shardId}` });

  const saved = new Map<string, SavedCheckpoint>();
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
    for (const item of page.Items ?? []) saved.set(String(item.shardId), item as SavedCheckpoint);
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  return {
    /** Each shard's checkpoint as found when the reader started, by shard id. */
    saved,
    /** Writes the shard's position, only when it moved since the last write. */
    async save(shard: ShardState): Promise<void> {
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
    },
  };
}

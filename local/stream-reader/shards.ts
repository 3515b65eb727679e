/** The stream's shards as the Lambda service finds them: described page by page, each read from its checkpoint on. */
import { DescribeStreamCommand, GetShardIteratorCommand, type DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { SavedCheckpoint, ShardState } from './checkpoints.ts';

/** The stream, and the reading of it authorized as the function's role. */
export interface StreamAccess {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  asLambda(action: string): void;
}

/**
 * Adds the shards not known yet, each from its saved checkpoint. `fromLatest`: a mapping started with
 * LATEST, at its first discovery, reads the open shards found without a checkpoint from their end;
 * shards found later (children of a split) are read from their start, as Lambda does.
 */
export async function discoverShards(
  { streams, streamArn, asLambda }: StreamAccess,
  shards: Map<string, ShardState>,
  saved: Map<string, SavedCheckpoint>,
  fromLatest = false,
): Promise<void> {
  const found: Shard[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    asLambda('dynamodb:DescribeStream');
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
    );
    found.push(...(StreamDescription?.Shards ?? []));
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  for (const shard of found) {
    if (!shard.ShardId || shards.has(shard.ShardId)) continue;
    const checkpoint = saved.get(shard.ShardId);
    shards.set(shard.ShardId, {
      shardId: shard.ShardId,
      parentShardId: shard.ParentShardId,
      position: checkpoint?.sequenceNumber,
      persisted: checkpoint?.sequenceNumber,
      finished: checkpoint?.finished === true,
      persistedFinished: checkpoint?.finished === true,
      ...(fromLatest && !checkpoint && !shard.SequenceNumberRange?.EndingSequenceNumber ? { fromLatest: true } : {}),
    });
  }
}

/** An iterator after the shard's position, or from its oldest record (its end, for a LATEST start) when it has none, or the stream no longer holds it. */
export async function shardIterator({ streams, streamArn, asLambda }: StreamAccess, shard: ShardState): Promise<string | undefined> {
  const ask = (type: 'TRIM_HORIZON' | 'LATEST' | 'AFTER_SEQUENCE_NUMBER') => {
    asLambda('dynamodb:GetShardIterator');
    return streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.shardId,
        ShardIteratorType: type,
        ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: shard.position } : {}),
      }),
    );
  };
  if (!shard.position) return (await ask(shard.fromLatest ? 'LATEST' : 'TRIM_HORIZON')).ShardIterator;
  try {
    return (await ask('AFTER_SEQUENCE_NUMBER')).ShardIterator;
  } catch (error) {
    // The checkpoint is older than the stream's retention: start from what is left.
    if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
    return (await ask('TRIM_HORIZON')).ShardIterator;
  }
}

/**
 * The guard's one-second buckets on the table: `GUARD#<linkId>` / `SECOND#<second>`, a string set of
 * the joins counted there (`joinIds`: ADD, so a redelivered join counts once) and the guard's
 * own marks (`marks`), gone a day after its second.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BurstJoiner, LinkGuardCounts } from '../link-guard.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import { TableAccess } from './table-access.ts';

/** A bucket is read by the windows of at most a day (the longest a guard may look back), then TTL removes it. */
const GUARD_BUCKET_TTL_SECONDS = 24 * 3600 + 60;

export function dynamoLinkGuardCounts(db: DynamoDBDocumentClient, table: string): LinkGuardCounts {
  const t = new TableAccess(db, table);
  /** ADD to a string set: what is there already stays once. */
  const add = async (linkId: string, second: string, set: 'joinIds' | 'marks', values: readonly string[]) => {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.guardBucket(linkId, second),
        UpdateExpression: 'ADD #set :value SET entityType = :entity, #ttl = :ttl',
        ExpressionAttributeNames: { '#set': set, '#ttl': TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':value': new Set(values), ':entity': ENTITY.LinkGuardBucket, ':ttl': Math.floor(Date.parse(`${second}Z`) / 1000) + GUARD_BUCKET_TTL_SECONDS },
      }),
    );
  };
  return {
    countJoins: (linkId, second, entries) => add(linkId, second, 'joinIds', entries),
    mark: (linkId, second, mark) => add(linkId, second, 'marks', [mark]),
    async between(linkId, firstBucket, lastBucket) {
      // Strongly consistent: the bucket this join was just added to is read with the others.
      const buckets = await t.queryAll({
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#joins': 'joinIds', '#marks': 'marks' },
        ExpressionAttributeValues: { ':pk': keys.guardPartition(linkId), ':first': `${keys.guardBucketPrefix}${firstBucket}`, ':last': `${keys.guardBucketPrefix}${lastBucket}` },
        ProjectionExpression: '#joins, #marks',
        ConsistentRead: true,
      });
      const all = (name: string) => buckets.flatMap((bucket) => [...((bucket[name] as Set<string> | undefined) ?? [])]);
      return { joins: all('joinIds'), marks: all('marks') };
    },
    async joinersOf(domainId, joins) {
      const found = await t.batchGet(
        joins.map(({ joinedAt, joinId }) => keys.activity(domainId, joinedAt, joinId)),
        false,
      );
      return found
        .map((item): BurstJoiner => ({ userId: String(item.userId), email: String(item.email), joinedAt: String(item.joinedAt) }))
        .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
    },
  };
}

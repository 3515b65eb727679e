/**
 * The guard's minute buckets on the table: `GUARD#<linkId>` / `MINUTE#<minute>`, a string set of
 * the joins counted there (`joinIds`: ADD, so a redelivered join counts once) and the guard's
 * own marks (`marks`), gone a day after its minute.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BurstJoiner, LinkGuardCounts } from '../link-guard.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import { TableAccess } from './table-access.ts';

/** A bucket is read by the windows of at most a day (the longest a guard may look back), then TTL removes it. */
const GUARD_MINUTE_TTL_SECONDS = 24 * 3600 + 60;

export function dynamoLinkGuardCounts(db: DynamoDBDocumentClient, table: string): LinkGuardCounts {
  const t = new TableAccess(db, table);
  /** ADD to a string set: what is there already stays once. */
  const add = async (linkId: string, minute: string, set: 'joinIds' | 'marks', values: readonly string[]) => {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.guardMinute(linkId, minute),
        UpdateExpression: 'ADD #set :value SET entityType = :entity, #ttl = :ttl',
        ExpressionAttributeNames: { '#set': set, '#ttl': TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':value': new Set(values), ':entity': ENTITY.LinkGuardMinute, ':ttl': Math.floor(Date.parse(`${minute}Z`) / 1000) + GUARD_MINUTE_TTL_SECONDS },
      }),
    );
  };
  return {
    countJoins: (linkId, minute, entries) => add(linkId, minute, 'joinIds', entries),
    mark: (linkId, minute, mark) => add(linkId, minute, 'marks', [mark]),
    async between(linkId, firstMinute, lastMinute) {
      // Strongly consistent: the bucket this join was just added to is read with the others.
      const buckets = await t.queryAll({
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#joins': 'joinIds', '#marks': 'marks' },
        ExpressionAttributeValues: { ':pk': keys.guardPartition(linkId), ':first': `${keys.guardMinutePrefix}${firstMinute}`, ':last': `${keys.guardMinutePrefix}${lastMinute}` },
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

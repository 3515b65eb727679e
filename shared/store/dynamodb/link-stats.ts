/**
 * A link's stats on the table (docs/data-model.md): each lookup of a new browser of the day and each
 * refused join writes its own small mark (one conditional PutItem, a partition of its own), which
 * the events feed reads from the stream and adds to the link's one `LinkStats` item (`LINK#<id>` /
 * `STATS`) with one UpdateItem per link per batch. Marks and salts are gone two days later.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LINK_EXPIRY_MEMORY_SECONDS } from '../../config.ts';
import { ttlOf } from '../../domain/invite-link.ts';
import type { LinkStats } from '../../domain/link-stats.ts';
import type { LinkStatsStore, MarkedLink } from '../link-stats.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import { TableAccess } from './table-access.ts';

/** A mark waits at most this long for the feed (its stream record lives a day); a salt outlives its day by a day. */
const MARK_TTL_SECONDS = 2 * 24 * 3600;
/** Refusals are stored flat (`refused_LINK_EXPIRED`): ADD cannot reach into a map that is not there yet. */
const REFUSED = 'refused_';

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);
const endOfDay = (day: string) => epochSeconds(new Date(`${day}T00:00:00.000Z`)) + 24 * 3600;
const isConditionFailed = (error: unknown) => error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

export function dynamoLinkStats(db: DynamoDBDocumentClient, table: string): LinkStatsStore {
  const t = new TableAccess(db, table);
  /** A new item, or nothing if one is there: false then. */
  const putNew = async (item: Record<string, unknown>): Promise<boolean> => {
    try {
      await db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } }));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  };
  const markOf = (link: MarkedLink) => ({ linkId: link.linkId, linkExpiresAt: link.expiresAt });

  return {
    async daySalt(day) {
      const salt = randomBytes(32).toString('base64');
      if (await putNew({ ...keys.visitSalt(day), entityType: ENTITY.VisitSalt, salt, [TABLE.ttlAttribute]: endOfDay(day) + 24 * 3600 })) return Buffer.from(salt, 'base64');
      // Another instance made the day's salt first: everyone hashes with that one.
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: keys.visitSalt(day), ConsistentRead: true }));
      if (typeof Item?.salt !== 'string') throw new Error(`the salt of ${day} is missing`);
      return Buffer.from(Item.salt, 'base64');
    },

    markVisit: (link, step, day, visitor) =>
      putNew({ ...keys.linkVisit(link.linkId, day, step, visitor), entityType: ENTITY.LinkVisit, ...markOf(link), step, day, [TABLE.ttlAttribute]: endOfDay(day) + MARK_TTL_SECONDS }),

    async markRefusal(link, code, at) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...keys.linkRefusal(link.linkId, randomUUID()), entityType: ENTITY.LinkRefusal, ...markOf(link), code, refusedAt: at.toISOString(), [TABLE.ttlAttribute]: epochSeconds(at) + MARK_TTL_SECONDS },
        }),
      );
    },

    async add(link, { views, signInsStarted, joins, refusals }) {
      const added: [string, number][] = [['views', views], ['signInsStarted', signInsStarted], ['joins', joins], ...Object.entries(refusals).map(([code, n]): [string, number] => [`${REFUSED}${code}`, n])];
      const counted = added.filter(([, n]) => n > 0);
      if (counted.length === 0) return;
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.linkStats(link.linkId),
          UpdateExpression: `ADD ${counted.map((_, i) => `#c${i} :c${i}`).join(', ')} SET entityType = :entity, linkId = :linkId, #ttl = :ttl`,
          ExpressionAttributeNames: { ...Object.fromEntries(counted.map(([name], i) => [`#c${i}`, name])), '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ...Object.fromEntries(counted.map(([, n], i) => [`:c${i}`, n])),
            ':entity': ENTITY.LinkStats,
            ':linkId': link.linkId,
            // Kept as long as the link's own expiry record: an ended link's stats can still be shown.
            ':ttl': ttlOf(link.expiresAt) + LINK_EXPIRY_MEMORY_SECONDS,
          },
        }),
      );
    },

    async statsOf(linkIds) {
      // A view, not a decision: eventually consistent reads at half the price.
      const found = await t.batchGet(linkIds.map(keys.linkStats), false);
      return new Map(found.map((item) => [String(item.linkId), statsOfItem(item)]));
    },
  };
}

function statsOfItem(item: Record<string, unknown>): LinkStats {
  const refusals = Object.fromEntries(
    Object.entries(item)
      .filter(([name]) => name.startsWith(REFUSED))
      .map(([name, n]) => [name.slice(REFUSED.length), Number(n)]),
  );
  return { views: Number(item.views ?? 0), signInsStarted: Number(item.signInsStarted ?? 0), joins: Number(item.joins ?? 0), refusals };
}

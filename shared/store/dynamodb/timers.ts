/**
 * Timers on the table: `TIMERS#<shard>` / `<dueAt>#<kind>#<subject>`, one of SHARDS.timers
 * partitions picked by a hash of its subject (so a burst of joins spreads over them all, and the
 * same timer written twice is one item),
 * each written in the transaction of what it is about (timerPuts). The sweep reads every partition
 * up to now and deletes a timer once it fired; a timer left behind (a sweep that failed) is read
 * again a minute later, and TTL removes one nobody could fire within a month.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import { timerSubject, type Timer } from '../../domain/timers.ts';
import type { Domain, InviteLink, LinkEndingEmail, LinkMark } from '../../domain/types.ts';
import type { DueTimer, LinkState, TimerStore } from '../timers.ts';
import { reasonCodes } from './cancellation.ts';
import { items, type Item } from './items.ts';
import { dataOf, keys, shardOf } from './keys.ts';
import { ENTITY, SHARDS, TABLE } from './table.ts';
import { TableAccess, type TransactItem } from './table-access.ts';

/** A timer nobody fired within this long after its time is removed by TTL (the sweep's alarm has long said so). */
const TIMER_MEMORY_SECONDS = 30 * 24 * 3600;


export function timerItem(timer: Timer): Item {
  return {
    ...keys.timer(shardOf(timerSubject(timer), SHARDS.timers), timer.dueAt, timer.kind, timerSubject(timer)),
    entityType: ENTITY.Timer,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(timer.dueAt) / 1000) + TIMER_MEMORY_SECONDS,
    ...timer,
  };
}

/** The Puts that keep `timers`, for the transaction of what they are about. */
export function timerPuts(t: Pick<TableAccess, 'table'>, timers: readonly Timer[]): TransactItem[] {
  return timers.map((timer) => ({ Put: { TableName: t.table, Item: timerItem(timer) } }));
}

export function dynamoTimers(db: DynamoDBDocumentClient, table: string): TimerStore {
  const t = new TableAccess(db, table);
  return {
    async due(now, limit) {
      const perShard = Math.max(1, Math.ceil(limit / SHARDS.timers));
      const shards = await Promise.all(
        Array.from({ length: SHARDS.timers }, async (_, shard) => {
          const { Items = [] } = await db.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: '#pk = :pk AND #sk <= :due',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
              ExpressionAttributeValues: { ':pk': keys.timerPartition(shard), ':due': keys.timersDueBy(now.toISOString()) },
              Limit: perShard,
            }),
          );
          return Items.map((item): DueTimer => ({ timer: dataOf<Timer>(item), key: { [TABLE.partitionKey]: String(item[TABLE.partitionKey]), [TABLE.sortKey]: String(item[TABLE.sortKey]) } }));
        }),
      );
      return shards.flat();
    },

    async done(key) {
      await db.send(new DeleteCommand({ TableName: table, Key: key }));
    },

    async linkState(linkId, domainId) {
      // The link, its domain and its use counters in one strongly consistent read: as many counters as any link has (those it lacks are not found).
      const counters = keys.linkCounters({ linkId, counters: SHARDS.crowdLinkCounters });
      const found = await t.batchGet([keys.link(linkId), keys.domain(domainId), ...counters], true);
      const link = found.find((i) => i.entityType === ENTITY.InviteLink);
      const domain = found.find((i) => i.entityType === ENTITY.Domain);
      if (!link || !domain) return undefined;
      const useCount = found.filter((i) => i.entityType === ENTITY.LinkCounter).reduce((n, counter) => n + Number(counter.useCount ?? 0), 0);
      return { link: dataOf<InviteLink>(link), domain: dataOf<Domain>(domain), useCount } satisfies LinkState;
    },

    async markLink(linkId: string, mark: LinkMark, at: string, activity?: ActivityEntry, email?: LinkEndingEmail) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: keys.link(linkId),
                  UpdateExpression: 'SET #mark = :at',
                  ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#mark)',
                  ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#mark': mark },
                  ExpressionAttributeValues: { ':at': at },
                },
              },
              ...(activity ? [{ Put: { TableName: table, Item: items.activity(activity) } }] : []),
              ...(email ? [{ Put: { TableName: table, Item: items.linkEndingEmail(email) } }] : []),
            ],
          }),
        );
        return 'marked';
      } catch (error) {
        if (error instanceof TransactionCanceledException && reasonCodes(error)[0] === 'ConditionalCheckFailed') return 'already';
        throw error;
      }
    },
  };
}

/**
 * Pauses, which end nothing: one link's (on the link, then every use counter) and all of a
 * domain's links for a while (on the domain, then copied onto every gate: gate-sync.ts). Each has taken hold on every item a
 * join checks before it returns, so no join counts after it; taking a pause off is the same undone.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import type { InviteLink, LinkPausedEmail } from '../../domain/types.ts';
import type { AdminWriteOutcome, Store } from '../store.ts';
import { reasonCodes } from './cancellation.ts';
import { retryingConflicts } from './conflicts.ts';
import { items, type Item } from './items.ts';
import { keys } from './keys.ts';
import { adminWrite, COPY_TO_GATES } from './link-writes.ts';
import { TABLE } from './table.ts';
import type { TableAccess, TransactItem } from './table-access.ts';

export type PauseWrites = Pick<Store, 'pauseInviteLink' | 'resumeInviteLink' | 'pauseAllInviteLinks' | 'resumeAllInviteLinks'>;

/** One update, applied to the link or to each of its counters. */
type Change = Omit<NonNullable<TransactItem['Update']>, 'TableName' | 'Key'>;

export function pauseWrites(t: TableAccess): PauseWrites {
  /** The link's own update first (its condition says whether there is anything to do), then every counter alike (unless none), then the entry (and an outbox item). */
  const linkAndCounters = async (link: InviteLink, own: Change, counter: Change | undefined, activity: ActivityEntry, also: Item[] = []): Promise<boolean> => {
    try {
      await t.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: t.table, Key: keys.link(link.linkId), ...own } },
            ...(counter ? keys.linkCounters(link).map((Key) => ({ Update: { TableName: t.table, Key, ...counter } })) : []),
            { Put: { TableName: t.table, Item: items.activity(activity) } },
            ...also.map((Item) => ({ Put: { TableName: t.table, Item } })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && reasonCodes(error)[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  };

  /** One counter paused, only while the link carries that very pause: a resume in between leaves the counter as the resume left it. */
  const pauseCounter = async (linkId: string, Key: Record<string, string>, at: string): Promise<void> => {
    try {
      await t.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: t.table, Key: keys.link(linkId), ConditionExpression: 'pausedAt = :at', ExpressionAttributeValues: { ':at': at } } },
            { Update: { TableName: t.table, Key, UpdateExpression: 'SET pausedAt = :at', ExpressionAttributeValues: { ':at': at } } },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && reasonCodes(error)[0] === 'ConditionalCheckFailed') return;
      throw error;
    }
  };

  return {
    async pauseInviteLink(link: InviteLink, at: string, pausedBy: string, activity: ActivityEntry, email?: LinkPausedEmail): Promise<'paused' | 'unchanged'> {
      // The decision first, on items no join writes (the link, the entry, the creator's email: both or neither), so a flood cannot starve
      // it; not again for a link read with this very pause (a resume since must not be undone).
      const madeBefore = link.pausedAt === at;
      const paused = !madeBefore && (await retryingConflicts(() =>
        linkAndCounters(
          link,
          {
            UpdateExpression: 'SET pausedAt = :at, pausedBy = :by',
            // A link paused already keeps its first pause; a revoked one has nothing to pause.
            ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(pausedAt) AND attribute_not_exists(revokedAt)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            ExpressionAttributeValues: { ':at': at, ':by': pausedBy },
          },
          undefined,
          activity,
          email ? [items.linkPausedEmail(email)] : [],
        ),
      ));
      // Then each counter on its own (a join holds one at a time, so each is soon free; all at once seldom are under a flood), also
      // when the link as read carries this very pause already (an earlier attempt stopped before its counters).
      if (paused || madeBefore) await Promise.all(keys.linkCounters(link).map((Key) => retryingConflicts(() => pauseCounter(link.linkId, Key, at))));
      return paused ? 'paused' : 'unchanged';
    },

    async resumeInviteLink(link: InviteLink, activity: ActivityEntry): Promise<'resumed' | 'unchanged'> {
      const resumed = await retryingConflicts(() =>
        linkAndCounters(link, { UpdateExpression: 'REMOVE pausedAt, pausedBy', ConditionExpression: 'attribute_exists(pausedAt)' }, { UpdateExpression: 'REMOVE pausedAt' }, activity),
      );
      return resumed ? 'resumed' : 'unchanged';
    },

    async pauseAllInviteLinks(domainId: string, until: string, adminUserId: string, activity: ActivityEntry): Promise<AdminWriteOutcome> {
      return adminWrite(
        t,
        domainId,
        adminUserId,
        { UpdateExpression: 'SET linksPausedUntil = :until, linksPausedBy = :by', ExpressionAttributeValues: { ':until': until, ':by': adminUserId } },
        // Then every gate, each on its own write (gate-sync.ts): under the flood a pause is for, one transaction over them would seldom land.
        COPY_TO_GATES,
        activity,
      );
    },

    async resumeAllInviteLinks(domainId: string, adminUserId: string, at: string, activity: ActivityEntry): Promise<AdminWriteOutcome> {
      return adminWrite(
        t,
        domainId,
        adminUserId,
        // Only a pause still running is ended (and recorded): one that ran out needs nothing.
        { UpdateExpression: 'REMOVE linksPausedUntil, linksPausedBy', ConditionExpression: 'attribute_exists(#pk) AND linksPausedUntil > :at', ExpressionAttributeValues: { ':at': at } },
        COPY_TO_GATES,
        activity,
      );
    },
  };
}

/** The writes about members: an admin's change or removal of one, and letting someone removed back in. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import { creatorGenerationAttribute } from '../../domain/invite-link.ts';
import type { Timer } from '../../domain/timers.ts';
import type { Membership, MembershipEndingEmail, RemovedMember } from '../../domain/types.ts';
import type { AdminWriteOutcome, MemberChangeOutcome, Store } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { retryingConflicts } from './conflicts.ts';
import { copyToGates, GATE_VERSION_MOVE } from './gate-sync.ts';
import { items } from './items.ts';
import { keys } from './keys.ts';
import { quotaFreed } from './link-writes.ts';
import { TABLE } from './table.ts';
import type { TableAccess } from './table-access.ts';
import { timerPuts } from './timers.ts';

export type MemberWrites = Pick<Store, 'changeMember' | 'allowRejoin' | 'recordMembershipEnding'>;

export function memberWrites(t: TableAccess): MemberWrites {
  return {
    async changeMember(before, after, endLinks, adminUserId, activity, keepOut, timers = []): Promise<MemberChangeOutcome> {
      const outcome = await retryingConflicts(() => changeMemberOnce(t, before, after, endLinks, adminUserId, activity, keepOut, timers));
      // Their links end on the domain first, then on every gate, before the change answers (gate-sync.ts).
      if (outcome === 'done' && endLinks) await copyToGates(t, before.domainId, [creatorGenerationAttribute(before.userId)]);
      return outcome;
    },

    async recordMembershipEnding(email: MembershipEndingEmail): Promise<'written' | 'already' | 'changed'> {
      const { domainId, member, memberUntil } = email;
      try {
        await t.db.send(
          new TransactWriteCommand({
            TransactItems: [
              // Only while the membership still ends then: a date moved or cleared since the timer was read warns of nothing.
              { ConditionCheck: { TableName: t.table, Key: keys.membership(member.userId, domainId), ConditionExpression: 'memberUntil = :until', ExpressionAttributeValues: { ':until': memberUntil } } },
              {
                Put: {
                  TableName: t.table,
                  Item: items.membershipEndingEmail(email),
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                },
              },
            ],
          }),
        );
        return 'written';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [membership, outbox] = reasonCodes(error);
        if (membership === 'ConditionalCheckFailed') return 'changed';
        if (outbox === 'ConditionalCheckFailed') return 'already';
        throw error;
      }
    },

    async allowRejoin(removed: RemovedMember, domainId: string, adminUserId: string, activity: ActivityEntry): Promise<AdminWriteOutcome | 'changed'> {
      const adminCheck = { TableName: t.table, Key: keys.membership(adminUserId, domainId), ConditionExpression: 'isAdmin = :yes', ExpressionAttributeValues: { ':yes': true }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
      try {
        await t.db.send(
          new TransactWriteCommand({
            TransactItems: [
              { ConditionCheck: adminCheck },
              // The claim goes only as it was read: a person removed again meanwhile is another removal.
              { Delete: { TableName: t.table, Key: keys.memberEmail(domainId, removed.email), ConditionExpression: 'rejoinBlocked = :yes AND removedAt = :at', ExpressionAttributeValues: { ':yes': true, ':at': removed.removedAt } } },
              { Put: { TableName: t.table, Item: items.activity(activity) } },
            ],
          }),
        );
        return 'done';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [caller, claim] = reasonCodes(error);
        if (caller === 'ConditionalCheckFailed') return failedItem(error, 0) ? 'not-admin' : 'not-member';
        if (claim === 'ConditionalCheckFailed') return 'changed';
        throw error;
      }
    }
  };
}

async function changeMemberOnce(
  t: TableAccess,
  before: Membership,
  after: Membership | undefined,
  endLinks: boolean,
  adminUserId: string | undefined,
  activity: ActivityEntry,
  keepOut: RemovedMember | undefined,
  timers: readonly Timer[],
): Promise<MemberChangeOutcome> {
  const { domainId, userId } = before;
  const self = adminUserId === userId;
  // The service itself (a membership that ended) has no caller to check.
  const callerChecked = adminUserId !== undefined && !self;
  const adminDelta = (after?.isAdmin ? 1 : 0) - (before.isAdmin ? 1 : 0);
  const read = before.version ?? 0;
  // An admin editing themself: their own admin check rides on the membership write (an item appears once per transaction).
  const unchanged = {
    ConditionExpression: `attribute_exists(#pk) AND ((attribute_not_exists(version) AND :read = :zero) OR version = :read)${self ? ' AND isAdmin = :yes' : ''}`,
    ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    ExpressionAttributeValues: { ':read': read, ':zero': 0, ...(self ? { ':yes': true } : {}) },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  const membershipWrite = after
    ? { Put: { TableName: t.table, Item: items.membership({ ...after, version: read + 1 }), ...unchanged } }
    : { Delete: { TableName: t.table, Key: keys.membership(userId, domainId), ...unchanged } };
  const bump = endLinks ? { assignment: '#creator = if_not_exists(#creator, :zero) + :one', names: { '#creator': creatorGenerationAttribute(userId) } } : undefined;
  // The domain item takes the admin count, and the creator's generation with the gate version (gate-sync.ts), in one update.
  const domainParts = [
    ...(bump ? [GATE_VERSION_MOVE.assignment, bump.assignment] : []),
    ...(adminDelta !== 0 ? ['adminCount = if_not_exists(adminCount, :zero) + :delta'] : []),
  ];
  const domainWrite =
    domainParts.length > 0
      ? {
          Update: {
            TableName: t.table,
            Key: keys.domain(domainId),
            UpdateExpression: `SET ${domainParts.join(', ')}`,
            // The last admin stays: a demotion or removal needs another admin left.
            ConditionExpression: adminDelta < 0 ? 'adminCount > :one' : 'attribute_exists(#pk)',
            ExpressionAttributeNames: { ...(adminDelta < 0 ? {} : { '#pk': TABLE.partitionKey }), ...bump?.names },
            ExpressionAttributeValues: { ':zero': 0, ...(bump || adminDelta < 0 ? { ':one': 1 } : {}), ...(adminDelta !== 0 ? { ':delta': adminDelta } : {}), ...(bump ? GATE_VERSION_MOVE.values : {}) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          },
        }
      : undefined;
  const callerCheck = (caller: string) => ({
    ConditionCheck: {
      TableName: t.table,
      Key: keys.membership(caller, domainId),
      ConditionExpression: 'isAdmin = :yes',
      ExpressionAttributeValues: { ':yes': true },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  });
  const actions = [
    ...(callerChecked ? [callerCheck(adminUserId)] : []),
    membershipWrite,
    ...(domainWrite ? [domainWrite] : []),
    // Removed: the domain lets go of the email, or keeps it, marked, so the person cannot rejoin through a link.
    ...(after ? [] : [keepOut ? { Put: { TableName: t.table, Item: items.removedMember(domainId, keepOut) } } : { Delete: { TableName: t.table, Key: keys.memberEmail(domainId, before.email) } }]),
    ...(bump ? [quotaFreed(t, domainId, userId)] : []),
    { Put: { TableName: t.table, Item: items.activity(activity) } },
    ...timerPuts(t, timers),
  ];
  const CALLER = callerChecked ? 0 : -1;
  const MEMBER = callerChecked ? 1 : 0;
  const DOMAIN = MEMBER + 1;
  try {
    await t.db.send(new TransactWriteCommand({ TransactItems: actions }));
    return 'done';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const codes = reasonCodes(error);
    if (CALLER >= 0 && codes[CALLER] === 'ConditionalCheckFailed') return failedItem(error, CALLER) ? 'not-admin' : 'not-member';
    if (codes[MEMBER] === 'ConditionalCheckFailed') {
      const now = failedItem<Membership>(error, MEMBER);
      if (!now) return 'gone';
      return self && !now.isAdmin ? 'not-admin' : 'changed';
    }
    if (domainWrite && codes[DOMAIN] === 'ConditionalCheckFailed') return failedItem(error, DOMAIN) ? 'last-admin' : 'not-member';
    throw error;
  }
}

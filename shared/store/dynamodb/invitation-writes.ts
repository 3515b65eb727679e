/**
 * The writes about invitations by email: making one, resending it, revoking it, each one
 * transaction that names what refused it. A request's sender takes their day's sendings in one
 * write before its invitations are made (so its transactions, run side by side, never hold the
 * same count) and gives back what it did not use.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import type { Invitation, InvitationEmail } from '../../domain/types.ts';
import type { AddressHolder, InvitationCreated, InvitationQuota, InvitationResent, NewInvitation, Store } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { retryingConflicts } from './conflicts.ts';
import { INVITATION_QUOTA_TTL_SECONDS, items } from './items.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import type { TableAccess, TransactItem } from './table-access.ts';

export type InvitationWrites = Pick<Store, 'reserveSendings' | 'returnSendings' | 'createInvitation' | 'resendInvitation' | 'revokeInvitation'>;

const PK_NAME = { '#pk': TABLE.partitionKey };
const ttlOfDay = (day: string) => Math.floor(Date.parse(`${day}T00:00:00.000Z`) / 1000) + INVITATION_QUOTA_TTL_SECONDS;

export function invitationWrites(t: TableAccess): InvitationWrites {
  const put = (Item: Record<string, unknown>, ConditionExpression?: string): TransactItem => ({
    Put: { TableName: t.table, Item, ...(ConditionExpression ? { ConditionExpression, ExpressionAttributeNames: PK_NAME } : {}) },
  });

  /** One more sending today on a day's count, only while it is under its cap. */
  const oneMore = (Key: Record<string, string>, day: string, cap: number): TransactItem => ({
    Update: {
      TableName: t.table,
      Key,
      UpdateExpression: 'SET entityType = :type, #ttl = :ttl ADD sent :one',
      ConditionExpression: 'attribute_not_exists(sent) OR sent < :cap',
      ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
      ExpressionAttributeValues: { ':type': ENTITY.InvitationQuota, ':ttl': ttlOfDay(day), ':one': 1, ':cap': cap },
    },
  });
  const recipientSending = (quota: InvitationQuota, email: string) => oneMore(keys.recipientInvitationQuota(email, quota.day), quota.day, quota.perRecipient);
  const senderSending = (quota: InvitationQuota, domainId: string) => oneMore(keys.creatorInvitationQuota(domainId, quota.senderId, quota.day), quota.day, quota.perCreator);

  return {
    async reserveSendings(domainId: string, quota: InvitationQuota, wanted: number): Promise<number> {
      const Key = keys.creatorInvitationQuota(domainId, quota.senderId, quota.day);
      let asked = Math.min(wanted, quota.perCreator);
      while (asked > 0) {
        try {
          await t.db.send(
            new UpdateCommand({
              TableName: t.table,
              Key,
              UpdateExpression: 'SET entityType = :type, #ttl = :ttl ADD sent :asked',
              ConditionExpression: 'attribute_not_exists(sent) OR sent <= :room',
              ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
              ExpressionAttributeValues: { ':type': ENTITY.InvitationQuota, ':ttl': ttlOfDay(quota.day), ':asked': asked, ':room': quota.perCreator - asked },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return asked;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          // What is left of the day, as the count stood: another request may take it first, then ask again.
          const sent = Number(error.Item?.sent?.N ?? quota.perCreator);
          asked = Math.min(asked - 1, quota.perCreator - sent);
        }
      }
      return 0;
    },

    async returnSendings(domainId: string, quota: InvitationQuota, unused: number): Promise<void> {
      if (unused <= 0) return;
      await t.db.send(
        new UpdateCommand({
          TableName: t.table,
          Key: keys.creatorInvitationQuota(domainId, quota.senderId, quota.day),
          UpdateExpression: 'ADD sent :back',
          ConditionExpression: 'sent >= :unused',
          ExpressionAttributeValues: { ':back': -unused, ':unused': unused },
        }),
      ).catch((error: unknown) => {
        // A count TTL already removed (the request ran past midnight UTC) has nothing to give back.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    },

    createInvitation(write: NewInvitation): Promise<InvitationCreated> {
      const { invitation, replacing } = write;
      const address: TransactItem = {
        Put: {
          TableName: t.table,
          Item: items.invitationAddress(invitation),
          // One pending invitation per address; an expired one gives way, and so does one that ended with its creator's authority.
          ConditionExpression: `attribute_not_exists(#pk) OR expiresAt <= :now${replacing ? ' OR invitationId = :replacing' : ''}`,
          ExpressionAttributeNames: PK_NAME,
          ExpressionAttributeValues: { ':now': invitation.createdAt, ...(replacing ? { ':replacing': replacing } : {}) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
      const transaction = [
        put(items.invitation(invitation), 'attribute_not_exists(#pk)'),
        address,
        recipientSending(write.quota, invitation.email),
        put(items.invitationToken(invitation), 'attribute_not_exists(#pk)'),
        put(items.invitationEmail(write.email)),
        put(items.activity(write.activity)),
      ];
      return retryingConflicts(async () => {
        try {
          await t.db.send(new TransactWriteCommand({ TransactItems: transaction }));
          return { outcome: 'created' };
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const codes = reasonCodes(error);
          if (codes[1] === 'ConditionalCheckFailed') {
            const holder = failedItem<AddressHolder>(error, 1);
            return { outcome: 'already-invited', ...(holder ? { holder } : {}) };
          }
          if (codes[2] === 'ConditionalCheckFailed') return { outcome: 'recipient-quota' };
          throw error;
        }
      });
    },

    resendInvitation(before: Invitation, after: Invitation, email: InvitationEmail, activity: ActivityEntry, quota: InvitationQuota): Promise<InvitationResent> {
      const transaction: TransactItem[] = [
        {
          Update: {
            TableName: t.table,
            Key: keys.invitation(before.invitationId),
            UpdateExpression: 'SET tokenHash = :new, sendCount = :count, lastSentAt = :at, expiresAt = :expires',
            // Pending, and still on the token read: a resend or an accept racing this one wins or loses whole.
            ConditionExpression: 'tokenHash = :old AND attribute_not_exists(revokedAt) AND attribute_not_exists(acceptedAt) AND expiresAt > :at',
            ExpressionAttributeValues: { ':new': after.tokenHash, ':count': after.sendCount, ':at': after.lastSentAt, ':expires': after.expiresAt, ':old': before.tokenHash },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          // The address stays held for as long as the invitation now lives.
          Update: {
            TableName: t.table,
            Key: keys.invitationAddress(before.domainId, before.email),
            UpdateExpression: 'SET expiresAt = :expires, #ttl = :ttl',
            ConditionExpression: 'invitationId = :id',
            ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ':expires': after.expiresAt, ':ttl': items.invitationAddress(after)[TABLE.ttlAttribute], ':id': before.invitationId },
          },
        },
        // The old token item stays until its TTL: dead by the invitation's new tokenHash, its link says it was sent again.
        put(items.invitationToken(after), 'attribute_not_exists(#pk)'),
        senderSending(quota, before.domainId),
        recipientSending(quota, before.email),
        put(items.invitationEmail(email)),
        put(items.activity(activity)),
      ];
      return retryingConflicts(async () => {
        try {
          await t.db.send(new TransactWriteCommand({ TransactItems: transaction }));
          return 'resent';
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const codes = reasonCodes(error);
          if (codes[0] === 'ConditionalCheckFailed') return failedItem<Invitation>(error, 0)?.tokenHash === before.tokenHash ? 'not-pending' : 'changed';
          if (codes[1] === 'ConditionalCheckFailed') return 'not-pending';
          if (codes[3] === 'ConditionalCheckFailed') return 'creator-quota';
          if (codes[4] === 'ConditionalCheckFailed') return 'recipient-quota';
          throw error;
        }
      });
    },

    revokeInvitation(invitation: Invitation, at: string, by: string, activity?: ActivityEntry): Promise<'revoked' | 'changed'> {
      const send = (freeAddress: boolean) =>
        t.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: t.table,
                  Key: keys.invitation(invitation.invitationId),
                  UpdateExpression: 'SET revokedAt = :at, revokedBy = :by',
                  // On the token read; its token item stays until its TTL, so the old link says it was withdrawn.
                  ConditionExpression: 'tokenHash = :hash AND attribute_not_exists(revokedAt) AND attribute_not_exists(acceptedAt)',
                  ExpressionAttributeValues: { ':at': at, ':by': by, ':hash': invitation.tokenHash },
                },
              },
              ...(activity ? [put(items.activity(activity))] : []),
              // Only its own claim: an address another invitation has taken since is left to that one.
              ...(freeAddress
                ? [{ Delete: { TableName: t.table, Key: keys.invitationAddress(invitation.domainId, invitation.email), ConditionExpression: 'invitationId = :id', ExpressionAttributeValues: { ':id': invitation.invitationId } } }]
                : []),
            ],
          }),
        );
      return retryingConflicts(async () => {
        try {
          await send(true);
          return 'revoked';
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const codes = reasonCodes(error);
          if (codes[0] === 'ConditionalCheckFailed') return 'changed';
          if (codes.at(-1) !== 'ConditionalCheckFailed') throw error;
          await send(false);
          return 'revoked';
        }
      });
    },
  };
}

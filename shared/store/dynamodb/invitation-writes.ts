/** The writes about invitations by email: making one, resending it, revoking it, each one transaction that names what refused it. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import type { Invitation, InvitationEmail } from '../../domain/types.ts';
import type { AddressHolder, InvitationCreated, InvitationQuota, InvitationResent, NewInvitation, Store } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { retryingConflicts } from './conflicts.ts';
import { INVITATION_QUOTA_TTL_SECONDS, items } from './items.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import type { TableAccess, TransactItem } from './table-access.ts';

export type InvitationWrites = Pick<Store, 'createInvitation' | 'resendInvitation' | 'revokeInvitation'>;

const PK_NAME = { '#pk': TABLE.partitionKey };
const ttlOfDay = (day: string) => Math.floor(Date.parse(`${day}T00:00:00.000Z`) / 1000) + INVITATION_QUOTA_TTL_SECONDS;

export function invitationWrites(t: TableAccess): InvitationWrites {
  const put = (Item: Record<string, unknown>, ConditionExpression?: string): TransactItem => ({
    Put: { TableName: t.table, Item, ...(ConditionExpression ? { ConditionExpression, ExpressionAttributeNames: PK_NAME } : {}) },
  });

  /** One more sending today, for the sender and for the recipient, each only while under its cap. */
  const sendings = (quota: InvitationQuota, domainId: string, email: string): TransactItem[] =>
    [
      { Key: keys.creatorInvitationQuota(domainId, quota.senderId, quota.day), cap: quota.perCreator },
      { Key: keys.recipientInvitationQuota(email, quota.day), cap: quota.perRecipient },
    ].map(({ Key, cap }) => ({
      Update: {
        TableName: t.table,
        Key,
        UpdateExpression: 'SET entityType = :type, #ttl = :ttl ADD sent :one',
        ConditionExpression: 'attribute_not_exists(sent) OR sent < :cap',
        ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':type': ENTITY.InvitationQuota, ':ttl': ttlOfDay(quota.day), ':one': 1, ':cap': cap },
      },
    }));

  return {
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
        ...sendings(write.quota, invitation.domainId, invitation.email),
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
          if (codes[2] === 'ConditionalCheckFailed') return { outcome: 'creator-quota' };
          if (codes[3] === 'ConditionalCheckFailed') return { outcome: 'recipient-quota' };
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
        { Delete: { TableName: t.table, Key: keys.invitationToken(before.tokenHash) } },
        put(items.invitationToken(after), 'attribute_not_exists(#pk)'),
        ...sendings(quota, before.domainId, before.email),
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
          if (codes[4] === 'ConditionalCheckFailed') return 'creator-quota';
          if (codes[5] === 'ConditionalCheckFailed') return 'recipient-quota';
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
                  // On the token read, so the token deleted below is the one that works.
                  ConditionExpression: 'tokenHash = :hash AND attribute_not_exists(revokedAt) AND attribute_not_exists(acceptedAt)',
                  ExpressionAttributeValues: { ':at': at, ':by': by, ':hash': invitation.tokenHash },
                },
              },
              { Delete: { TableName: t.table, Key: keys.invitationToken(invitation.tokenHash) } },
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

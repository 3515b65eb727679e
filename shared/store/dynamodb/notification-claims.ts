/**
 * The email claims on the table: one item per email (keys.notificationClaim for a join's,
 * keys.invitationEmailClaim for an invitation's, keys.joinRequestEmailClaim for a join request's,
 * keys.linkPauseClaim for a guard's pause, keys.linkEndingClaim for a link's warning), kept as long as a join record. Taking one is a
 * conditional PutItem, so two attempts never both hold it; settling it is an UpdateItem that only
 * the attempt holding it can make.
 */
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOIN_RECORD_RETENTION_SECONDS } from '../../config.ts';
import type { ClaimedEmail, ClaimOutcome, ClaimStatus, InvitationSending, JoinRequestSending, LinkEndingSending, LinkPauseSending, NotificationClaims } from '../notification-claims.ts';
import { keys, type Key } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';

const claimKey = (email: ClaimedEmail): Key => {
  if ('joinId' in email) return keys.notificationClaim(email.joinId, email.kind);
  if ('invitationId' in email) return keys.invitationEmailClaim(email.invitationId, email.sendCount);
  if ('requestId' in email) return keys.joinRequestEmailClaim(email.requestId, email.kind, email.writtenAt, email.to);
  if ('memberUntil' in email) return keys.membershipEndingClaim(email.domainId, email.userId, email.memberUntil, email.to);
  if ('ending' in email) return keys.linkEndingClaim(email.linkId, email.ending);
  return keys.linkPauseClaim(email.linkId, email.pausedAt, email.to);
};

/** What the claim item says it is for, beside its keys. */
const claimFields = (email: ClaimedEmail) => ('joinId' in email ? { joinId: email.joinId } : email);

const outboxKey = (email: InvitationSending | JoinRequestSending | LinkPauseSending | LinkEndingSending): Key => {
  if ('invitationId' in email) return keys.invitationEmail(email.invitationId, email.sendCount);
  if ('requestId' in email) return keys.joinRequestEmail(email.requestId, email.kind, email.writtenAt);
  if ('ending' in email) return keys.linkEndingEmail(email.linkId, email.ending);
  return keys.linkPausedEmail(email.linkId, email.pausedAt);
};

/** `staleAfterSeconds`: a claim still 'sending' after this long was left by a crash and may be taken again. */
export function dynamoNotificationClaims(db: DynamoDBDocumentClient, table: string, { staleAfterSeconds }: { staleAfterSeconds: number }): NotificationClaims {
  async function settle(email: ClaimedEmail, status: ClaimStatus, now: Date, extra: Record<string, string> = {}): Promise<void> {
    const fields = { status, settledAt: now.toISOString(), ...extra };
    const names = Object.keys(fields);
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: claimKey(email),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        // Only the attempt holding the claim settles it.
        ConditionExpression: '#f0 = :sending',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
        ExpressionAttributeValues: { ':sending': 'sending', ...Object.fromEntries(Object.values(fields).map((v, i) => [`:v${i}`, v])) },
      }),
    );
  }

  return {
    async claim(email, now): Promise<ClaimOutcome> {
      const staleBefore = new Date(now.getTime() - staleAfterSeconds * 1000).toISOString();
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...claimKey(email),
              entityType: ENTITY.NotificationClaim,
              [TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + JOIN_RECORD_RETENTION_SECONDS,
              ...claimFields(email),
              status: 'sending' satisfies ClaimStatus,
              claimedAt: now.toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #status = :failed OR (#status = :sending AND claimedAt < :staleBefore)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#status': 'status' },
            ExpressionAttributeValues: { ':failed': 'failed', ':sending': 'sending', ':staleBefore': staleBefore },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const current = (error as { Item?: Record<string, { S?: string }> }).Item?.status?.S;
        return current === 'sending' ? 'in-flight' : 'already-settled';
      }
    },
    sent: (email, to, messageId, now) => settle(email, 'sent', now, { sentTo: to, messageId }),
    noRecipient: (email, now) => settle(email, 'no-recipient', now),
    failed: (email, reason, now) => settle(email, 'failed', now, { failure: reason.slice(0, 500) }),
    async clearOutbox(email) {
      await db.send(new DeleteCommand({ TableName: table, Key: outboxKey(email) }));
    },
  };
}

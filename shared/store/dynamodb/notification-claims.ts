/**
 * The email claims on the table: one item per join and email (keys.notificationClaim), kept as long
 * as the join record. Taking one is a conditional PutItem, so two attempts never both hold it;
 * settling it is an UpdateItem that only the attempt holding it can make.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOIN_RECORD_RETENTION_SECONDS } from '../../config.ts';
import type { ClaimOutcome, ClaimStatus, EmailKind, NotificationClaims } from '../notification-claims.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';

/** `staleAfterSeconds`: a claim still 'sending' after this long was left by a crash and may be taken again. */
export function dynamoNotificationClaims(db: DynamoDBDocumentClient, table: string, { staleAfterSeconds }: { staleAfterSeconds: number }): NotificationClaims {
  async function settle(joinId: string, kind: EmailKind, status: ClaimStatus, now: Date, extra: Record<string, string> = {}): Promise<void> {
    const fields = { status, settledAt: now.toISOString(), ...extra };
    const names = Object.keys(fields);
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.notificationClaim(joinId, kind),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        // Only the attempt holding the claim settles it.
        ConditionExpression: '#f0 = :sending',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
        ExpressionAttributeValues: { ':sending': 'sending', ...Object.fromEntries(Object.values(fields).map((v, i) => [`:v${i}`, v])) },
      }),
    );
  }

  return {
    async claim(joinId, kind, now): Promise<ClaimOutcome> {
      const staleBefore = new Date(now.getTime() - staleAfterSeconds * 1000).toISOString();
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...keys.notificationClaim(joinId, kind),
              entityType: ENTITY.NotificationClaim,
              [TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + JOIN_RECORD_RETENTION_SECONDS,
              joinId,
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
    sent: (joinId, kind, to, messageId, now) => settle(joinId, kind, 'sent', now, { sentTo: to, messageId }),
    noRecipient: (joinId, kind, now) => settle(joinId, kind, 'no-recipient', now),
    failed: (joinId, kind, reason, now) => settle(joinId, kind, 'failed', now, { failure: reason.slice(0, 500) }),
  };
}

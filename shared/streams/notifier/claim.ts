/**
 * The idempotency claim: one item per join and email (keys.notificationClaim: the creator's, the
 * joiner's welcome) that says whether it was sent. Taking it is a conditional PutItem, so a
 * replayed record finds it and sends nothing.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOIN_RECORD_RETENTION_SECONDS } from '../../config.ts';
import { keys } from '../../store/dynamodb/keys.ts';
import { ENTITY, NOTIFIER_DELIVERY, TABLE } from '../../store/dynamodb/table.ts';

export type ClaimStatus = 'sending' | 'sent' | 'no-recipient' | 'failed';

/** What claiming found: ours to send, or already settled (or being sent right now) by another attempt. */
export type ClaimOutcome = 'claimed' | 'already-settled' | 'in-flight';
/** Which email of a join: the signup email to the link's creator, or the welcome to the person who joined. */
export type EmailKind = 'creator' | 'welcome';

export class ClaimInFlight extends Error {
  override readonly name = 'ClaimInFlight';
}

export class NotificationClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Takes the claim if there is none, the last attempt failed, or a 'sending' claim is old enough to be a crash's leftover. */
  async claim(joinId: string, kind: EmailKind, now: Date): Promise<ClaimOutcome> {
    const staleBefore = new Date(now.getTime() - NOTIFIER_DELIVERY.claimStaleAfterSeconds * 1000).toISOString();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.notificationClaim(joinId, kind),
            entityType: ENTITY.NotificationClaim,
            [TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + JOIN_RECORD_RETENTION_SECONDS,
            joinId,
            status: 'sending' satisfies ClaimStatus,
            claimedAt: now.toISOString(),
          },
          ConditionExpression:
            'attribute_not_exists(#pk) OR #status = :failed OR (#status = :sending AND claimedAt < :staleBefore)',
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
  }

  sent(joinId: string, kind: EmailKind, to: string, messageId: string, now: Date): Promise<void> {
    return this.settle(joinId, kind, 'sent', now, { sentTo: to, messageId });
  }

  noRecipient(joinId: string, kind: EmailKind, now: Date): Promise<void> {
    return this.settle(joinId, kind, 'no-recipient', now);
  }

  /** Lets the next attempt take the claim again; the record itself is reported failed. */
  failed(joinId: string, kind: EmailKind, reason: string, now: Date): Promise<void> {
    return this.settle(joinId, kind, 'failed', now, { failure: reason.slice(0, 500) });
  }

  private async settle(joinId: string, kind: EmailKind, status: ClaimStatus, now: Date, extra: Record<string, string> = {}): Promise<void> {
    const fields = { status, settledAt: now.toISOString(), ...extra };
    const names = Object.keys(fields);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.notificationClaim(joinId, kind),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        // Only the attempt holding the claim settles it.
        ConditionExpression: '#f0 = :sending',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
        ExpressionAttributeValues: { ':sending': 'sending', ...Object.fromEntries(Object.values(fields).map((v, i) => [`:v${i}`, v])) },
      }),
    );
  }
}

/**
 * The notifier's email claims as the store keeps them, on DynamoDB Local: each row of the claim
 * table in docs/notifications.md ("Delivery guarantees"), for each of a join's two emails.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../local/table.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { JOIN_RECORD_RETENTION_SECONDS } from '../../shared/config.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';
import { dynamoNotificationClaims } from '../../shared/store/dynamodb/notification-claims.ts';
import type { EmailKind, NotificationClaims } from '../../shared/store/notification-claims.ts';
import { CLAIM_STALE_AFTER_SECONDS } from '../../shared/streams/notifier/claim.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';

const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
const db = DynamoDBDocumentClient.from(client);
const table = `claims-${randomUUID()}`;
let claims: NotificationClaims;

const at = (seconds: number) => new Date(Date.UTC(2026, 5, 1, 9, 30) + seconds * 1000);
const newJoin = () => randomUUID();
const stored = async (joinId: string, kind: EmailKind) => (await db.send(new GetCommand({ TableName: table, Key: keys.notificationClaim(joinId, kind), ConsistentRead: true }))).Item;

beforeAll(async () => {
  await ensureTable(client, table);
  claims = dynamoNotificationClaims(db, table, { staleAfterSeconds: CLAIM_STALE_AFTER_SECONDS });
});
afterAll(() => client.destroy());

describe.each<EmailKind>(['creator', 'welcome'])('the %s email\'s claim', (kind) => {
  it('none yet: taken, sending, kept as long as the join record', async () => {
    const joinId = newJoin();
    expect(await claims.claim({ joinId, kind }, at(0))).toBe('claimed');
    expect(await stored(joinId, kind)).toMatchObject({ joinId, status: 'sending', claimedAt: at(0).toISOString(), [TABLE.ttlAttribute]: Math.floor(at(0).getTime() / 1000) + JOIN_RECORD_RETENTION_SECONDS });
  });

  it('sent or no recipient: a replay finds it settled and sends nothing', async () => {
    const [sent, nobody] = [newJoin(), newJoin()];
    await claims.claim({ joinId: sent, kind }, at(0));
    await claims.sent({ joinId: sent, kind }, 'pat@example.test', 'ses-1', at(1));
    await claims.claim({ joinId: nobody, kind }, at(0));
    await claims.noRecipient({ joinId: nobody, kind }, at(1));
    expect(await stored(sent, kind)).toMatchObject({ status: 'sent', sentTo: 'pat@example.test', messageId: 'ses-1', settledAt: at(1).toISOString() });
    expect(await stored(nobody, kind)).toMatchObject({ status: 'no-recipient' });
    // Even long after: a settled claim never goes stale.
    expect(await claims.claim({ joinId: sent, kind }, at(10 * CLAIM_STALE_AFTER_SECONDS))).toBe('already-settled');
    expect(await claims.claim({ joinId: nobody, kind }, at(10 * CLAIM_STALE_AFTER_SECONDS))).toBe('already-settled');
  });

  it('failed: the next attempt takes it again', async () => {
    const joinId = newJoin();
    await claims.claim({ joinId, kind }, at(0));
    await claims.failed({ joinId, kind }, 'Rate exceeded', at(1));
    expect(await stored(joinId, kind)).toMatchObject({ status: 'failed', failure: 'Rate exceeded' });
    expect(await claims.claim({ joinId, kind }, at(2))).toBe('claimed');
  });

  it(`sending, claimed less than ${CLAIM_STALE_AFTER_SECONDS} s ago: in flight, not taken`, async () => {
    const joinId = newJoin();
    await claims.claim({ joinId, kind }, at(0));
    expect(await claims.claim({ joinId, kind }, at(CLAIM_STALE_AFTER_SECONDS - 1))).toBe('in-flight');
    expect(await stored(joinId, kind)).toMatchObject({ claimedAt: at(0).toISOString() });
  });

  it(`sending, claimed ${CLAIM_STALE_AFTER_SECONDS} s ago or more: a crash's leftover, taken again`, async () => {
    const joinId = newJoin();
    await claims.claim({ joinId, kind }, at(0));
    expect(await claims.claim({ joinId, kind }, at(CLAIM_STALE_AFTER_SECONDS + 1))).toBe('claimed');
    expect(await stored(joinId, kind)).toMatchObject({ status: 'sending', claimedAt: at(CLAIM_STALE_AFTER_SECONDS + 1).toISOString() });
  });

  it('is settled only by the attempt holding it: a claim already settled cannot be settled again', async () => {
    const joinId = newJoin();
    await claims.claim({ joinId, kind }, at(0));
    await claims.sent({ joinId, kind }, 'pat@example.test', 'ses-1', at(1));
    await expect(claims.failed({ joinId, kind }, 'late', at(2))).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await stored(joinId, kind)).toMatchObject({ status: 'sent', messageId: 'ses-1' });
  });
});

describe('a join\'s two emails', () => {
  it('have claims of their own: the welcome is taken while the creator\'s is settled, and the other way round', async () => {
    const joinId = newJoin();
    await claims.claim({ joinId, kind: 'creator' }, at(0));
    await claims.sent({ joinId, kind: 'creator' }, 'creator@example.test', 'ses-1', at(1));
    expect(await claims.claim({ joinId, kind: 'welcome' }, at(2))).toBe('claimed');
    expect(await claims.claim({ joinId, kind: 'creator' }, at(3))).toBe('already-settled');
  });
});

describe('the stale window', () => {
  it('is longer than the notifier\'s timeout, so a live attempt never loses its claim', () => {
    expect(CLAIM_STALE_AFTER_SECONDS).toBeGreaterThan(STREAM_CONSUMERS.notifier.delivery.functionTimeoutSeconds);
  });
});

/** The join transaction's edges that DynamoDB Local never produces, with a mocked client. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { backoffMs, JOIN_MAX_ATTEMPTS, joinRetryMs } from '../../shared/store/dynamodb/conflicts.ts';
import { joinInOneTransaction } from '../../shared/store/dynamodb/join.ts';
import { SHARDS } from '../../shared/store/dynamodb/table.ts';

const TABLE = 'invite-links';
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(DynamoDBDocumentClient);
const person = { userId: 'sub-pat', email: 'pat@example.test', firstName: 'Pat', lastName: 'Doe' };
const now = new Date('2026-01-02T00:00:00.000Z');
const link = {
  PK: 'LINK#abc',
  SK: 'LINK',
  entityType: 'InviteLink',
  linkId: 'abc',
  domainId: 'demo',
  userType: 'STANDARD',
  primaryTeamId: 'editors',
  additionalTeamIds: [],
  roleGroupIds: [],
  groupIds: [],
  createdBy: 'u-creator',
  createdByEmail: 'c@example.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-08T00:00:00.000Z',
  generation: 0,
  onboarding: false,
};
const cancelled = (reasons: { Code: string; Item?: Record<string, unknown> }[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: reasons.map((r) => ({ Code: r.Code, ...(r.Item ? { Item: marshall(r.Item) } : {}) })),
  });
const none = { Code: 'None' };

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [link] } });
});

describe('a join that collides with a concurrent one (TransactionConflict)', () => {
  it('is retried after a short jittered wait until it goes through, counting once, without reading the link again', async () => {
    const conflict = cancelled([{ Code: 'TransactionConflict' }, none, none, none, none, none]);
    ddb.on(TransactWriteCommand).rejectsOnce(conflict).rejectsOnce(conflict).resolves({});
    const sleep = vi.fn(async () => undefined);
    const outcome = await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map(), sleep });
    expect(outcome.ok).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('tries again on a counter and a gate other than those another transaction held', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled([{ Code: 'TransactionConflict' }, { Code: 'TransactionConflict' }, none, none, none, none])).resolves({});
    await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map(), sleep: async () => undefined, pick: () => 0 });
    const [first, second] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(first![0]!.Update!.Key).toEqual({ PK: 'USES#abc#0', SK: 'USES' });
    expect(first![1]!.ConditionCheck!.Key).toEqual({ PK: 'GATE#demo#0', SK: 'GATE' });
    expect(second![0]!.Update!.Key).toEqual({ PK: 'USES#abc#1', SK: 'USES' });
    expect(second![1]!.ConditionCheck!.Key).toEqual({ PK: 'GATE#demo#1', SK: 'GATE' });
  });

  it('gives up after a bounded number of attempts as BUSY (503 with Retry-After), never a 500', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'TransactionConflict' }, none, none, none, none, none]));
    const refused = joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map(), sleep: async () => undefined });
    await expect(refused).rejects.toMatchObject({ kind: 'Busy', retryAfterSeconds: expect.any(Number) });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(JOIN_MAX_ATTEMPTS);
  });

  it('holds one random use counter and one random domain gate, never the link or domain item', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map(), pick: (n) => n - 1 });
    const [counter, gate] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(counter!.Update!.Key).toEqual({ PK: `USES#abc#${SHARDS.linkCounters - 1}`, SK: 'USES' });
    expect(gate!.ConditionCheck!.Key).toEqual({ PK: `GATE#demo#${SHARDS.domainGates - 1}`, SK: 'GATE' });
  });

  it('backs off with full jitter, growing and capped', () => {
    expect(backoffMs(1, () => 0.999)).toBeLessThan(25);
    expect(backoffMs(3, () => 0.999)).toBeLessThan(100);
    expect(backoffMs(20, () => 0.999)).toBeLessThan(1000);
    expect(backoffMs(5, () => 0)).toBe(0);
  });

  it('waits only a few milliseconds before its first retry, then at most 200 ms, so the joins that waited longest are not the ones left waiting', () => {
    expect(joinRetryMs(1, () => 0.999)).toBeLessThan(5);
    expect(joinRetryMs(2, () => 0.999)).toBeLessThan(25);
    expect(joinRetryMs(20, () => 0.999)).toBeLessThan(200);
  });
});

describe('a join through a link this instance has read before', () => {
  it('skips the read: one round trip, the profile written unless its own condition says the person has one', async () => {
    const links = new Map();
    ddb.on(TransactWriteCommand).resolves({});
    await joinInOneTransaction(db, TABLE, 'abc', person, now, { links });
    await joinInOneTransaction(db, TABLE, 'abc', { ...person, userId: 'sub-sam', email: 'sam@example.test' }, now, { links });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!.length)).toEqual([6, 6]);
  });

  it('still refuses a link that ended since: its counter says so', async () => {
    const links = new Map();
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }, none, none, none, none, none]));
    await joinInOneTransaction(db, TABLE, 'abc', person, now, { links });
    expect(await joinInOneTransaction(db, TABLE, 'abc', { ...person, userId: 'sub-sam' }, now, { links })).toEqual({ ok: false, reason: 'link-gone' });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});

describe('a join the transaction refuses', () => {
  it('reports the link as its counter was when its condition failed', async () => {
    const revoked = { PK: 'USES#abc#3', SK: 'USES', entityType: 'LinkCounter', linkId: 'abc', useCount: 4, expiresAt: link.expiresAt, revokedAt: '2026-01-01T12:00:00.000Z' };
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: revoked }, none, none, none, none, none]));
    ddb.on(GetCommand).resolves({ Item: { PK: 'DOMAIN#demo', SK: 'DOMAIN', entityType: 'Domain', domainId: 'demo', linksEnabled: true, linkGeneration: 0 } });
    const outcome = await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map() });
    expect(outcome).toMatchObject({ ok: false, reason: 'link-unusable', link: { revokedAt: revoked.revokedAt }, domain: { linksEnabled: true } });
  });

  it('reports a link that vanished (TTL) as gone', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }, none, none, none, none, none]));
    expect(await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map() })).toEqual({ ok: false, reason: 'link-gone' });
  });

  it('reports an existing membership as already-member', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([none, none, { Code: 'ConditionalCheckFailed' }, none, none, none]));
    expect(await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map() })).toEqual({ ok: false, reason: 'already-member' });
  });

  it('reports the email already held in the domain by another identity as already-member', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([none, none, none, { Code: 'ConditionalCheckFailed' }, none, none]));
    expect(await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map() })).toEqual({ ok: false, reason: 'already-member' });
  });

  it("retries when the person's first join elsewhere made their profile a moment ago, then joins without writing it", async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled([none, none, none, none, none, { Code: 'ConditionalCheckFailed' }])).resolves({});
    const outcome = await joinInOneTransaction(db, TABLE, 'abc', person, now, { links: new Map(), sleep: async () => undefined });
    expect(outcome).toMatchObject({ ok: true, membership: { userId: 'sub-pat', email: 'pat@example.test' } });
    const [first, second] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(first).toHaveLength(6);
    expect(second).toHaveLength(5);
  });
});

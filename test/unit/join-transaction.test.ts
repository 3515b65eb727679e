/** The join's commit: the edges of its transaction that DynamoDB Local never produces, with a mocked client. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { backoffMs, JOIN_MAX_ATTEMPTS, joinRetryMs } from '../../shared/store/dynamodb/conflicts.ts';
import { planInvitationJoin, planJoin } from '../../shared/domain/join.ts';
import type { Invitation, InviteLink } from '../../shared/domain/types.ts';
import { commitJoin, linkForJoin, type JoinOptions } from '../../shared/store/dynamodb/join.ts';
import { TableAccess } from '../../shared/store/dynamodb/table-access.ts';
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
const t = new TableAccess(db, TABLE);

/** What the join use case does with the store: read the link, plan, commit; the commit's answer. */
async function joinInOneTransaction(joiner: typeof person, options: JoinOptions) {
  const read = await linkForJoin(t, 'abc', joiner.userId, options);
  if (!read.link) return { refused: 'no link' };
  const plan = planJoin(read.link as InviteLink, joiner, now, { joinId: 'join-1', isNewUser: read.isNewUser });
  return commitJoin(t, plan.writes, options);
}

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
    const outcome = await joinInOneTransaction(person, { links: new Map(), sleep });
    expect(outcome).toEqual({ done: true });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('tries again on a counter and a gate other than those another transaction held', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled([{ Code: 'TransactionConflict' }, { Code: 'TransactionConflict' }, none, none, none, none])).resolves({});
    await joinInOneTransaction(person, { links: new Map(), sleep: async () => undefined, pick: () => 0 });
    const [first, second] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(first![0]!.Update!.Key).toEqual({ PK: 'USES#abc#0', SK: 'USES' });
    expect(first![1]!.ConditionCheck!.Key).toEqual({ PK: 'GATE#demo#0', SK: 'GATE' });
    expect(second![0]!.Update!.Key).toEqual({ PK: 'USES#abc#1', SK: 'USES' });
    expect(second![1]!.ConditionCheck!.Key).toEqual({ PK: 'GATE#demo#1', SK: 'GATE' });
  });

  it('gives up after a bounded number of attempts as BUSY (503 with Retry-After), never a 500', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'TransactionConflict' }, none, none, none, none, none]));
    const refused = joinInOneTransaction(person, { links: new Map(), sleep: async () => undefined });
    await expect(refused).rejects.toMatchObject({ kind: 'Busy', retryAfterSeconds: expect.any(Number) });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(JOIN_MAX_ATTEMPTS);
  });

  it('holds one random use counter and one random domain gate, never the link or domain item', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await joinInOneTransaction(person, { links: new Map(), pick: (n) => n - 1 });
    const [counter, gate] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(counter!.Update!.Key).toEqual({ PK: `USES#abc#${SHARDS.linkCounters - 1}`, SK: 'USES' });
    expect(gate!.ConditionCheck!.Key).toEqual({ PK: `GATE#demo#${SHARDS.domainGates - 1}`, SK: 'GATE' });
  });

  it('holds one of the counters the link was made with: a crowd’s link has more', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ ...link, counters: SHARDS.crowdLinkCounters }] } });
    ddb.on(TransactWriteCommand).resolves({});
    const asked: number[] = [];
    await joinInOneTransaction(person, { links: new Map(), pick: (n) => (asked.push(n), n - 1) });
    const [counter] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(counter!.Update!.Key).toEqual({ PK: `USES#abc#${SHARDS.crowdLinkCounters - 1}`, SK: 'USES' });
    expect(asked).toContain(SHARDS.crowdLinkCounters);
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
    await joinInOneTransaction(person, { links });
    await joinInOneTransaction({ ...person, userId: 'sub-sam', email: 'sam@example.test' }, { links });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!.length)).toEqual([6, 6]);
  });

  it('still refuses a link that ended since: its counter says so', async () => {
    const links = new Map();
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }, none, none, none, none, none]));
    await joinInOneTransaction(person, { links });
    expect(await joinInOneTransaction({ ...person, userId: 'sub-sam' }, { links })).toEqual({ refused: { write: 'count-use' } });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});

describe('a join the transaction refuses', () => {
  it('names the use count as refused, with the counter as it was when its condition failed', async () => {
    const revoked = { PK: 'USES#abc#3', SK: 'USES', entityType: 'LinkCounter', linkId: 'abc', useCount: 4, expiresAt: link.expiresAt, revokedAt: '2026-01-01T12:00:00.000Z' };
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: revoked }, none, none, none, none, none]));
    expect(await joinInOneTransaction(person, { links: new Map() })).toEqual({ refused: { write: 'count-use', found: { expiresAt: link.expiresAt, revokedAt: revoked.revokedAt } } });
  });

  it('names the use count as refused with nothing found when the link vanished (TTL)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed' }, none, none, none, none, none]));
    expect(await joinInOneTransaction(person, { links: new Map() })).toEqual({ refused: { write: 'count-use' } });
  });

  it('tries the other counters when one has taken its share of maxUses, and names the link used up when all have', async () => {
    const capped = { ...link, maxUses: 2 };
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [capped] } });
    const full = (shard: number) => ({ PK: `USES#abc#${shard}`, SK: 'USES', entityType: 'LinkCounter', linkId: 'abc', useCount: 1, cap: 1, expiresAt: link.expiresAt });
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: full(0) }, none, none, none, none, none]));
    expect(await joinInOneTransaction(person, { links: new Map(), pick: () => 0 })).toEqual({ refused: { write: 'count-use', usedUp: true } });
    // maxUses 2 over 16 counters: only two of them have a share.
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('names the domain gate as refused, with the gate as it was', async () => {
    const gate = { PK: 'GATE#demo#0', SK: 'GATE', entityType: 'DomainGate', domainId: 'demo', linksEnabled: false, linkGeneration: 0 };
    ddb.on(TransactWriteCommand).rejects(cancelled([none, { Code: 'ConditionalCheckFailed', Item: gate }, none, none, none, none]));
    expect(await joinInOneTransaction(person, { links: new Map() })).toEqual({ refused: { write: 'pass-gate', found: { domainId: 'demo', linksEnabled: false, linkGeneration: 0 } } });
  });

  it('names an existing membership', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled([none, none, { Code: 'ConditionalCheckFailed' }, none, none, none]));
    expect(await joinInOneTransaction(person, { links: new Map() })).toEqual({ refused: { write: 'add-membership' } });
  });

  it('names the email already held in the domain, and says when an admin keeps it out', async () => {
    const held = (item: Record<string, unknown>) => cancelled([none, none, none, { Code: 'ConditionalCheckFailed', Item: { PK: 'MEMBER_EMAIL#demo#pat@example.test', SK: 'MEMBER_EMAIL', ...item } }, none, none]);
    ddb.on(TransactWriteCommand).rejectsOnce(held({ userId: 'sub-other' })).rejectsOnce(held({ rejoinBlocked: true }));
    expect(await joinInOneTransaction(person, { links: new Map() })).toEqual({ refused: { write: 'claim-email', found: { rejoinBlocked: false } } });
    expect(await joinInOneTransaction(person, { links: new Map() })).toEqual({ refused: { write: 'claim-email', found: { rejoinBlocked: true } } });
  });

  it("retries when the person's first join elsewhere made their profile a moment ago, then joins without writing it", async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled([none, none, none, none, none, { Code: 'ConditionalCheckFailed' }])).resolves({});
    const outcome = await joinInOneTransaction(person, { links: new Map(), sleep: async () => undefined });
    expect(outcome).toEqual({ done: true });
    const [first, second] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(first).toHaveLength(6);
    expect(second).toHaveLength(5);
  });
});

describe('a join through an email invitation', () => {
  const invitation: Invitation = {
    invitationId: 'inv-1', domainId: 'demo', email: 'pat@example.test', tokenHash: 'hash-now', userType: 'STANDARD', primaryTeamId: 'editors',
    additionalTeamIds: [], roleGroupIds: [], groupIds: [], createdBy: 'u-creator', createdByEmail: 'c@example.test', createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-08T00:00:00.000Z', creatorGeneration: 0, sendCount: 1, lastSentAt: '2026-01-01T00:00:00.000Z',
  };
  const plan = () => planInvitationJoin(invitation, 'hash-now', person, now, { joinId: 'join-1', acceptanceId: 'acc-1', isNewUser: false });

  it('takes the invitation itself and holds a gate that asks nothing of links, frees the address and records the acceptance', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await commitJoin(t, plan().writes, { pick: () => 5 })).toEqual({ done: true });
    const [use, gate, , , release, , accepted] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(use!.Update).toMatchObject({ Key: { PK: 'INVITE#inv-1', SK: 'INVITATION' }, ExpressionAttributeValues: { ':hash': 'hash-now', ':user': 'sub-pat' } });
    expect(gate!.ConditionCheck!.Key).toEqual({ PK: 'GATE#demo#5', SK: 'GATE' });
    expect(gate!.ConditionCheck!.ConditionExpression).not.toMatch(/linksEnabled|linkGeneration/);
    expect(release!.Delete!.Key).toEqual({ PK: 'INVITE_EMAIL#demo#pat@example.test', SK: 'INVITE_EMAIL' });
    expect(accepted!.Put!.Item).toMatchObject({ SK: `${now.toISOString()}#acc-1`, type: 'InvitationAccepted', invitation: { id: 'inv-1' } });
  });

  it('names the invitation as refused, with what it held when its condition failed (a resend: another token)', async () => {
    const held = { PK: 'INVITE#inv-1', SK: 'INVITATION', entityType: 'Invitation', ...invitation, tokenHash: 'hash-after' };
    ddb.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: held }, none, none, none, none, none, none]));
    expect(await commitJoin(t, plan().writes)).toEqual({ refused: { write: 'use-invitation', found: { expiresAt: invitation.expiresAt, tokenHash: 'hash-after' } } });
  });
});

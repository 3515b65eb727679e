/** Concurrent joins never lose or duplicate anything. */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, newPerson, OWNER, when } from '../support/steps.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { SHARDS } from '../../shared/store/dynamodb/table.ts';

const t = useStack();

describe('a link’s use counters', () => {
  /** The link's counters as the table holds them, read as many as any link could have. */
  const countersOf = async (linkId: string) => {
    const found = await Promise.all(
      keys.linkCounters({ linkId, counters: SHARDS.crowdLinkCounters * 2 }).map(async (Key) => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key, ConsistentRead: true }))).Item),
    );
    return found.filter((item) => item !== undefined);
  };

  it('a crowd’s link (no use limit, or 1,000 and more) is made with more counters than any other; their caps add up to maxUses', async () => {
    const grant = { userType: 'STANDARD', primaryTeamId: 'producers' };
    const open = await when(t).linkToken(OWNER);
    const large = await when(t).linkToken(OWNER, { ...grant, maxUses: 5000 });
    const small = await when(t).linkToken(OWNER, { ...grant, maxUses: 999 });
    expect(await countersOf(open.id)).toHaveLength(SHARDS.crowdLinkCounters);
    expect((await countersOf(large.id)).reduce((n, c) => n + Number(c.cap), 0)).toBe(5000);
    expect(await countersOf(large.id)).toHaveLength(SHARDS.crowdLinkCounters);
    expect((await countersOf(small.id)).reduce((n, c) => n + Number(c.cap), 0)).toBe(999);
    expect(await countersOf(small.id)).toHaveLength(SHARDS.linkCounters);
    const { Item } = await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.link(open.id) }));
    expect(Item?.counters).toBe(SHARDS.crowdLinkCounters);
  });
});

describe('parallel joins on one link', () => {
  it('50 people with distinct emails all join exactly once, and the count is 50', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    const people = Array.from({ length: 50 }, () => newPerson('crowd'));
    const results = await Promise.all(people.map((p) => when(t).joinAnswered(token, p)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(new Set(results.map((r) => r.body.userId)).size).toBe(50);

    const listed = (await t.as(OWNER).get(linksPath())).body.items.find((l: { id: string }) => l.id === id);
    expect(listed.useCount).toBe(50);
    const members = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${id}`)).body.items;
    expect(members.map((m: { email: string }) => m.email).sort()).toEqual(people.map((p) => p.email).sort());
  }, 120_000);

  it('20 joins by one person through one link give one 201 and 19 repeats (200, the same membership), one user and one use', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    const person = newPerson('twin');
    const results = await Promise.all(Array.from({ length: 20 }, () => when(t).joinAnswered(token, person)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);

    const listed = (await t.as(OWNER).get(linksPath())).body.items.find((l: { id: string }) => l.id === id);
    expect(listed.useCount).toBe(1);
    const { Item: claim } = await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.memberEmail(DEMO_DOMAIN, person.email) }));
    expect(claim?.userId).toBe(results.find((r) => r.status === 201)!.body.userId);
  }, 120_000);

  it('one new person joining two domains at once becomes one user with two memberships', async () => {
    const demo = await when(t).linkToken(OWNER);
    const other = await when(t).linkToken('owner@other.test', { userType: 'STANDARD', primaryTeamId: 'crew' }, 'other-studio');
    const person = newPerson('both');
    const [a, b] = await Promise.all([when(t).joinAnswered(demo.token, person), when(t).joinAnswered(other.token, person)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.userId).toBe(b.body.userId);
  });
});

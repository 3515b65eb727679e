/**
 * Memberships that end on their own: a link with `membershipDays` makes memberships with a
 * `memberUntil` (and their timers, in the join's own write); an admin moves or clears it; the
 * membership's timers, fired here directly on a clock moved on (the stack's own sweep is off, so
 * nothing fires them behind the test's back), end it as a removal with reason `expired`, skip a
 * date moved since, keep the domain's last admin, and warn the member and the link's creator once.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { advanceClock, now } from '#shared/clock.ts';
import { membershipTimers, memberUntilFor, type Timer } from '#shared/domain/timers.ts';
import { fireMembershipTimer, type MembershipTimer } from '#shared/service/membership-end.ts';
import { dynamoStore } from '#shared/store/dynamodb/dynamo-store.ts';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { SHARDS, TABLE } from '#shared/store/dynamodb/table.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OTHER_DOMAIN, OTHER_OWNER, OWNER, tokenOf, when } from '../support/steps.ts';

const t = useStack({ eventsFeed: false, timerSweep: false });
const DAY_MS = 24 * 3600_000;
const run = Date.now().toString(36);

type StoredEmail = { destination: { to: string[] }; subject: string; body: { text: string } };
const inbox = async () => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;
const usersPath = (domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/users`;
const deps = () => ({ store: dynamoStore(t.db, t.stack.tableName), now });
const memberOf = async (userId: string, domainId = DEMO_DOMAIN, admin = OWNER) =>
  ((await t.as(admin).get(`${usersPath(domainId)}?limit=100`)).body.items as Record<string, any>[]).find((m) => m.userId === userId);
const entries = async (type: string, domainId = DEMO_DOMAIN, admin = OWNER) => (await t.as(admin).get(`/v1/domains/${domainId}/activity?type=${type}`)).body.items as Record<string, any>[];
/** Every timer kept for the member. */
const timersOf = async (userId: string) =>
  (
    await Promise.all(
      Array.from({ length: SHARDS.timers }, async (_, shard) =>
        (await t.db.send(new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': TABLE.partitionKey }, ExpressionAttributeValues: { ':pk': keys.timerPartition(shard) } }))).Items ?? [],
      ),
    )
  )
    .flat()
    .filter((item) => item.userId === userId) as unknown as Timer[];
const timerOf = (kind: MembershipTimer['kind'], userId: string, memberUntil: string, domainId = DEMO_DOMAIN) =>
  membershipTimers(domainId, userId, memberUntil, new Date(0)).find((timer) => timer.kind === kind) as MembershipTimer;

/** Someone joins through a new link of `creator`'s with these settings: their userId and memberUntil as listed. */
async function joinThrough(settings: Record<string, unknown>, creator = OWNER, person = newPerson('contractor')) {
  const made = await when(t).createLink(creator, { userType: 'STANDARD', primaryTeamId: 'producers', ...settings });
  expect(made.status).toBe(201);
  const joined = await when(t).join(tokenOf(made.body.url), person);
  expect(joined.status).toBe(201);
  const member = await memberOf(joined.body.userId);
  return { link: made.body, person, userId: joined.body.userId as string, member: member!, memberUntil: member!.memberUntil as string };
}

describe('a link with membershipDays', () => {
  it('says so in its view, and each membership made through it ends that many days after the join, its timers written with it', async () => {
    const { link, userId, member, memberUntil, person } = await joinThrough({ membershipDays: 30 });
    expect(link.membershipDays).toBe(30);
    expect(memberUntil).toBe(memberUntilFor(member.joinedVia.at, 30));
    // The member sees it too.
    expect((await t.as(person.email).get('/v1/me')).body.memberships).toEqual([expect.objectContaining({ domainId: DEMO_DOMAIN, memberUntil })]);
    const timers = await timersOf(userId);
    expect(timers.map((timer) => [timer.kind, timer.dueAt]).sort()).toEqual([
      ['membership-ended', memberUntil],
      ['membership-ending', new Date(Date.parse(memberUntil) - 3 * DAY_MS).toISOString()],
    ]);
    // A link without it: the membership does not end, and its join writes no timer.
    const plain = await joinThrough({});
    expect(plain.member.memberUntil).toBeUndefined();
    expect(await timersOf(plain.userId)).toEqual([]);
  });

  it('gives a membership approved from a join request its end too, from the approval', async () => {
    const made = await when(t).createLink(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', membershipDays: 5, requireApproval: true });
    const asked = await when(t).join(tokenOf(made.body.url), newPerson('approved'));
    expect(asked.status).toBe(202);
    const approved = await t.as(OWNER).post(`/v1/domains/${DEMO_DOMAIN}/join-requests/${asked.body.requestId}/approve`);
    expect(approved.status).toBe(200);
    const member = (await memberOf(approved.body.userId))!;
    expect(member.memberUntil).toBe(memberUntilFor(member.joinedVia.at, 5));
    expect(await timersOf(approved.body.userId)).toHaveLength(2);
  });

  it('is refused outside 1 to 365 days, naming the field', async () => {
    for (const membershipDays of [0, 366, 1.5]) {
      const res = await when(t).createLink(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', membershipDays });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('membershipDays');
    }
  });
});

describe('an admin moving a membership\'s end', () => {
  it('moves it (new timers in the same write, MemberUpdated says before and after) or clears it', async () => {
    const { userId, memberUntil } = await joinThrough({ membershipDays: 30 });
    const later = new Date(now().getTime() + 90 * DAY_MS).toISOString();
    const moved = await t.as(OWNER).patch(`${usersPath()}/${userId}`, { memberUntil: later });
    expect(moved.status).toBe(200);
    expect(moved.body.memberUntil).toBe(later);
    expect((await memberOf(userId))!.memberUntil).toBe(later);
    expect((await timersOf(userId)).filter((timer) => timer.kind === 'membership-ended').map((timer) => timer.dueAt).sort()).toEqual([memberUntil, later].sort());
    const [updated] = await entries('MemberUpdated');
    expect(updated).toMatchObject({ member: { userId }, before: { memberUntil }, after: { memberUntil: later } });

    const cleared = await t.as(OWNER).patch(`${usersPath()}/${userId}`, { memberUntil: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.memberUntil).toBeUndefined();
    expect((await memberOf(userId))!.memberUntil).toBeUndefined();
  });

  it('is refused for an instant past or more than 5 years ahead, or not an instant, naming the field', async () => {
    const { userId, memberUntil } = await joinThrough({ membershipDays: 30 });
    for (const asked of [new Date(now().getTime() - 60_000).toISOString(), new Date(now().getTime() + 6 * 366 * DAY_MS).toISOString(), 'next week']) {
      const res = await t.as(OWNER).patch(`${usersPath()}/${userId}`, { memberUntil: asked });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('memberUntil');
    }
    expect((await memberOf(userId))!.memberUntil).toBe(memberUntil);
  });
});

describe('a membership\'s end, when its timer fires', () => {
  it('removes the member with reason expired, by the service: their links end and they are kept out', async () => {
    // The link lets them invite, so they have a link of their own that must end with them.
    const { userId, person, memberUntil } = await joinThrough({ membershipDays: 1, roleGroupIds: ['user-managers'] });
    const theirs = await when(t).linkToken(person.email);
    advanceClock(Date.parse(memberUntil) - now().getTime() + 1_000);
    await fireMembershipTimer(deps(), timerOf('membership-ended', userId, memberUntil));

    expect(await memberOf(userId)).toBeUndefined();
    const [removed] = await entries('MemberRemoved');
    expect(removed).toMatchObject({ member: { userId }, reason: 'expired', rejoinBlocked: true });
    expect(removed!.actor).toBeUndefined();
    expect((await when(t).lookup(theirs.token)).body.code).toBe('LINK_REVOKED');
    const keptOut = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/removed-members`)).body.items.find((m: { userId: string }) => m.userId === userId);
    expect(keptOut).toMatchObject({ reason: 'expired' });
    expect(keptOut.removedBy).toBeUndefined();
    const again = await when(t).join((await when(t).linkToken(OWNER)).token, person);
    expect([again.status, again.body.code]).toEqual([403, 'REJOIN_BLOCKED']);
    // Fired again: nothing more.
    await fireMembershipTimer(deps(), timerOf('membership-ended', userId, memberUntil));
    expect((await entries('MemberRemoved')).filter((e) => e.member.userId === userId)).toHaveLength(1);
  });

  it('does nothing once the date was moved: the old timer finds another date', async () => {
    const { userId, memberUntil } = await joinThrough({ membershipDays: 1 });
    const later = new Date(now().getTime() + 20 * DAY_MS).toISOString();
    expect((await t.as(OWNER).patch(`${usersPath()}/${userId}`, { memberUntil: later })).status).toBe(200);
    advanceClock(Date.parse(memberUntil) - now().getTime() + 1_000);
    await fireMembershipTimer(deps(), timerOf('membership-ended', userId, memberUntil));
    expect((await memberOf(userId))?.memberUntil).toBe(later);
  });

  it('keeps the domain\'s last admin: their end is cleared instead (MemberUpdated, by the service)', async () => {
    const owner = (await t.as(OTHER_OWNER).get('/v1/me')).body.userId as string;
    const until = new Date(now().getTime() + DAY_MS).toISOString();
    expect((await t.as(OTHER_OWNER).patch(`${usersPath(OTHER_DOMAIN)}/${owner}`, { memberUntil: until })).status).toBe(200);
    advanceClock(DAY_MS + 1_000);
    await fireMembershipTimer(deps(), timerOf('membership-ended', owner, until, OTHER_DOMAIN));
    const kept = await memberOf(owner, OTHER_DOMAIN, OTHER_OWNER);
    expect(kept).toMatchObject({ isAdmin: true });
    expect(kept!.memberUntil).toBeUndefined();
    const [updated] = await entries('MemberUpdated', OTHER_DOMAIN, OTHER_OWNER);
    expect(updated).toMatchObject({ member: { userId: owner }, before: { memberUntil: until } });
    expect(updated!.actor).toBeUndefined();
    expect(updated!.after.memberUntil).toBeUndefined();
    expect(await entries('MemberRemoved', OTHER_DOMAIN, OTHER_OWNER)).toEqual([]);
  });
});

describe('the warning three days before a membership ends', () => {
  it('is written once, and the notifier emails the member and the link\'s creator once each', async () => {
    const person = { ...newPerson(`ending-${run}`), firstName: 'Cora', lastName: 'Contractor' };
    const { userId, memberUntil } = await joinThrough({ membershipDays: 10 }, MANAGER, person);
    advanceClock(Date.parse(memberUntil) - 3 * DAY_MS - now().getTime() + 1_000);
    const warning = timerOf('membership-ending', userId, memberUntil);
    await fireMembershipTimer(deps(), warning);
    await fireMembershipTimer(deps(), warning);
    const { Items: outbox = [] } = await t.db.send(
      new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': TABLE.partitionKey }, ExpressionAttributeValues: { ':pk': keys.membershipEndingEmail(DEMO_DOMAIN, userId, memberUntil).PK } }),
    );
    expect(outbox.filter((item) => item.entityType === 'MembershipEndingEmail')).toHaveLength(1);

    const about = async () => (await inbox()).filter((e) => e.subject.includes('membership') && (e.destination.to.includes(person.email) || e.subject.startsWith(person.email)));
    const emails = await eventually(about, (found) => found.length >= 2, 20_000);
    const toMember = emails.filter((e) => e.destination.to.includes(person.email));
    const toCreator = emails.filter((e) => e.destination.to.includes(MANAGER));
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.subject).toMatch(/^Your membership of Demo Media Co ends on /);
    expect(toCreator).toHaveLength(1);
    expect(toCreator[0]!.subject).toMatch(new RegExp(`^${person.email.replace(/[.]/g, '\\.')}'s membership ends on `));
    for (const email of [...toMember, ...toCreator]) expect(email.body.text).toContain(`/users?domain=${DEMO_DOMAIN}`);
    // A warning for a date moved since writes nothing.
    expect((await t.as(OWNER).patch(`${usersPath()}/${userId}`, { memberUntil: new Date(now().getTime() + 30 * DAY_MS).toISOString() })).status).toBe(200);
    await fireMembershipTimer(deps(), warning);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await about()).toHaveLength(2);
  });
});

/**
 * Removing a member sticks: the person cannot join again through any link, the standing onboarding
 * link included, until an admin lets them; removal and allowance are events and activity entries.
 */
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/event-bus.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OTHER_OWNER, OWNER, tokenOf, when } from '../support/steps.ts';

const t = useStack();
const removedPath = (domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/removed-members`;
const userPath = (userId: string) => `/v1/domains/${DEMO_DOMAIN}/users/${userId}`;

async function memberThroughOnboarding() {
  const onboarding = await t.as(OWNER).post(`/v1/domains/${DEMO_DOMAIN}/invite-links/onboarding`);
  const token = tokenOf(onboarding.body.url);
  const person = newPerson('removed');
  const joined = await when(t).join(token, person);
  expect(joined.status).toBe(201);
  return { token, person, userId: joined.body.userId as string };
}

/** The bus's events of one type whose detail passes `where`, once there is one. */
const busEvents = async (type: string, where: (detail: { member: { userId: string; email: string } }) => boolean) =>
  eventually(
    async () => ((await (await fetch(`${t.stack.url}/local/events`)).json()) as BusEvent[]).filter((e) => e['detail-type'] === type && where(e.detail as never)),
    (found) => found.length > 0,
    5_000,
  );

describe('a removed member is kept out', () => {
  it('cannot join again through the link that brought them, nor any other, with its own code and words', async () => {
    const { token, person, userId } = await memberThroughOnboarding();
    expect((await t.as(OWNER).delete(userPath(userId))).status).toBe(204);

    const again = await when(t).join(token, person);
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ code: 'REJOIN_BLOCKED', detail: expect.stringContaining('ask one of them') });
    const other = await when(t).linkToken(OWNER);
    expect((await when(t).join(other.token, person)).body.code).toBe('REJOIN_BLOCKED');
    // Nothing was written: they are not a member.
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items.map((m: { email: string }) => m.email)).not.toContain(person.email);
  });

  it('is listed for admins, and joins again once an admin allows it: removal and allowance are events', async () => {
    const { token, person, userId } = await memberThroughOnboarding();
    expect((await t.as(OWNER).delete(userPath(userId))).status).toBe(204);
    const listed = (await t.as(OWNER).get(removedPath())).body.items as { email: string; userId: string; removedBy: string }[];
    const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;
    expect(listed.find((r) => r.email === person.email)).toMatchObject({ userId, firstName: person.firstName, lastName: person.lastName, removedBy: ownerId, removedByEmail: OWNER });

    expect((await t.as(OWNER).post(`${removedPath()}/allow-rejoin`, { email: person.email })).status).toBe(204);
    expect(((await t.as(OWNER).get(removedPath())).body.items as { email: string }[]).map((r) => r.email)).not.toContain(person.email);
    expect((await when(t).join(token, person)).status).toBe(201);

    const removed = await busEvents('MemberRemoved', (d) => d.member.userId === userId);
    const allowed = await busEvents('MemberRejoinAllowed', (d) => d.member.email === person.email);
    expect(removed[0]!.detail).toMatchObject({ rejoinBlocked: true, actor: { email: OWNER } });
    expect(allowed[0]!.detail).toMatchObject({ member: { userId, email: person.email }, actor: { email: OWNER } });
    assertEventSchemas([...removed, ...allowed]);
    const activity = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=MemberRejoinAllowed`)).body.items;
    expect(activity[0]).toMatchObject({ type: 'MemberRejoinAllowed', member: { email: person.email } });
  });

  it('is not kept out when the admin says so at removal', async () => {
    const { token, person, userId } = await memberThroughOnboarding();
    expect((await t.as(OWNER).delete(`${userPath(userId)}?allowRejoin=true`)).status).toBe(204);
    const removed = await busEvents('MemberRemoved', (d) => d.member.userId === userId);
    expect(removed[0]!.detail.rejoinBlocked).toBe(false);
    expect((await when(t).join(token, person)).status).toBe(201);
  });
});

describe('who may see and lift it', () => {
  it('only admins: a member who may invite is refused, another domain is not found, an email nobody was removed with is 404', async () => {
    expect((await t.as(MANAGER).get(removedPath())).status).toBe(403);
    expect((await t.as(MANAGER).post(`${removedPath()}/allow-rejoin`, { email: 'nobody@example.test' })).status).toBe(403);
    expect((await t.as(OTHER_OWNER).get(removedPath())).status).toBe(404);
    expect((await t.as(OWNER).post(`${removedPath()}/allow-rejoin`, { email: 'nobody@example.test' })).status).toBe(404);
    expect((await t.as(OWNER).post(`${removedPath()}/allow-rejoin`, { email: 'not an email' })).body).toMatchObject({ status: 400, field: 'email' });
  });
});

/** At most N live links per creator and M link creations per hour: 429 RATE_LIMITED with Retry-After beyond that. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OWNER, VIEWER, when } from '../support/steps.ts';

beforeAll(() => {
  process.env.LINK_QUOTA_ACTIVE = '3';
  process.env.LINK_QUOTA_PER_HOUR = '5';
});
afterAll(() => {
  delete process.env.LINK_QUOTA_ACTIVE;
  delete process.env.LINK_QUOTA_PER_HOUR;
});
const t = useStack({ notifier: false, eventsFeed: false });

describe('per-person quotas on making links', () => {
  it('refuses a creator’s link beyond the live limit, counts only theirs, and a revoke frees a place', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await when(t).linkToken(MANAGER));
    const refused = await when(t).createLink(MANAGER);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another person's quota is their own.
    expect((await when(t).createLink(OWNER)).status).toBe(201);

    expect((await t.as(MANAGER).delete(`/v1/domains/demo-media-co/invite-links/${made[0]!.id}`)).status).toBe(204);
    expect((await when(t).createLink(MANAGER)).status).toBe(201);
  });

  it('refuses the creation beyond the hourly limit, even after links died', async () => {
    // The owner has made 1 so far; delete-all frees every live place but not this hour's count.
    expect((await when(t).revokeAll()).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await when(t).createLink(OWNER)).status).toBe(201);
    expect((await when(t).revokeAll()).status).toBe(200);
    expect((await when(t).createLink(OWNER)).status).toBe(201);
    const refused = await when(t).createLink(OWNER);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
  });
});

describe('links that end with their creator’s authority free the creator’s places at once', () => {
  // The owner's hourly allowance is spent above: another admin hands out the inviters' places.
  beforeAll(async () => {
    const viewerId = (await t.as(VIEWER).get('/v1/me')).body.userId as string;
    expect((await t.as(OWNER).patch(`/v1/domains/${DEMO_DOMAIN}/users/${viewerId}`, { isAdmin: true })).status).toBe(200);
  });

  /** Someone who joins as a Power user who may invite (User Managers), and fills their live-link places. */
  async function inviterAtTheLimit() {
    const person = newPerson('quota');
    const { token } = await when(t).linkToken(VIEWER, { userType: 'POWER', primaryTeamId: 'editors', roleGroupIds: ['user-managers'] });
    const { userId } = (await when(t).join(token, person)).body as { userId: string };
    for (let i = 0; i < 3; i++) expect((await when(t).createLink(person.email)).status).toBe(201);
    expect((await when(t).createLink(person.email)).status).toBe(429);
    return { email: person.email, userId };
  }

  it('after “delete all of one person’s links”, that person can make a link again at once', async () => {
    const inviter = await inviterAtTheLimit();
    expect((await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: inviter.userId })).status).toBe(200);
    const again = await when(t).createLink(inviter.email);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });

  it('after a demotion that ended their links, the person (still allowed to invite) can make a link again at once', async () => {
    const inviter = await inviterAtTheLimit();
    // Power to Standard: their links handed out more than they now hold, so they all end.
    expect((await t.as(OWNER).patch(`/v1/domains/${DEMO_DOMAIN}/users/${inviter.userId}`, { userType: 'STANDARD' })).status).toBe(200);
    const again = await when(t).createLink(inviter.email, { userType: 'STANDARD', primaryTeamId: 'producers' });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });
});

/**
 * Members can be changed afterwards (admins only), the last admin stays, and a link works only while
 * its creator could still make it. "Delete all of one person's links" is one request.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { answered, DEMO_DOMAIN, linksPath, MANAGER, newPerson, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });
const userPath = (userId: string) => `/v1/domains/${DEMO_DOMAIN}/users/${encodeURIComponent(userId)}`;
const idOf = async (email: string) => (await t.as(email).get('/v1/me')).body.userId as string;

describe('editing and removing members', () => {
  it('lets an admin change a member, answering the user as listed', async () => {
    const person = newPerson('edited');
    const { token } = await when(t).linkToken(OWNER);
    const { userId } = (await when(t).join(token, person)).body;
    const res = await t.as(OWNER).patch(userPath(userId), { userType: 'BROWSE', teamIds: ['marketing', 'editors'], roleGroupIds: ['viewers'], groupIds: ['archive'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId, email: person.email, userType: 'BROWSE', teamIds: ['marketing', 'editors'], roleGroupIds: ['viewers'], groupIds: ['archive'], isAdmin: false });
    const listed = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items.find((u: { userId: string }) => u.userId === userId);
    expect(listed).toEqual(res.body);
  });

  it('refuses non-admins (403), unknown members (404), unknown ids (422) and empty changes (400)', async () => {
    const viewerId = await idOf(VIEWER);
    expect((await t.as(MANAGER).patch(userPath(viewerId), { userType: 'STANDARD' })).status).toBe(403);
    expect((await t.as(MANAGER).delete(userPath(viewerId))).status).toBe(403);
    expect((await t.as(OWNER).patch(userPath('u-nobody'), { userType: 'STANDARD' })).status).toBe(404);
    expect((await t.as(OWNER).patch(userPath(viewerId), { teamIds: ['nope'] })).body).toMatchObject({ status: 422, code: 'UNKNOWN_REFERENCE' });
    expect((await t.as(OWNER).patch(userPath(viewerId), {})).body).toMatchObject({ status: 400 });
    expect((await t.as(OWNER).patch(userPath(viewerId), { isAdmin: 'yes' })).body).toMatchObject({ status: 400, field: 'isAdmin' });
  });

  it('keeps the last admin: no demotion or removal leaves the domain without one (409 LAST_ADMIN)', async () => {
    const ownerId = await idOf(OWNER);
    expect((await t.as(OWNER).patch(userPath(ownerId), { isAdmin: false })).body).toMatchObject({ status: 409, code: 'LAST_ADMIN' });
    expect((await t.as(OWNER).delete(userPath(ownerId))).body).toMatchObject({ status: 409, code: 'LAST_ADMIN' });
    // With a second admin, either may step down.
    const viewerId = await idOf(VIEWER);
    expect((await t.as(OWNER).patch(userPath(viewerId), { isAdmin: true })).body).toMatchObject({ isAdmin: true });
    expect((await t.as(VIEWER).patch(userPath(ownerId), { isAdmin: false })).status).toBe(200);
    expect((await t.as(VIEWER).patch(userPath(viewerId), { isAdmin: false })).body).toMatchObject({ status: 409, code: 'LAST_ADMIN' });
    expect((await t.as(VIEWER).patch(userPath(ownerId), { isAdmin: true })).status).toBe(200);
    expect((await t.as(OWNER).patch(userPath(viewerId), { isAdmin: false, userType: 'BROWSE' })).status).toBe(200);
  });

  it('removes a member from the domain only: the person keeps their account', async () => {
    const person = newPerson('removed');
    const { token } = await when(t).linkToken(OWNER);
    const { userId } = (await when(t).join(token, person)).body;
    expect((await t.as(OWNER).delete(`${userPath(userId)}?allowRejoin=true`)).status).toBe(204);
    expect((await t.as(person.email).get('/v1/me')).body).toMatchObject({ userId, memberships: [] });
    // Removed without being kept out (removal.test.ts has the default): the email is free again in this domain.
    const again = await when(t).linkToken(OWNER);
    expect((await when(t).join(again.token, person)).status).toBe(201);
  });
});

describe('a link works only while its creator could still make it', () => {
  it('a manager who loses the invite role group loses their links (410 LINK_REVOKED); the owner’s links live on', async () => {
    const managerId = await idOf(MANAGER);
    const mine = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers' });
    const owners = await when(t).linkToken(OWNER);
    expect((await t.as(OWNER).patch(userPath(managerId), { roleGroupIds: ['viewers'] })).status).toBe(200);
    expect((await when(t).lookup(mine.token)).body).toMatchObject({ status: 410, code: 'LINK_REVOKED' });
    expect((await when(t).join(mine.token)).body).toMatchObject({ status: 410, code: 'LINK_REVOKED' });
    expect((await when(t).join(owners.token)).status).toBe(201);
    // Given the role group back, the old link stays dead, and new ones work.
    expect((await t.as(OWNER).patch(userPath(managerId), { roleGroupIds: ['user-managers'] })).status).toBe(200);
    expect((await when(t).join(mine.token)).status).toBe(410);
    const fresh = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers' });
    expect((await when(t).join(fresh.token)).status).toBe(201);
  });

  it('an edit that takes nothing away keeps the links', async () => {
    const managerId = await idOf(MANAGER);
    const link = await when(t).linkToken(MANAGER, { userType: 'BROWSE', primaryTeamId: 'producers' });
    expect((await t.as(OWNER).patch(userPath(managerId), { teamIds: ['producers'], userType: 'POWER' })).status).toBe(200);
    expect((await when(t).join(link.token)).status).toBe(201);
    expect((await t.as(OWNER).patch(userPath(managerId), { teamIds: ['editors'], userType: 'STANDARD' })).status).toBe(200);
  });

  it('no join succeeds through a creator’s link after the edit that ended it returned, under parallel joins', async () => {
    const managerId = await idOf(MANAGER);
    const link = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers' });
    let editedAt = Infinity;
    const joins = Array.from({ length: 12 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 15));
      const startedAt = performance.now();
      const res = await when(t).join(link.token);
      return { startedAt, status: res.status };
    });
    const edit = (async () => {
      await new Promise((r) => setTimeout(r, 60));
      // The edit holds every gate the joins pass: amid them it may answer BUSY, and a client tries again.
      expect((await answered(() => t.as(OWNER).patch(userPath(managerId), { userType: 'BROWSE' }))).status).toBe(200);
      editedAt = performance.now();
    })();
    const results = await Promise.all(joins);
    await edit;
    expect(results.filter((r) => r.startedAt > editedAt && r.status === 201)).toEqual([]);
    expect((await t.as(OWNER).patch(userPath(managerId), { userType: 'STANDARD' })).status).toBe(200);
  });
});

describe('deleting all of one person’s links', () => {
  it('kills that creator’s links only, in one request, and is for admins', async () => {
    const managerId = await idOf(MANAGER);
    const managers = [await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers' }), await when(t).linkToken(MANAGER, { userType: 'BROWSE', primaryTeamId: 'producers' })];
    const owners = await when(t).linkToken(OWNER);
    expect((await t.as(MANAGER).post(`${linksPath()}/revoke-all`, { createdBy: managerId })).status).toBe(403);
    const res = await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: managerId });
    expect(res.body).toMatchObject({ createdBy: managerId });
    for (const { token } of managers) expect((await when(t).join(token)).body).toMatchObject({ status: 410, code: 'LINK_REVOKED' });
    expect((await when(t).join(owners.token)).status).toBe(201);
    const listed = (await t.as(OWNER).get(linksPath())).body.items.map((l: { createdBy: string }) => l.createdBy);
    expect(listed).not.toContain(managerId);
  });
});

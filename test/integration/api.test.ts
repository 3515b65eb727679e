/** Every route of the contract's API table, through the HTTP front door. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack();
const base = `/v1/domains/${DEMO_DOMAIN}`;

describe('GET /v1/me', () => {
  it('tells a signed-in user who they are and where they belong', async () => {
    const res = await t.as(MANAGER).get('/v1/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: expect.any(String),
      email: MANAGER,
      memberships: [
        {
          domainId: DEMO_DOMAIN,
          domainName: 'Demo Media Co',
          userType: 'STANDARD',
          isAdmin: false,
          permissions: ['users:create'],
          teams: [{ id: 'editors', name: 'Editors' }],
          primaryTeamId: 'editors',
          roleGroups: [{ id: 'user-managers', name: 'User Managers' }],
          groups: [],
        },
      ],
      joinRequests: [],
    });
  });

  it('gives a viewer no permissions', async () => {
    const res = await t.as(VIEWER).get('/v1/me');
    expect(res.body.memberships[0]).toMatchObject({ userType: 'BROWSE', isAdmin: false, permissions: [] });
  });
});

describe('the invite modal feeds', () => {
  it('lists the teams, the default one marked', async () => {
    const res = await t.as(OWNER).get(`${base}/teams`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: 'editors', name: 'Editors', isDefault: true },
      { id: 'marketing', name: 'Marketing', isDefault: false },
      { id: 'producers', name: 'Producers', isDefault: false },
    ]);
  });

  it('lists role groups with what the caller may hand out', async () => {
    const res = await t.as(MANAGER).get(`${base}/role-groups`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((g: { name: string; assignable: boolean }) => [g.name, g.assignable])).toEqual([
      ['Contributors', false],
      ['User Managers', true],
      ['Viewers', false],
    ]);
  });

  it('lists legacy groups', async () => {
    const res = await t.as(OWNER).get(`${base}/groups`);
    expect(res.body).toEqual({ items: [{ id: 'archive', name: 'Archive' }] });
  });
});

describe('GET /v1/domains/{domainId}/users', () => {
  it('lists the members, and who joined through which link', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    const person = newPerson('listed');
    expect((await when(t).join(token, person)).status).toBe(201);

    const all = await t.as(OWNER).get(`${base}/users`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining([OWNER, MANAGER, VIEWER, person.email]));
    const joined = all.body.items.find((u: { email: string }) => u.email === person.email);
    expect(joined).toMatchObject({ userType: 'STANDARD', teamIds: ['producers'], roleGroupIds: [], groupIds: [], joinedVia: { linkId: id, at: expect.any(String) } });

    const filtered = await t.as(OWNER).get(`${base}/users?inviteLinkId=${id}`);
    expect(filtered.body.items.map((u: { email: string }) => u.email)).toEqual([person.email]);
  });
});

describe('invite-link settings', () => {
  it('are readable by members who may invite', async () => {
    const res = await t.as(MANAGER).get(`${base}/settings/invite-links`);
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(true);
  });

  it('are changed by an admin, who is recorded', async () => {
    const off = await when(t).setLinksEnabled(false);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, updatedAt: expect.any(String), updatedBy: expect.any(String) });
    expect((await t.as(OWNER).get(`${base}/settings/invite-links`)).body).toMatchObject({ enabled: false, updatedBy: off.body.updatedBy });
    expect((await when(t).setLinksEnabled(true)).body.enabled).toBe(true);
  });
});

describe('POST /v1/domains/{domainId}/invite-links', () => {
  it('creates a link with exactly the configuration asked for, expiring in 7 days', async () => {
    const body = { userType: 'POWER', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'] };
    const before = Date.now();
    const res = await when(t).createLink(OWNER, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, id: expect.any(String), createdBy: expect.any(String), createdAt: expect.any(String) });
    expect(res.body.url).toMatch(new RegExp(`^${t.stack.url}/join#[A-Za-z0-9_-]{43}$`));
    const lifetime = Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt);
    expect(lifetime).toBe(604_800_000);
    expect(Date.parse(res.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('takes a primary legacy group instead of a team', async () => {
    const res = await when(t).createLink(OWNER, { userType: 'BROWSE', primaryGroupId: 'archive' });
    expect(res.status).toBe(201);
    expect(res.body.primaryGroupId).toBe('archive');
    expect(res.body.primaryTeamId).toBeUndefined();
  });

  it('makes a different secret every time', async () => {
    const a = await when(t).linkToken(OWNER);
    const b = await when(t).linkToken(OWNER);
    expect(a.token).not.toBe(b.token);
    expect(a.id).not.toBe(b.id);
  });
});

describe('POST /v1/domains/{domainId}/invite-links/onboarding', () => {
  it('makes a STANDARD link into the default team in one call', async () => {
    const res = await t.as(OWNER).post(`${linksPath()}/onboarding`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [] });
    const joined = await when(t).join(new URL(res.body.url).hash.slice(1));
    expect(joined.body).toMatchObject({ userType: 'STANDARD', teamIds: ['editors'] });
  });
});

describe('GET /v1/domains/{domainId}/invite-links', () => {
  it('lists active links with their use counts, never a token or url', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    await when(t).join(token);
    await when(t).join(token);
    const res = await t.as(OWNER).get(linksPath());
    expect(res.status).toBe(200);
    const listed = res.body.items.find((l: { id: string }) => l.id === id);
    expect(listed).toMatchObject({ id, useCount: 2, userType: 'STANDARD' });
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(JSON.stringify(res.body)).not.toContain('/join#');
  });
});

describe('DELETE /v1/domains/{domainId}/invite-links/{linkId}', () => {
  it('revokes one link for its creator, leaving the others working', async () => {
    const doomed = await when(t).linkToken(MANAGER);
    const kept = await when(t).linkToken(MANAGER);
    expect((await t.as(MANAGER).delete(`${linksPath()}/${doomed.id}`)).status).toBe(204);
    expect((await when(t).join(doomed.token)).body.code).toBe('LINK_REVOKED');
    expect((await when(t).join(kept.token)).status).toBe(201);
    const listed = (await t.as(MANAGER).get(linksPath())).body.items.map((l: { id: string }) => l.id);
    expect(listed).not.toContain(doomed.id);
  });

  it('lets an admin revoke a link someone else made', async () => {
    const link = await when(t).linkToken(MANAGER);
    expect((await t.as(OWNER).delete(`${linksPath()}/${link.id}`)).status).toBe(204);
  });
});

describe('POST /v1/domains/{domainId}/invite-links/revoke-all', () => {
  it('answers 200 for an admin', async () => {
    const res = await when(t).revokeAll(OWNER);
    expect(res.status).toBe(200);
    expect(res.body.revokedAt).toEqual(expect.any(String));
  });
});

describe('POST /v1/join/lookup', () => {
  it('shows what a link grants, without signing in', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'] });
    const res = await when(t).lookup(token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      domainName: 'Demo Media Co',
      userType: 'STANDARD',
      primaryTeamName: 'Producers',
      additionalTeamNames: ['Marketing'],
      roleGroupNames: ['Contributors'],
      expiresAt: expect.any(String),
    });
  });

  it('names the link’s domain by its id, and who made the link by their name in the domain’s directory', async () => {
    const [fromOwner, fromManager] = await Promise.all([when(t).linkToken(OWNER), when(t).linkToken(MANAGER)]);
    expect((await when(t).lookup(fromOwner.token)).body).toMatchObject({ domainId: DEMO_DOMAIN, domainName: 'Demo Media Co', invitedBy: 'Olivia Owner' });
    expect((await when(t).lookup(fromManager.token)).body).toMatchObject({ domainId: DEMO_DOMAIN, invitedBy: 'Mark Manager' });
  });

  it('names who made the link by their email when the directory has no name for them', async () => {
    const inviter = newPerson('nameless');
    const { token: toJoin } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', roleGroupIds: ['user-managers'] });
    const joined = await when(t).join(toJoin, inviter);
    expect(joined.status).toBe(201);
    // A directory entry without names (as an older import could have left it).
    await t.db.send(new UpdateCommand({ TableName: t.stack.tableName, Key: keys.membership(joined.body.userId, DEMO_DOMAIN), UpdateExpression: 'SET firstName = :empty, lastName = :empty', ExpressionAttributeValues: { ':empty': '' } }));
    const { token } = await when(t).linkToken(inviter.email);
    expect((await when(t).lookup(token)).body.invitedBy).toBe(inviter.email);
  });
});

describe('POST /v1/join', () => {
  it('creates the account with exactly the link configuration', async () => {
    const { token } = await when(t).linkToken(OWNER, {
      userType: 'BROWSE',
      primaryTeamId: 'marketing',
      additionalTeamIds: ['producers'],
      roleGroupIds: ['viewers'],
      groupIds: ['archive'],
    });
    const person = newPerson('joiner');
    const res = await when(t).join(token, { ...person, email: `  ${person.email.toUpperCase()} ` });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      userId: expect.any(String),
      domainId: DEMO_DOMAIN,
      email: person.email,
      userType: 'BROWSE',
      teamIds: ['marketing', 'producers'],
      roleGroupIds: ['viewers'],
      groupIds: ['archive'],
    });
  });

  it('lets a person from another domain join with the same user, as a new membership', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const res = await when(t).join(token, { email: OTHER_OWNER, firstName: 'Oscar', lastName: 'Other' });
    expect(res.status).toBe(201);
    const me = await t.as(OTHER_OWNER).get('/v1/me');
    expect(me.body.userId).toBe(res.body.userId);
    expect(me.body.memberships.map((m: { domainName: string }) => m.domainName).sort()).toEqual(['Demo Media Co', 'Other Studio']);
  });

  it('refuses a person already in the domain, whatever the case of their email', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const res = await when(t).join(token, { email: 'Viewer@Demo.TEST', firstName: 'Vera', lastName: 'Viewer' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'ALREADY_MEMBER' });
  });
});

describe('Login Settings counts the links "delete all" would end', () => {
  it('activeLinkCount follows creation, revocation and delete-all', async () => {
    const settings = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
    await when(t).revokeAll();
    expect((await t.as(OWNER).get(settings)).body.activeLinkCount).toBe(0);
    const links = await Promise.all([when(t).linkToken(OWNER), when(t).linkToken(MANAGER), when(t).linkToken(OWNER)]);
    expect((await t.as(OWNER).get(settings)).body.activeLinkCount).toBe(3);
    await t.as(OWNER).delete(`${linksPath()}/${links[0].id}`);
    expect((await t.as(MANAGER).get(settings)).body.activeLinkCount).toBe(2);
    await when(t).revokeAll();
    expect((await t.as(OWNER).get(settings)).body.activeLinkCount).toBe(0);
  });
});

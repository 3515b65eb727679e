/** The contract's permission rules and error table, through the HTTP front door. */
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, isUnauthorized, linksPath, MANAGER, OTHER_DOMAIN, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

// Nothing here reads emails or events: no stream readers polling beside the tests.
const t = useStack({ notifier: false, eventsFeed: false });
const base = `/v1/domains/${DEMO_DOMAIN}`;
const inviterRoutes = [`${base}/teams`, `${base}/role-groups`, `${base}/groups`, `${base}/users`, `${base}/settings/invite-links`, linksPath()];

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
};

describe('signing in', () => {
  it.each([
    ['no token', undefined],
    ['a malformed token', 'not-a-jwt'],
    ['a token signed by someone else', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1LWRlbW8tb3duZXIifQ.c2lnbmF0dXJl'],
  ])('is required on every non-public route: %s gives 401', async (_, token) => {
    for (const path of ['/v1/me', ...inviterRoutes]) {
      expect(isUnauthorized(await t.request('GET', path, { token }), token !== undefined), path).toBe(true);
    }
  });

  it('refuses an expired token', async () => {
    const { SignJWT } = await import('jose');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u-demo-owner').setExpirationTime(0).sign(new Uint8Array(32));
    expect(isUnauthorized(await t.request('GET', '/v1/me', { token: forged }), true)).toBe(true);
  });
});

describe('who may invite', () => {
  it('admins and members whose role groups grant users:create may', async () => {
    for (const who of [OWNER, MANAGER]) {
      for (const path of inviterRoutes) expect((await t.as(who).get(path)).status, `${who} ${path}`).toBe(200);
      expect((await when(t).createLink(who)).status).toBe(201);
    }
  });

  it('a member without the permission gets 403 everywhere an inviter is needed', async () => {
    for (const path of inviterRoutes) expectProblem(await t.as(VIEWER).get(path), 403, 'FORBIDDEN');
    expectProblem(await when(t).createLink(VIEWER, { userType: 'BROWSE', primaryTeamId: 'editors' }), 403, 'FORBIDDEN');
    expectProblem(await t.as(VIEWER).post(`${linksPath()}/onboarding`), 403, 'FORBIDDEN');
  });
});

describe('admin-only actions', () => {
  it('a non-admin inviter may not change settings or delete all links', async () => {
    expectProblem(await when(t).setLinksEnabled(false, MANAGER), 403, 'FORBIDDEN');
    expectProblem(await when(t).revokeAll(MANAGER), 403, 'FORBIDDEN');
    expect((await t.as(OWNER).get(`${base}/settings/invite-links`)).body.enabled).toBe(true);
  });

  it('a non-creator non-admin may not revoke someone else\'s link', async () => {
    const link = await when(t).linkToken(OWNER);
    expectProblem(await t.as(MANAGER).delete(`${linksPath()}/${link.id}`), 403, 'FORBIDDEN');
    expect((await when(t).join(link.token)).status).toBe(201);
  });
});

describe('the role ceiling', () => {
  it('a non-admin cannot hand out a user type above their own', async () => {
    const res = await when(t).createLink(MANAGER, { userType: 'POWER', primaryTeamId: 'editors' });
    expectProblem(res, 403, 'FORBIDDEN');
    expect(res.body.detail).toContain('userType');
  });

  it('a non-admin cannot hand out a role group they do not hold', async () => {
    expectProblem(await when(t).createLink(MANAGER, { userType: 'STANDARD', primaryTeamId: 'editors', roleGroupIds: ['contributors'] }), 403, 'FORBIDDEN');
  });

  it('a non-admin may hand out their own type, lower types and their own role groups', async () => {
    for (const userType of ['STANDARD', 'BROWSE']) {
      expect((await when(t).createLink(MANAGER, { userType, primaryTeamId: 'editors', roleGroupIds: ['user-managers'] })).status).toBe(201);
    }
  });

  it('an admin may hand out anything', async () => {
    expect((await when(t).createLink(OWNER, { userType: 'POWER', primaryTeamId: 'editors', roleGroupIds: ['contributors', 'user-managers', 'viewers'] })).status).toBe(201);
  });
});

describe('tenant isolation', () => {
  it('a caller who is not a member of the domain gets 404 for everything under it', async () => {
    const link = await when(t).linkToken(OWNER);
    const requests: [string, string, unknown?][] = [
      ...inviterRoutes.map((p): [string, string] => ['GET', p]),
      ['PUT', `${base}/settings/invite-links`, { enabled: false }],
      ['POST', linksPath(), { userType: 'BROWSE', primaryTeamId: 'editors' }],
      ['POST', `${linksPath()}/onboarding`],
      ['DELETE', `${linksPath()}/${link.id}`],
      ['POST', `${linksPath()}/revoke-all`],
    ];
    const token = await t.tokenFor(OTHER_OWNER);
    for (const [method, path, body] of requests) {
      expectProblem(await t.request(method, path, { token, body }), 404, 'NOT_FOUND');
    }
    expect((await when(t).join(link.token)).status).toBe(201);
    expect((await t.as(OWNER).get(`${base}/settings/invite-links`)).body.enabled).toBe(true);
  });

  it('an unknown domain is 404 too', async () => {
    expectProblem(await t.as(OWNER).get('/v1/domains/no-such-domain/teams'), 404, 'NOT_FOUND');
  });

  it('ids of another domain count as unknown references', async () => {
    const res = await when(t).createLink(OWNER, { userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: ['producers', 'crew'] });
    expectProblem(res, 422, 'UNKNOWN_REFERENCE');
    expect(res.body.field).toBe('additionalTeamIds[1]');
  });

  it('a link of one domain cannot be revoked through another domain\'s path', async () => {
    const link = await when(t).linkToken(OTHER_OWNER, { userType: 'STANDARD', primaryTeamId: 'crew' }, OTHER_DOMAIN);
    expectProblem(await t.as(OWNER).delete(`${linksPath()}/${link.id}`), 404, 'NOT_FOUND');
    expect((await when(t).lookup(link.token)).body.domainName).toBe('Other Studio');
  });
});

describe('unknown links and routes', () => {
  it('a token that matches no link is LINK_NOT_FOUND', async () => {
    const token = 'A'.repeat(43);
    expectProblem(await when(t).lookup(token), 404, 'LINK_NOT_FOUND');
    expectProblem(await when(t).join(token), 404, 'LINK_NOT_FOUND');
  });

  it('a path the API does not have is a 404 problem', async () => {
    expectProblem(await t.as(OWNER).get('/v1/nothing-here'), 404, 'NOT_FOUND');
  });
});

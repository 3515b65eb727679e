/**
 * Identity and accounts: joining takes a signed-in person with a verified email; the membership is
 * for the token's `sub`; the front door checks tokens exactly as API Gateway's JWT authorizer does.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { SignJWT, importJWK, type JWK } from 'jose';
import { startLocalStack } from '../../local/stack.ts';
import { testIam } from '../support/iam.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, isUnauthorized, newPerson, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack();

const baseClaims = () => ({ sub: `sub-${randomUUID()}`, email: `${randomUUID()}@example.test`, email_verified: true, given_name: 'Ada', family_name: 'Lovelace' });
const joinWith = (bearer: string | undefined, body: Record<string, unknown>) => t.request('POST', '/v1/join', { token: bearer, body });

describe('joining needs a signed-in person with a verified email', () => {
  it('refuses a join without a bearer token (401)', async () => {
    const { token } = await when(t).linkToken(OWNER);
    expect(isUnauthorized(await joinWith(undefined, { token }), false)).toBe(true);
  });

  it('refuses a token whose email is not verified (403 EMAIL_NOT_VERIFIED), and writes nothing', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    const bearer = await t.stack.identityProvider.issueIdToken({ ...baseClaims(), email_verified: false });
    const res = await joinWith(bearer, { token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${id}`)).body.items).toEqual([]);
  });

  it('refuses a token with no email at all (403 EMAIL_NOT_VERIFIED)', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const { email: _email, ...claims } = baseClaims();
    const res = await joinWith(await t.stack.identityProvider.issueIdToken(claims), { token });
    expect(res.body).toMatchObject({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
  });

  it('refuses an email named in the body (400): the email is the token’s', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const res = await joinWith(await t.tokenFor('body-email@example.test'), { token, email: 'ceo@example.test' });
    expect(res.body).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'email' });
  });

  it('makes the membership for the token’s sub with its verified email, names from the token', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    const claims = baseClaims();
    const res = await joinWith(await t.stack.identityProvider.issueIdToken(claims), { token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userId: claims.sub, email: claims.email, domainId: DEMO_DOMAIN });
    const [member] = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${id}`)).body.items;
    expect(member).toMatchObject({ userId: claims.sub, email: claims.email, joinedVia: { linkId: id } });
  });

  it('takes names from the body over the token’s, and asks for them when the token has none', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const { given_name: _g, family_name: _f, ...nameless } = baseClaims();
    const bearer = await t.stack.identityProvider.issueIdToken(nameless);
    expect((await joinWith(bearer, { token })).body).toMatchObject({ status: 400, field: 'firstName' });
    expect((await joinWith(bearer, { token, firstName: 'Grace' })).body).toMatchObject({ status: 400, field: 'lastName' });
    expect((await joinWith(bearer, { token, firstName: 'Grace', lastName: 'Hopper' })).status).toBe(201);
  });

  it('refuses another identity with an email already in the domain (409 ALREADY_MEMBER)', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const bearer = await t.stack.identityProvider.issueIdToken({ ...baseClaims(), email: VIEWER });
    expect((await joinWith(bearer, { token })).body).toMatchObject({ status: 409, code: 'ALREADY_MEMBER' });
  });

  it('answers a repeated join by the same identity with its membership (200), and another identity with that email through the same link ALREADY_MEMBER', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const claims = baseClaims();
    const first = await joinWith(await t.stack.identityProvider.issueIdToken(claims), { token });
    expect(first.status).toBe(201);
    const again = await joinWith(await t.stack.identityProvider.issueIdToken(claims), { token });
    expect([again.status, again.body]).toEqual([200, first.body]);
    const twin = await joinWith(await t.stack.identityProvider.issueIdToken({ ...baseClaims(), email: claims.email }), { token });
    expect(twin.body).toMatchObject({ status: 409, code: 'ALREADY_MEMBER' });
  });
});

describe('accounts across domains', () => {
  it('answers GET /v1/me with no memberships for someone who has joined nothing', async () => {
    const email = `nobody-${randomUUID()}@example.test`;
    const res = await t.as(email).get('/v1/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email, memberships: [] });
    expect(res.body.userId).toEqual(expect.any(String));
  });

  it('lets a member of another domain join with the same user: a second membership, not a second user', async () => {
    const before = (await t.as(OTHER_OWNER).get('/v1/me')).body;
    const { token } = await when(t).linkToken(OWNER);
    const res = await t.request('POST', '/v1/join', { token: await t.tokenFor(OTHER_OWNER), body: { token } });
    expect(res.status).toBe(201);
    expect(res.body.userId).toBe(before.userId);
    const after = (await t.as(OTHER_OWNER).get('/v1/me')).body;
    expect(after.memberships.map((m: { domainId: string }) => m.domainId).sort()).toEqual([DEMO_DOMAIN, 'other-studio']);
  });

  it('a joiner signs in afterwards as the same person and sees the domain', async () => {
    const person = newPerson('later');
    const { token } = await when(t).linkToken(OWNER);
    const joined = await when(t).join(token, person);
    const again = await t.stack.identityProvider.tokenFor(person.email);
    const me = (await t.request('GET', '/v1/me', { token: again })).body;
    expect(me).toMatchObject({ userId: joined.body.userId, memberships: [{ domainId: DEMO_DOMAIN, userType: 'STANDARD' }] });
  });
});

describe('the front door checks tokens as the JWT authorizer does', () => {
  const signed = async (claims: Record<string, unknown>, options: { alg?: string; key?: JWK; kid?: string | null; issuer?: string; audience?: string; expires?: number | null } = {}) => {
    const own = (await (await fetch(`${t.stack.identityProvider.issuer}/jwks`)).json()) as { keys: JWK[] };
    const key = options.key ?? foreignKey;
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'RS256', ...(options.kid === null ? {} : { kid: options.kid ?? own.keys[0]!.kid }) });
    jwt = jwt.setIssuer(options.issuer ?? t.stack.identityProvider.issuer).setIssuedAt();
    if (options.audience !== '') jwt = jwt.setAudience(options.audience ?? t.stack.identityProvider.clientId);
    if (options.expires !== null) jwt = jwt.setExpirationTime(options.expires ?? Math.floor(Date.now() / 1000) + 600);
    return jwt.sign(await importJWK(key, options.alg ?? 'RS256'));
  };
  const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;
  const me = (bearer: string, prefix = 'Bearer ') => t.request('GET', '/v1/me', { headers: { authorization: `${prefix}${bearer}` } });

  it('accepts the provider’s own token, with or without the Bearer prefix', async () => {
    const bearer = await t.tokenFor(OWNER);
    expect((await me(bearer)).status).toBe(200);
    expect((await me(bearer, '')).status).toBe(200);
  });

  it.each([
    ['signed by a key the provider does not publish, under its kid', {}],
    ['without a kid', { kid: null }],
    ['from another issuer', { issuer: 'http://localhost:1/oidc' }],
    ['for another audience', { audience: 'someone-else' }],
    ['expired', { expires: Math.floor(Date.now() / 1000) - 5 }],
    ['without exp', { expires: null }],
  ])('refuses a token %s', async (_case, options) => {
    const res = await me(await signed({ sub: 'u-demo-owner', email: OWNER, email_verified: true }, options));
    expect(isUnauthorized(res, true)).toBe(true);
  });

  it('refuses an algorithm the authorizer does not take (HS256, ES256), even under a known kid', async () => {
    const secret: JWK = { kty: 'oct', k: Buffer.from('x'.repeat(32)).toString('base64url') };
    expect((await me(await signed({ sub: 'u-demo-owner' }, { alg: 'HS256', key: secret }))).status).toBe(401);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
    expect((await me(await signed({ sub: 'u-demo-owner' }, { alg: 'ES256', key: ec }))).status).toBe(401);
  });

  it('refuses a token whose signature was tampered with', async () => {
    const [header, payload, signature] = (await t.tokenFor(OWNER)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'u-other-owner' })).toString('base64url');
    expect((await me(`${header}.${forged}.${signature}`)).status).toBe(401);
  });
});

describe('identities persist in DATA_DIR', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'invite-links-idp-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the same sub for an email, and the same signing key, across a restart', async () => {
    const tableName = `restart-${randomUUID()}`;
    const first = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint'), tableName, dataDir, notifier: false, iam: testIam() });
    const before = await first.identityProvider.identities.ensure({ email: 'keep@example.test', givenName: 'Kee', familyName: 'P' });
    const kidBefore = ((await (await fetch(`${first.identityProvider.issuer}/jwks`)).json()) as { keys: JWK[] }).keys[0]!.kid;
    await first.stop();
    const second = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint'), tableName, dataDir, notifier: false, iam: testIam() });
    try {
      expect((await second.identityProvider.identities.findByEmail('keep@example.test'))?.sub).toBe(before.sub);
      const kidAfter = ((await (await fetch(`${second.identityProvider.issuer}/jwks`)).json()) as { keys: JWK[] }).keys[0]!.kid;
      expect(kidAfter).toBe(kidBefore);
    } finally {
      await second.stop();
    }
  });
});

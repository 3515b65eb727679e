/** Property: whatever comes in, a refusal is a 4xx problem+json naming the field, never a 5xx, and nothing is written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { useStack, type Reply } from '../support/stack.ts';
import { DEMO_DOMAIN, isUnauthorized, linksPath, OWNER, when } from '../support/steps.ts';

// Nothing here reads emails or events: no stream readers polling beside the tests.
const t = useStack({ notifier: false, eventsFeed: false });
const base = `/v1/domains/${DEMO_DOMAIN}`;
let snapshot: string[];
let ownerToken: string;
let liveToken: string;
/** Someone signed in (a verified identity) who has joined nothing. */
let joinerToken: string;
const JOINER = 'bad-input-joiner@example.test';

async function tableContents(): Promise<string[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(new ScanCommand({ TableName: t.stack.tableName, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  // The notifier's own bookkeeping (stream checkpoints, claims) is not request data.
  const data = items.filter((i) => !/^(STREAM|SEED)#/.test(String(i.PK)) && i.SK !== 'NOTIFIED');
  return data.map((i) => JSON.stringify(i)).sort();
}

const expectRefusal = (res: Reply) => {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status: res.status, code: expect.any(String), detail: expect.any(String) });
  if (res.status === 400) expect(res.body.field).toEqual(expect.any(String));
};

/** JSON values of every shape, and field names the API knows, so objects hit the schemas' edges. */
const knownFields = ['token', 'email', 'firstName', 'lastName', 'userType', 'primaryTeamId', 'primaryGroupId', 'additionalTeamIds', 'roleGroupIds', 'groupIds', 'enabled'];
const nearlyValidObject = fc.dictionary(fc.oneof(fc.constantFrom(...knownFields), fc.string({ maxLength: 12 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });
const rawBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  nearlyValidObject.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant(JSON.stringify({ token: 'x'.repeat(20_000) })),
);
const anyToken = fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.jsonValue({ maxDepth: 1 }));

beforeAll(async () => {
  ownerToken = await t.tokenFor(OWNER);
  joinerToken = await t.tokenFor(JOINER, { givenName: 'Bad', familyName: 'Input' });
  liveToken = (await when(t).linkToken(OWNER)).token;
  snapshot = await tableContents();
});

afterAll(async () => {
  const now = await tableContents();
  expect({ written: now.filter((i) => !snapshot.includes(i)), lost: snapshot.filter((i) => !now.includes(i)) }).toEqual({ written: [], lost: [] });
});

describe('bad input on the join routes', () => {
  it('any body to lookup (public) or join (signed in) is refused with a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/join', '/v1/join/lookup'), rawBody, async (path, body) => {
        expectRefusal(await t.request('POST', path, { rawBody: body, token: path === '/v1/join' ? joinerToken : undefined }));
      }),
      { numRuns: 150 },
    );
  });

  it('any token is refused with a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(anyToken, async (token) => {
        expectRefusal(await t.request('POST', '/v1/join', { token: joinerToken, body: { token } }));
        expectRefusal(await t.anonymous.post('/v1/join/lookup', { token }));
      }),
      { numRuns: 100 },
    );
  });

  it('a valid link token with bad names, or an email in the body, names the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'ceo@example.test' }, 'email'],
      [{ firstName: '' }, 'firstName'],
      [{ lastName: 'x'.repeat(101) }, 'lastName'],
      [{ firstName: 'A\u0000' }, 'firstName'],
      [{ isAdmin: true }, 'isAdmin'],
      [{ userId: 'u-demo-owner' }, 'userId'],
    ];
    for (const [extra, field] of cases) {
      const res = await t.request('POST', '/v1/join', { token: joinerToken, body: { token: liveToken, ...extra } });
      expectRefusal(res);
      expect(res.body).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field });
    }
  });

  it('a body over 16 KiB is refused before anything else', async () => {
    const res = await t.request('POST', '/v1/join', { token: joinerToken, body: { token: liveToken, lastName: 'B'.repeat(17_000) } });
    expect(res.body).toMatchObject({ status: 400, field: 'body' });
  });

  it('a body that is not JSON, or not sent as JSON, is refused', async () => {
    expectRefusal(await t.request('POST', '/v1/join', { token: joinerToken, rawBody: '{"token":' }));
    const asText = await t.request('POST', '/v1/join', {
      token: joinerToken,
      rawBody: JSON.stringify({ token: liveToken }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(asText.body).toMatchObject({ status: 400, field: 'body' });
  });
});

describe('bad input on the signed-in routes', () => {
  const writes = [
    ['POST', linksPath()],
    ['POST', `${linksPath()}/onboarding`],
    ['PUT', `${base}/settings/invite-links`],
    ['POST', `${linksPath()}/revoke-all`],
  ] as const;

  it('any body to link creation or settings is refused with a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes.slice(0, 3)), rawBody, async ([method, path], body) => {
        // No body, or an empty object, is a valid onboarding request; everything else here must be refused.
        fc.pre(!(path.endsWith('/onboarding') && /^\s*(\{\s*\})?\s*$/.test(body)));
        expectRefusal(await t.request(method, path, { token: ownerToken, rawBody: body }));
      }),
      { numRuns: 150 },
    );
  });

  it('any path parameter that is not an id is refused or unknown, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (raw) => {
        const segment = encodeURIComponent(raw);
        expectRefusal(await t.request('GET', `/v1/domains/${segment}/teams`, { token: ownerToken }));
        expectRefusal(await t.request('DELETE', `${linksPath()}/${segment}`, { token: ownerToken }));
      }),
      { numRuns: 100 },
    );
  });

  it('names the field of a bad link configuration', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ userType: 'ADMIN', primaryTeamId: 'editors' }, 'userType'],
      [{ userType: 'STANDARD' }, 'primaryTeamId'],
      [{ userType: 'STANDARD', primaryTeamId: 'editors', primaryGroupId: 'archive' }, 'primaryTeamId'],
      [{ userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: ['producers', 'producers'] }, 'additionalTeamIds'],
      [{ userType: 'STANDARD', primaryTeamId: 'editors', roleGroupIds: 'viewers' }, 'roleGroupIds'],
      [{ userType: 'STANDARD', primaryTeamId: 'editors', groupIds: ['ok', 'not ok'] }, 'groupIds[1]'],
      [{ userType: 'STANDARD', primaryTeamId: 'x'.repeat(65) }, 'primaryTeamId'],
      [{ userType: 'STANDARD', primaryTeamId: 'editors', createdBy: 'someone-else' }, 'createdBy'],
    ];
    for (const [body, field] of cases) {
      const res = await t.as(OWNER).post(linksPath(), body);
      expect(res.body, JSON.stringify(body)).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field });
    }
    expect((await t.as(OWNER).put(`${base}/settings/invite-links`, { enabled: 'no' })).body).toMatchObject({ status: 400, field: 'enabled' });
    expect((await t.as(OWNER).get(`${base}/users?inviteLinkId=short`)).body).toMatchObject({ status: 400, field: 'inviteLinkId' });
  });

  it('any garbage in the Authorization header is a 401, as API Gateway answers it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), async (header) => {
        const res = await t.request('GET', '/v1/me', { headers: { authorization: header } });
        // Node drops an empty header value: that is no token at all.
        expect(isUnauthorized(res, header.trim() !== ''), JSON.stringify(res.body)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

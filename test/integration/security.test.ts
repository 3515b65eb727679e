/**
 * What an attacker tries at the front door: a flood from one address (others keep working),
 * malformed paths and headers, oversize requests, odd content types, duplicate keys, invisible
 * characters in names. Every refusal is a 4xx problem+json, never a 500.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAddress } from '../support/from-address.ts';
import { useStack } from '../support/stack.ts';
import { newPerson, OWNER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });

const from = (address: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  fromAddress(t.stack.url, address, method, path, body, headers);

/** Raw bytes on a socket: for request lines and headers no HTTP client would send. The server closes after answering. */
function raw(bytes: string) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(t.stack.port, '127.0.0.1', () => socket.write(bytes));
    socket.setTimeout(5_000, () => socket.destroy());
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}
const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

describe('the front door refuses broken requests as problem+json, never 500', () => {
  it('a malformed %-escape in the path is a 400 naming the path', async () => {
    const res = await t.as(OWNER).get('/v1/domains/%ZZ/users');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', field: 'path' });
  });

  it('oversize headers are a 431 problem+json', async () => {
    const response = await raw(`GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(statusOf(response)).toBe(431);
    expect(response).toContain('application/problem+json');
  });

  it('a body over 10 MB is a 413 problem+json', async () => {
    const res = await from('127.0.0.1', 'POST', '/v1/join/lookup', { token: 'x'.repeat(11 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res).toMatchObject({ type: 'application/problem+json', body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('any request line and headers get a 4xx or a page, never a 5xx (property)', async () => {
    const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'BREW');
    const pathChar = fc.constantFrom(...'/%azAZ09-_.~?&=#+:;@!$\'()*,[]{}|\\^`"<> \u00e9'.split(''));
    const path = fc.oneof(
      fc.array(pathChar, { maxLength: 60 }).map((cs) => `/${cs.join('')}`),
      fc.constantFrom('/v1/me', '/v1/domains/%ZZ/users', '/v1/domains/%/teams', '/v1/join/lookup', '/oidc/%zz', '//', '/..%2f..%2f'),
    );
    const header = fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ maxLength: 80 }).map((v) => v.replace(/[\r\n]/g, '')));
    await fc.assert(
      fc.asyncProperty(methods, path, fc.array(header, { maxLength: 5 }), async (method, p, headers) => {
        const lines = headers.map(([name, value]) => `${name}: ${value}`).join('\r\n');
        const response = await raw(`${method} ${p.replace(/ /g, '%20')} HTTP/1.1\r\nHost: localhost:${t.stack.port}\r\n${lines}${lines ? '\r\n' : ''}Connection: close\r\n\r\n`);
        const status = statusOf(response);
        expect(status, response.slice(0, 300)).toBeGreaterThanOrEqual(200);
        expect(status, response.slice(0, 300)).toBeLessThan(500);
        if (status >= 400 && p.startsWith('/v1/')) expect(response.toLowerCase()).toContain('content-type: application/problem+json');
      }),
      { numRuns: 150 },
    );
  });
});

describe('clean input', () => {
  it('refuses JSON under another +json media type, and duplicate keys', async () => {
    const asType = await t.request('POST', '/v1/join/lookup', { rawBody: JSON.stringify({ token: 'B'.repeat(43) }), headers: { 'content-type': 'application/x-evil+json' } });
    expect(asType.body).toMatchObject({ status: 400, field: 'body' });
    const twice = await t.request('POST', '/v1/join/lookup', { rawBody: `{"token":"${'B'.repeat(43)}","token":"${'C'.repeat(43)}"}` });
    expect(twice.body).toMatchObject({ status: 400, field: 'body' });
    expect(twice.body.detail).toContain('"token" twice');
    const problemJson = await t.request('POST', '/v1/join/lookup', { rawBody: JSON.stringify({ token: 'B'.repeat(43) }), headers: { 'content-type': 'application/problem+json' } });
    expect(problemJson.status).toBe(404);
  });

  it('refuses names with control, invisible or direction-changing characters (property)', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const bearer = await t.tokenFor(newPerson('clean').email);
    const bad = fc.constantFrom('\u202e', '\u2028', '\u2029', '\u200b', '\u200e', '\u2066', '\u0007', '\u0000', '\ufeff', '\u00ad');
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 10 }), bad, fc.string({ maxLength: 10 }), async (before, character, after) => {
        const res = await t.request('POST', '/v1/join', { token: bearer, body: { token, firstName: `A${before}${character}${after}Z`, lastName: 'B' } });
        expect(res.body, JSON.stringify(character)).toMatchObject({ status: 400, field: 'firstName' });
      }),
      { numRuns: 40 },
    );
  });

  it('stores names in NFC: a decomposed é joins as the composed one', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const person = newPerson('nfc');
    const res = await t.request('POST', '/v1/join', { token: await t.tokenFor(person.email), body: { token, firstName: 'Ame\u0301lie', lastName: 'Poulain' } });
    expect(res.status).toBe(201);
    const users = (await t.as(OWNER).get(`/v1/domains/demo-media-co/users?limit=100`)).body.items as { email: string; firstName: string }[];
    expect(users.find((u) => u.email === person.email)?.firstName).toBe('Am\u00e9lie');
  });

  it('holds email addresses to their length limits: 64 before the @, 63 per label, 254 in all', async () => {
    const tooLong = [`${'a'.repeat(65)}@example.test`, `a@${'b'.repeat(64)}.test`, `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.test`];
    const headers = { 'x-local-token-secret': t.stack.localTokenSecret };
    for (const email of tooLong) {
      const res = await t.request('POST', '/local/token', { body: { email }, headers });
      expect(res.status, email).toBe(400);
    }
    expect((await t.request('POST', '/local/token', { body: { email: `${'a'.repeat(64)}@example.test` }, headers })).status).toBe(200);
  });
});

/**
 * What keeps a web page, or a neighbour on the network, away from a developer's `npm start`: every
 * route answers only its own Host (DNS rebinding reaches nothing), `/local/token` takes only JSON
 * with this start's secret (which `npm run token` reads from DATA_DIR), `/oidc` counts requests
 * per client address as the API's limits do, and the provider's pages are not sniffed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { localTokenSecretFile } from '../../local/local-token-secret.ts';
import { fromAddress } from '../support/from-address.ts';
import { signInSteps } from '../support/sign-in.ts';
import { useStack } from '../support/stack.ts';
import { OWNER } from '../support/steps.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'invite-links-guards-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const PER_CLIENT = 8;
const t = useStack({
  notifier: false,
  eventsFeed: false,
  localTokenSecretFile: localTokenSecretFile({ DATA_DIR: dataDir }),
  signIn: { rules: { perClient: { requests: PER_CLIENT, windowSeconds: 3600 } } },
});
const { startSignIn } = signInSteps(t);

describe('every route answers only Host localhost:PORT or 127.0.0.1:PORT', () => {
  const paths = ['/', '/config.json', '/v1/openapi.json', '/oidc/.well-known/openid-configuration', '/local/events', '/local/metrics'];

  it.each(['evil.example:PORT', 'localhost.evil.example:PORT', 'localhost.:PORT', 'localhost', '127.0.0.1:1'])('refuses Host %s on every route (403 problem+json)', async (host) => {
    for (const [i, path] of paths.entries()) {
      const res = await fromAddress(t.stack.url, `127.0.1.${i + 1}`, 'GET', path, undefined, { host: host.replace('PORT', String(t.stack.port)) });
      expect(res.status, `${host} ${path}`).toBe(403);
      expect(res).toMatchObject({ type: 'application/problem+json', body: { code: 'FORBIDDEN' } });
    }
  });

  it('answers its own names', async () => {
    for (const host of [`localhost:${t.stack.port}`, `127.0.0.1:${t.stack.port}`]) {
      for (const [i, path] of paths.entries()) {
        const res = await fromAddress(t.stack.url, `127.0.2.${i + 1}`, 'GET', path, undefined, { host });
        expect(res.status, `${host} ${path}`).toBe(200);
      }
    }
  });

  it('refuses POST /local/token and /local/events from a rebound name even with the secret', async () => {
    const headers = { host: `attacker.example:${t.stack.port}`, 'x-local-token-secret': t.stack.localTokenSecret };
    expect((await fromAddress(t.stack.url, '127.0.3.1', 'POST', '/local/token', { email: OWNER }, headers)).status).toBe(403);
    expect((await fromAddress(t.stack.url, '127.0.3.1', 'GET', '/local/events', undefined, headers)).status).toBe(403);
  });
});

describe('/local/token takes only application/json with this start’s secret', () => {
  const post = (contentType: string, secret: string | undefined) =>
    t.request('POST', '/local/token', {
      rawBody: JSON.stringify({ email: OWNER }),
      headers: { 'content-type': contentType, ...(secret === undefined ? {} : { 'x-local-token-secret': secret }) },
    });

  it('refuses a cross-site form’s text/plain (415), and JSON without the secret or with another (403)', async () => {
    expect((await post('text/plain', t.stack.localTokenSecret)).status).toBe(415);
    expect((await post('application/x-www-form-urlencoded', t.stack.localTokenSecret)).status).toBe(415);
    expect((await post('application/json', undefined)).status).toBe(403);
    expect((await post('application/json', 'x'.repeat(t.stack.localTokenSecret.length))).status).toBe(403);
    const minted = await post('application/json', t.stack.localTokenSecret);
    expect(minted.status).toBe(200);
    expect(minted.body.token).toMatch(/^ey/);
  });

  it('npm run token reads the secret npm start left in DATA_DIR, a file only its user can read', async () => {
    const file = localTokenSecretFile({ DATA_DIR: dataDir });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'local/token-cli.ts', OWNER], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, PORT: String(t.stack.port), DATA_DIR: dataDir },
    });
    const token = stdout.trim();
    expect((await t.request('GET', '/v1/me', { token })).body).toMatchObject({ email: OWNER });
  });

  it('with DATA_DIR=:memory: the secret waits in the system’s temporary directory, by PORT', () => {
    expect(localTokenSecretFile({ DATA_DIR: ':memory:', PORT: '3999' })).toBe(join(tmpdir(), 'invite-links-3999.token-secret'));
  });
});

describe('/oidc counts requests per client address, like the API’s per-client limits', () => {
  it(`answers ${PER_CLIENT} requests from one address, then 429 with Retry-After; another address goes on`, async () => {
    const discovery = '/oidc/.well-known/openid-configuration';
    for (let i = 0; i < PER_CLIENT; i++) expect((await fromAddress(t.stack.url, '127.0.4.1', 'GET', discovery)).status).toBe(200);
    const refused = await fromAddress(t.stack.url, '127.0.4.1', 'GET', discovery);
    expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await fromAddress(t.stack.url, '127.0.4.2', 'GET', discovery)).status).toBe(200);
  });
});

describe('the provider’s pages', () => {
  it('send X-Content-Type-Options: nosniff and keep their CSP, its own sign-in page and oidc-provider’s error page alike', async () => {
    const { page } = await startSignIn();
    const error = await fetch(`${t.stack.identityProvider.issuer}/auth?client_id=nobody&response_type=code&scope=openid`);
    for (const headers of [page.headers, error.headers]) {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    expect(page.status).toBe(200);
    expect(error.status).toBe(400);
  });
});

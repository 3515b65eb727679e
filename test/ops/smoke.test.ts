/**
 * `npm run smoke` against stand-ins for what only AWS has: an API origin behind CloudFront, a
 * Cognito-style managed login, an outputs file. Each mistake a deployment can make fails its check
 * with a message that says what it means.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSmoke, SMOKE_CHECKS, type SmokeCheck } from '../../ops/smoke/checks.ts';
import { smokeTarget, type SmokeTarget } from '../../ops/smoke/target.ts';
import { main } from '../../ops/smoke.ts';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** A server whose answers each test sets, by path. */
let server: Server;
let base: string;
const routes = new Map<string, Route>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const route = routes.get(url.pathname);
    if (route) return route(req, res, url);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such fake');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Not "localhost": the checks treat this as a deployment, with an origin behind it.
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const check = (name: RegExp): SmokeCheck => SMOKE_CHECKS.find((c) => name.test(c.name))!;
const target = (extra: Partial<SmokeTarget> = {}): SmokeTarget => ({ webUrl: base, local: false, source: 'test', ...extra });
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};
const html = (headers: Record<string, string> = {}): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end('<!doctype html><title>Sign in</title>');
};
const PAGE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
const csp = (connect: string) => ({ 'content-security-policy': `default-src 'self'; connect-src ${connect}` });

describe('a direct call to the API origin gets nowhere', () => {
  const direct = check(/direct call/);

  it('passes when the origin refuses (403 from the origin check, 401 from the authorizer)', async () => {
    routes.set('/origin/v1/openapi.json', json(403, { code: 'FORBIDDEN' }));
    const [result] = await runSmoke(target({ apiOriginUrl: `${base}/origin` }), [direct]);
    expect(result).toMatchObject({ outcome: 'pass', detail: `${base}/origin answers 403` });
  });

  it('fails when the origin answers without CloudFront', async () => {
    routes.set('/open/v1/openapi.json', json(200, { openapi: '3.1.0' }));
    const [result] = await runSmoke(target({ apiOriginUrl: `${base}/open` }), [direct]);
    expect(result).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('without going through CloudFront: the origin check is off') });
  });

  it('fails when there is no origin to try, and is skipped only on the local stack', async () => {
    expect((await runSmoke(target(), [direct]))[0]).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('--api-origin') });
    expect((await runSmoke(target({ local: true }), [direct]))[0]).toEqual({ name: direct.name, outcome: 'skip', detail: 'no separate origin locally' });
  });
});

describe('a sign-in starts at the identity provider', () => {
  const config = (endpoints?: Record<string, string>) =>
    json(200, { apiBaseUrl: '', identityProvider: { issuer: `${base}/idp`, clientId: 'pages', audience: ['pages'], scope: 'openid email profile', ...(endpoints ? { endpoints } : {}) } }, { ...PAGE_HEADERS, ...csp("'self'") });
  const signIn = [check(/config\.json/), check(/sign-in starts/)];

  it("follows Cognito's managed login to its page, cookies kept, with a PKCE request", async () => {
    let asked: URLSearchParams | undefined;
    routes.set('/config.json', config({ authorization: `${base}/oauth2/authorize`, token: `${base}/oauth2/token` }));
    routes.set('/oauth2/authorize', (_req, res, url) => {
      asked = url.searchParams;
      res.writeHead(302, { location: `/login?client_id=pages`, 'set-cookie': 'XSRF-TOKEN=abc; Path=/; Secure' }).end();
    });
    routes.set('/login', (req, res) => (req.headers.cookie === 'XSRF-TOKEN=abc' ? html()(req, res, new URL(base)) : res.writeHead(400).end('no cookie')));
    const results = await runSmoke(target(), signIn);
    expect(results[1]).toMatchObject({ outcome: 'pass', detail: `sign-in page at ${base}/login after 1 redirect` });
    expect(Object.fromEntries(asked!)).toMatchObject({ response_type: 'code', client_id: 'pages', redirect_uri: `${base}/signin`, code_challenge_method: 'S256', scope: 'openid email profile' });
    expect(asked!.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  });

  it('fails when the provider refuses the request (a redirect URI it does not know)', async () => {
    routes.set('/config.json', config({ authorization: `${base}/oauth2/authorize`, token: `${base}/oauth2/token` }));
    routes.set('/oauth2/authorize', (_req, res) => res.writeHead(302, { location: '/error?error=redirect_mismatch&client_id=pages' }).end());
    const results = await runSmoke(target(), signIn);
    expect(results[1]).toMatchObject({ outcome: 'fail', detail: 'the provider refused the sign-in: redirect_mismatch' });
  });

  it("reads your own provider's discovery document, which must name the same issuer and be readable from the pages", async () => {
    routes.set('/config.json', config());
    routes.set('/idp/authorize', html());
    routes.set('/idp/.well-known/openid-configuration', json(200, { issuer: `${base}/idp/`, authorization_endpoint: `${base}/idp/authorize`, token_endpoint: `${base}/idp/token` }));
    expect((await runSmoke(target(), signIn))[1]).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('tokens would be refused') });
    routes.set('/idp/.well-known/openid-configuration', json(200, { issuer: `${base}/idp`, authorization_endpoint: `${base}/idp/authorize`, token_endpoint: `${base}/idp/token` }));
    expect((await runSmoke(target(), signIn))[1]).toMatchObject({ outcome: 'pass', detail: `sign-in page at ${base}/idp/authorize` });
  });

  it("fails when the pages' CSP would not let them reach the token endpoint", async () => {
    routes.set('/config.json', config({ authorization: `${base}/oauth2/authorize`, token: 'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/token' }));
    routes.set('/oauth2/authorize', html());
    for (const path of ['/', '/join', '/signin']) routes.set(path, html({ ...PAGE_HEADERS, ...csp("'self'") }));
    const results = await runSmoke(target(), [check(/pages are served/), ...signIn]);
    expect(results[0]).toMatchObject({ outcome: 'pass' });
    expect(results[2]).toMatchObject({ outcome: 'fail', detail: expect.stringContaining("does not let them fetch https://acme.auth.eu-west-1.amazoncognito.com/oauth2/token (connect-src 'self')") });
    for (const path of ['/', '/join', '/signin']) routes.set(path, html({ ...PAGE_HEADERS, ...csp("'self' https://acme.auth.eu-west-1.amazoncognito.com") }));
    expect((await runSmoke(target(), [check(/pages are served/), ...signIn]))[2]).toMatchObject({ outcome: 'pass' });
  });
});

describe('the pages and the API document', () => {
  it('a page without its security headers fails, naming them', async () => {
    for (const path of ['/', '/join', '/signin']) routes.set(path, html({ 'content-security-policy': "default-src 'self'" }));
    const [result] = await runSmoke(target(), [check(/pages are served/)]);
    expect(result).toMatchObject({ outcome: 'fail', detail: '/ lacks X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, X-Frame-Options: DENY' });
  });

  it('an API document that is not OpenAPI 3.1 fails', async () => {
    routes.set('/v1/openapi.json', json(200, { openapi: '3.0.3', paths: { '/v1/me': {} } }));
    const [result] = await runSmoke(target(), [check(/API document/)]);
    expect(result).toMatchObject({ outcome: 'fail', detail: 'openapi is "3.0.3", not 3.1' });
  });

  it('an unknown route answered by something else than the problem+json 404 fails', async () => {
    routes.set('/v1/smoke-check/no-such-route', (_req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>403 ERROR</h1>'));
    const [result] = await runSmoke(target(), [check(/unknown route/)]);
    expect(result).toMatchObject({ outcome: 'fail', detail: 'expected 404 application/problem+json NOT_FOUND, got 403 text/html: <h1>403 ERROR</h1>' });
  });
});

describe('what it checks: an outputs file or a base URL', () => {
  const outputsFile = (outputs: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), 'smoke-')), 'cdk-outputs.json');
    writeFileSync(file, JSON.stringify(outputs));
    return file;
  };

  it("takes the service stack's WebUrl and ApiOriginUrl, past the web ACL's stack", async () => {
    const file = outputsFile({
      InviteLinksEdge: { WebAclArn: 'arn:aws:wafv2:us-east-1:1:global/webacl/x/y' },
      InviteLinks: { WebUrl: 'https://d1.cloudfront.net', ApiOriginUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/', TableName: 't' },
    });
    expect(await smokeTarget(file)).toEqual({
      webUrl: 'https://d1.cloudfront.net',
      apiOriginUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      local: false,
      source: `${file}, stack InviteLinks`,
    });
  });

  it('asks which stack when the file holds several, and says when it is not an outputs file', async () => {
    const two = outputsFile({ A: { WebUrl: 'https://a.example' }, B: { WebUrl: 'https://b.example' } });
    await expect(smokeTarget(two)).rejects.toThrow('several service stacks (A, B): name one with --stack');
    expect((await smokeTarget(two, { stack: 'B' })).webUrl).toBe('https://b.example');
    await expect(smokeTarget(outputsFile([1, 2]))).rejects.toThrow('is not a CDK outputs file');
    await expect(smokeTarget(outputsFile({ InviteLinksEdge: { WebAclArn: 'x' } }))).rejects.toThrow('no stack with a WebUrl output');
  });

  it('a base URL on this machine is the local stack', async () => {
    expect(await smokeTarget('http://localhost:3000/')).toEqual({ webUrl: 'http://localhost:3000', local: true, source: 'http://localhost:3000' });
    expect((await smokeTarget('https://invites.acme.test', { apiOrigin: 'https://api.acme.test' })).apiOriginUrl).toBe('https://api.acme.test');
  });

  it('bad arguments exit 2 before any request', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await main([], io)).toBe(2);
    expect(await main(['/no/such/cdk-outputs.json'], io)).toBe(2);
    expect(lines.join('\n')).toContain('cannot read /no/such/cdk-outputs.json (ENOENT)');
    expect(await main(['--help'], io)).toBe(0);
    for (const c of SMOKE_CHECKS) expect(lines.join('\n')).toContain(c.name);
  });
});

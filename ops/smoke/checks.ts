/**
 * What `npm run smoke` checks of a running deployment, from outside, in order. Each check passes,
 * fails with what it saw, or is skipped for a stated reason. The same checks run against the local
 * stack in `npm test`, so they are known to work before anyone points them at AWS.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PageConfig } from '../../web/page-config.ts';
import { CheckFailed, described, expectProblem, followRedirects, request, type Reply } from './http.ts';
import type { SmokeTarget } from './target.ts';

export interface SmokeContext {
  target: SmokeTarget;
  /** config.json, once a check has read it. */
  config?: PageConfig;
  /** The pages' Content-Security-Policy, once a check has read it. */
  pagePolicy?: string;
}

export type Verdict = { outcome: 'pass'; detail: string } | { outcome: 'skip'; detail: string };

export interface SmokeCheck {
  name: string;
  run(context: SmokeContext): Promise<Verdict>;
}

export interface SmokeResult {
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

/** Why the direct-origin check does not apply to the local stack. */
export const NO_LOCAL_ORIGIN = 'no separate origin locally';

const pass = (detail: string): Verdict => ({ outcome: 'pass', detail });
const skip = (detail: string): Verdict => ({ outcome: 'skip', detail });

/** The headers every page is sent with, by CloudFront in AWS and by local/pages.ts here. */
function expectPageHeaders(reply: Reply, https: boolean): void {
  const header = (name: string) => reply.headers.get(name) ?? '';
  const missing = [
    !/default-src 'self'/.test(header('content-security-policy')) && 'Content-Security-Policy',
    header('x-content-type-options') !== 'nosniff' && 'X-Content-Type-Options: nosniff',
    header('referrer-policy') !== 'no-referrer' && 'Referrer-Policy: no-referrer',
    header('x-frame-options').toUpperCase() !== 'DENY' && 'X-Frame-Options: DENY',
    https && !header('strict-transport-security') && 'Strict-Transport-Security',
  ].filter(Boolean);
  if (missing.length > 0) throw new CheckFailed(`${new URL(reply.url).pathname} lacks ${missing.join(', ')}`);
}

const pages: SmokeCheck = {
  name: 'the pages are served with their security headers',
  async run(context) {
    const { target } = context;
    const paths = ['/', '/join', '/signin'];
    for (const path of paths) {
      const reply = await request(`${target.webUrl}${path}`);
      if (reply.status !== 200 || !reply.headers.get('content-type')?.startsWith('text/html')) throw new CheckFailed(`${path}: expected 200 text/html, got ${described(reply)}`);
      expectPageHeaders(reply, target.webUrl.startsWith('https:'));
      context.pagePolicy = reply.headers.get('content-security-policy')!;
    }
    return pass(`${paths.join(', ')}: HTML with CSP, nosniff, no-referrer, DENY${target.webUrl.startsWith('https:') ? ', HSTS' : ''}`);
  },
};

const pageConfig: SmokeCheck = {
  name: 'config.json is served and names the identity provider',
  async run(context) {
    const reply = await request(`${context.target.webUrl}/config.json`);
    const config = reply.json as Partial<PageConfig> | undefined;
    if (reply.status !== 200 || typeof config !== 'object') throw new CheckFailed(`expected 200 JSON, got ${described(reply)}`);
    const provider = config.identityProvider;
    if (typeof provider?.issuer !== 'string' || !/^https?:\/\//.test(provider.issuer) || typeof provider.clientId !== 'string' || provider.clientId === '') {
      throw new CheckFailed(`identityProvider needs an issuer URL and a clientId, got ${JSON.stringify(provider ?? null).slice(0, 160)}`);
    }
    expectPageHeaders(reply, context.target.webUrl.startsWith('https:'));
    context.config = config as PageConfig;
    return pass(`issuer ${provider.issuer}, client ${provider.clientId}`);
  },
};

/** A JWT in form only: it names the provider and the client, but no key of theirs signed it. */
function bogusToken(context: SmokeContext): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const issuer = context.config?.identityProvider.issuer ?? `${context.target.webUrl}/smoke-check`;
  const audience = context.config?.identityProvider.clientId ?? 'smoke-check';
  const claims = { iss: issuer, aud: audience, sub: 'smoke-check', email: 'smoke-check@example.com', email_verified: true, iat: now, exp: now + 300 };
  return [part({ alg: 'RS256', typ: 'JWT', kid: 'smoke-check' }), part(claims), randomBytes(256).toString('base64url')].join('.');
}

const authorizationReachesApi: SmokeCheck = {
  name: 'Authorization reaches the API (a bogus token gets API Gateway\'s own 401)',
  async run(context) {
    const reply = await request(`${context.target.webUrl}/v1/me`, { headers: { authorization: `Bearer ${bogusToken(context)}` } });
    if (reply.status === 401 && (reply.json as { message?: unknown } | undefined)?.message === 'Unauthorized') {
      return pass('401 {"message":"Unauthorized"} from the JWT authorizer');
    }
    if (reply.status === 401 && (reply.json as { code?: unknown } | undefined)?.code === 'UNAUTHENTICATED') {
      throw new CheckFailed(
        'the token was answered as if no Authorization header had been sent: the header does not reach the API (the /v1/* origin request policy must forward every viewer header but Host)',
      );
    }
    if (reply.status >= 200 && reply.status < 300) throw new CheckFailed(`a token no key signed was accepted: ${described(reply)}`);
    throw new CheckFailed(`expected 401 {"message":"Unauthorized"}, got ${described(reply)}`);
  },
};

const directOriginRefused: SmokeCheck = {
  name: 'a direct call to the API origin gets nowhere',
  async run({ target }) {
    if (target.local) return skip(NO_LOCAL_ORIGIN);
    if (!target.apiOriginUrl) throw new CheckFailed('no API origin to try: give the outputs file (its ApiOriginUrl output) or --api-origin <url>');
    // A public operation: nothing but the origin check stands between a direct caller and a 200.
    const reply = await request(`${target.apiOriginUrl}/v1/openapi.json`);
    if (reply.status === 401 || reply.status === 403) return pass(`${target.apiOriginUrl} answers ${reply.status}`);
    if (reply.status >= 200 && reply.status < 300) throw new CheckFailed(`${target.apiOriginUrl}/v1/openapi.json answered ${reply.status} without going through CloudFront: the origin check is off`);
    throw new CheckFailed(`expected 403 or 401 from ${target.apiOriginUrl}/v1/openapi.json, got ${described(reply)}`);
  },
};

const unknownRoute: SmokeCheck = {
  name: 'an unknown route answers 404 problem+json',
  async run({ target }) {
    expectProblem(await request(`${target.webUrl}/v1/smoke-check/no-such-route`), 404, 'NOT_FOUND');
    return pass('404 NOT_FOUND');
  },
};

const missingToken: SmokeCheck = {
  name: 'a missing token answers 401 problem+json',
  async run({ target }) {
    expectProblem(await request(`${target.webUrl}/v1/me`), 401, 'UNAUTHENTICATED');
    return pass('401 UNAUTHENTICATED');
  },
};

const signInStarts: SmokeCheck = {
  name: 'a sign-in starts at the identity provider',
  async run(context) {
    const { config, target } = context;
    if (!config) throw new CheckFailed('config.json could not be read (above), so there is no provider to try');
    const provider = config.identityProvider;
    let authorization = provider.endpoints?.authorization;
    /** Where the pages' own scripts fetch from during a sign-in: the CSP's connect-src must allow each. */
    const fetched = [provider.endpoints?.token];
    // Without endpoints the pages read the discovery document from the browser: it must be there, and readable from the pages' origin.
    if (!authorization) {
      const discoveryUrl = `${provider.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const webOrigin = new URL(target.webUrl).origin;
      const reply = await request(discoveryUrl, { headers: { origin: webOrigin } });
      const discovery = reply.json as { issuer?: unknown; authorization_endpoint?: unknown } | undefined;
      if (reply.status !== 200 || typeof discovery?.authorization_endpoint !== 'string') throw new CheckFailed(`discovery at ${discoveryUrl}: expected 200 JSON, got ${described(reply)}`);
      if (discovery.issuer !== provider.issuer) throw new CheckFailed(`discovery names the issuer "${String(discovery.issuer)}", config.json "${provider.issuer}": tokens would be refused`);
      const allowed = reply.headers.get('access-control-allow-origin');
      if (new URL(discoveryUrl).origin !== webOrigin && allowed !== '*' && allowed !== webOrigin) {
        throw new CheckFailed(`discovery at ${discoveryUrl} is not readable from ${webOrigin} (Access-Control-Allow-Origin: ${allowed ?? 'none'})`);
      }
      authorization = discovery.authorization_endpoint;
      fetched.push(discoveryUrl, (discovery as { token_endpoint?: string }).token_endpoint);
    }
    expectConnectAllowed(context, fetched.filter((u): u is string => typeof u === 'string'));
    const redirectUri = `${target.webUrl}/signin`;
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(authorization);
    url.search = new URLSearchParams({
      ...Object.fromEntries(url.searchParams),
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: redirectUri,
      scope: provider.scope,
      state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const { final, hops } = await followRedirects(url.href, (location) => {
      const error = location.searchParams.get('error') ?? new URLSearchParams(location.hash.slice(1)).get('error');
      if (error) throw new CheckFailed(`the provider refused the sign-in: ${error}${location.searchParams.get('error_description') ? ` (${location.searchParams.get('error_description')})` : ''}`);
      if (location.href.startsWith(redirectUri)) throw new CheckFailed('the provider sent the browser back to the pages without a sign-in page');
    });
    if (final.status !== 200 || !final.headers.get('content-type')?.startsWith('text/html')) {
      throw new CheckFailed(`expected a sign-in page (200 text/html), got ${described(final)}`);
    }
    const page = new URL(final.url);
    return pass(`sign-in page at ${page.origin}${page.pathname}${hops.length ? ` after ${hops.length} redirect${hops.length > 1 ? 's' : ''}` : ''}`);
  },
};

/** Each URL is the pages' own origin or named in their CSP's connect-src, else the browser refuses to fetch it. */
function expectConnectAllowed({ target, pagePolicy }: SmokeContext, urls: string[]): void {
  if (pagePolicy === undefined) return;
  const directive = (name: string) => new RegExp(`(?:^|;)\\s*${name}([^;]*)`).exec(pagePolicy)?.[1]?.trim().split(/\s+/);
  // Without connect-src, the browser falls back to default-src.
  const connect = directive('connect-src') ?? directive('default-src') ?? [];
  const webOrigin = new URL(target.webUrl).origin;
  for (const url of urls) {
    const { origin } = new URL(url);
    if (origin === webOrigin ? connect.includes("'self'") : connect.some((source) => source.replace(/\/+$/, '') === origin || url.startsWith(source))) continue;
    throw new CheckFailed(`the pages' Content-Security-Policy does not let them fetch ${url} (connect-src ${connect.join(' ') || 'missing'})`);
  }
}

const apiDocument: SmokeCheck = {
  name: 'the API document is served (OpenAPI 3.1)',
  async run({ target }) {
    const reply = await request(`${target.webUrl}/v1/openapi.json`);
    const document = reply.json as { openapi?: unknown; paths?: Record<string, unknown> } | undefined;
    if (reply.status !== 200 || typeof document?.openapi !== 'string') throw new CheckFailed(`expected 200 JSON, got ${described(reply)}`);
    if (!/^3\.1\.\d+$/.test(document.openapi)) throw new CheckFailed(`openapi is "${document.openapi}", not 3.1`);
    const paths = Object.keys(document.paths ?? {});
    if (!paths.includes('/v1/me')) throw new CheckFailed(`the document has no /v1/me (paths: ${paths.slice(0, 5).join(', ') || 'none'})`);
    return pass(`OpenAPI ${document.openapi}, ${paths.length} paths`);
  },
};

export const SMOKE_CHECKS: readonly SmokeCheck[] = [
  pages,
  pageConfig,
  authorizationReachesApi,
  directOriginRefused,
  unknownRoute,
  missingToken,
  signInStarts,
  apiDocument,
];

/** Every check in order; one failing does not stop the next. */
export async function runSmoke(target: SmokeTarget, checks: readonly SmokeCheck[] = SMOKE_CHECKS): Promise<SmokeResult[]> {
  const context: SmokeContext = { target };
  const results: SmokeResult[] = [];
  for (const check of checks) {
    try {
      const verdict = await check.run(context);
      results.push({ name: check.name, ...verdict });
    } catch (error) {
      results.push({ name: check.name, outcome: 'fail', detail: error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return results;
}

export function formatResult({ name, outcome, detail }: SmokeResult): string {
  if (outcome === 'skip') return `SKIP  ${name} (skipped: ${detail})`;
  return `${outcome === 'pass' ? 'PASS' : 'FAIL'}  ${name}: ${detail}`;
}

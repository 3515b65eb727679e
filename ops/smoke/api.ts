/** The API through the one origin, and the origin behind it: what answers, and in which shape. */
import { randomBytes } from 'node:crypto';
import { NO_LOCAL_ORIGIN, pass, skip, type SmokeCheck, type SmokeContext } from './check.ts';
import { CheckFailed, described, expectProblem, request } from './http.ts';

/** A JWT in form only: it names the provider and the client, but no key of theirs signed it. */
function bogusToken(context: SmokeContext): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const issuer = context.config?.identityProvider.issuer ?? `${context.target.webUrl}/smoke-check`;
  const audience = context.config?.identityProvider.clientId ?? 'smoke-check';
  const claims = { iss: issuer, aud: audience, sub: 'smoke-check', email: 'smoke-check@example.com', email_verified: true, iat: now, exp: now + 300 };
  return [part({ alg: 'RS256', typ: 'JWT', kid: 'smoke-check' }), part(claims), randomBytes(256).toString('base64url')].join('.');
}

export const authorizationReachesApi: SmokeCheck = {
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

export const directOriginRefused: SmokeCheck = {
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

export const unknownRoute: SmokeCheck = {
  name: 'an unknown route answers 404 problem+json',
  async run({ target }) {
    expectProblem(await request(`${target.webUrl}/v1/smoke-check/no-such-route`), 404, 'NOT_FOUND');
    return pass('404 NOT_FOUND');
  },
};

export const missingToken: SmokeCheck = {
  name: 'a missing token answers 401 problem+json',
  async run({ target }) {
    expectProblem(await request(`${target.webUrl}/v1/me`), 401, 'UNAUTHENTICATED');
    return pass('401 UNAUTHENTICATED');
  },
};

export const apiDocument: SmokeCheck = {
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

/**
 * What API Gateway's HTTP API JWT authorizer does, for the local front door: the token comes from
 * the Authorization header, bare or after "Bearer "; its key is found by `kid` in the JWKS named by
 * the issuer's discovery document; only RSA signatures count; `iss` must equal the issuer; `aud`
 * (or, when there is no `aud`, `client_id`) must be one of the audiences; `exp` must be present
 * and in the future; `nbf` and `iat`, when present, in the past. Nothing else is checked, and the
 * claims reach the handler as strings, as API Gateway passes them.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';

const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** API Gateway caches an issuer's keys for up to two hours. */
const JWKS_CACHE_MS = 2 * 3600 * 1000;

export type AuthorizerClaims = Record<string, string>;

export interface JwtAuthorizer {
  /** The claims of a token API Gateway would accept, or undefined. */
  authorize(authorizationHeader: string | undefined): Promise<AuthorizerClaims | undefined>;
}

export function jwtAuthorizer({ issuer, audience }: { issuer: string; audience: string[] }): JwtAuthorizer {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    keys ??= (async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`discovery for ${issuer} answered ${res.status}`);
      const { jwks_uri: jwksUri } = (await res.json()) as { jwks_uri?: string };
      if (!jwksUri) throw new Error(`discovery for ${issuer} names no jwks_uri`);
      return createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: JWKS_CACHE_MS });
    })();
    keys.catch(() => (keys = undefined));
    return keys;
  };

  return {
    async authorize(header) {
      const token = /^(?:Bearer )?([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header?.trim() ?? '')?.[1];
      if (!token) return undefined;
      let payload: JWTPayload;
      try {
        if (!decodeProtectedHeader(token).kid) return undefined;
        ({ payload } = await jwtVerify(token, await keySet(), { issuer, algorithms: RSA_ALGORITHMS, requiredClaims: ['exp'] }));
      } catch {
        return undefined;
      }
      const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
      if (!audiences.some((a) => typeof a === 'string' && audience.includes(a))) return undefined;
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000) return undefined;
      return asGatewayClaims(payload);
    },
  };
}

/** Every claim as a string: numbers and booleans spelled out, lists as `[a b]`, objects as JSON. */
export function asGatewayClaims(payload: Record<string, unknown>): AuthorizerClaims {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value),
    ]),
  );
}

/**
 * The local stack's development identity provider: it signs ES256 bearer tokens the front door
 * verifies exactly as the HTTP API's JWT authorizer does in AWS (signature, issuer, audience,
 * expiry). Local only: nothing in functions/ or infra/ knows it exists.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

export const DEV_ISSUER = 'https://dev-issuer.invite-links.localhost';
export const DEV_AUDIENCE = 'invite-links';
const ALG = 'ES256';
const LIFETIME = '1h';

export interface DevIssuer {
  sign(claims: { sub: string; email: string }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

/** With a key file the key survives restarts, so tokens stay valid; without one it lives in memory. */
export async function createDevIssuer(keyFile?: string): Promise<DevIssuer> {
  const privateJwk = keyFile && existsSync(keyFile) ? (JSON.parse(readFileSync(keyFile, 'utf8')) as JWK) : await newKey();
  if (keyFile && !existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _secret, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALG);
  const publicKey = await importJWK(publicJwk, ALG);
  return {
    sign: ({ sub, email }) =>
      new SignJWT({ email })
        .setProtectedHeader({ alg: ALG })
        .setSubject(sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(LIFETIME)
        .sign(privateKey),
    verify: async (token) =>
      (await jwtVerify(token, publicKey, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: [ALG] })).payload,
  };
}

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  return exportJWK(privateKey);
}

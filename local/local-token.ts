/**
 * `POST /local/token`, local only, as a provider's admin would: an ID token from the identity
 * provider for an email, creating a verified identity for an email it does not know. It mints
 * anyone's token, so it asks for proof that the caller can read this start's secret: a new
 * random value each `npm start`, written to a file only this user can read, which `npm run token`
 * reads and sends in `X-Local-Token-Secret`. Only `application/json` is read, so a cross-site form
 * cannot post to it (and the front door answers only localhost, so a rebound name cannot either).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { email as emailSchema } from '#shared/domain/values.ts';
import { send } from './http.ts';
import type { LocalIdentityProvider } from './identity/provider.ts';
import { LOCAL_TOKEN_PATH, SECRET_HEADER } from './local-token-secret.ts';

/** Answers `POST /local/token`; false for any other request. */
export async function localToken(req: IncomingMessage, res: ServerResponse, body: Buffer, idp: LocalIdentityProvider, secret: string): Promise<boolean> {
  if (req.method !== 'POST' || req.url !== LOCAL_TOKEN_PATH) return false;
  const json = (statusCode: number, payload: unknown) =>
    send(res, { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(payload) });
  if (!isJson(req.headers['content-type'])) {
    json(415, { code: 'INVALID_REQUEST', field: 'content-type', detail: 'content-type: send application/json' });
    return true;
  }
  if (!sameSecret(req.headers[SECRET_HEADER], secret)) {
    json(403, { code: 'FORBIDDEN', detail: `${SECRET_HEADER}: send this start's secret, as npm run token does (it reads it from DATA_DIR)` });
    return true;
  }
  let request: { email?: unknown; givenName?: unknown; familyName?: unknown } = {};
  try {
    request = JSON.parse(body.toString('utf8')) as typeof request;
  } catch {
    // answered below
  }
  const email = emailSchema.safeParse(request?.email);
  if (!email.success) {
    json(400, { code: 'INVALID_REQUEST', field: 'email', detail: `email: send {"email": "name@example.com"}` });
    return true;
  }
  const name = (value: unknown) => (typeof value === 'string' && value.length <= 100 ? value : undefined);
  json(200, { token: await idp.tokenFor(email.data, { givenName: name(request.givenName), familyName: name(request.familyName) }) });
  return true;
}

const isJson = (type: string | undefined) => type?.split(';')[0]?.trim().toLowerCase() === 'application/json';

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Sign-in through the identity provider's hosted UI: OAuth 2.0 authorization code + PKCE (S256),
 * a public client with no secret, no libraries. The functions here are pure or take what they
 * touch (fetch, storage) as arguments, so they run in tests without a browser.
 *
 * Tokens never go into a URL or a log: the code comes back in the query string (it is single-use
 * and worthless without the verifier, which never leaves this tab), the token comes back in the
 * token endpoint's response body and goes to sessionStorage only.
 */
import type { PageConfig } from './api.ts';

/** Why a sign-in could not finish, in words for the person signing in. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

/** base64url without padding (RFC 4648 §5), as PKCE and state want it. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteCount: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** An unguessable `state` value (256 bits). */
export function randomState(): string {
  return randomString(32);
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ASCII(verifier))), RFC 7636 §4.2. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** A fresh PKCE pair: a 43-character verifier from 32 random bytes, and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomString(32);
  return { verifier, challenge: await codeChallenge(verifier) };
}

/** `https://<hosted UI domain>`, whether config.json names the domain with or without the scheme. */
export function hostedUiOrigin(config: PageConfig): string {
  const domain = config.identityProvider?.hostedUiDomain?.trim();
  if (!domain) throw new SignInError('This deployment has no hosted sign-in page configured.');
  const url = new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`);
  if (url.protocol !== 'https:') throw new SignInError('The hosted sign-in page must use https.');
  return url.origin;
}

/** Whether the pages can sign people in themselves (a hosted UI is configured). */
export function canSignIn(config: PageConfig): boolean {
  return Boolean(config.identityProvider?.clientId && config.identityProvider.hostedUiDomain);
}

function clientIdOf(config: PageConfig): string {
  const clientId = config.identityProvider?.clientId;
  if (!clientId) throw new SignInError('This deployment has no identity provider client configured.');
  return clientId;
}

/** Where to send the browser to sign in. */
export function authorizeUrl(config: PageConfig, { state, challenge, redirectUri }: { state: string; challenge: string; redirectUri: string }): string {
  // Built by hand: URLSearchParams would encode the space between the scopes as '+' too, but
  // spelling it out keeps the exact query visible here.
  const query = [
    ['response_type', 'code'],
    ['client_id', clientIdOf(config)],
    ['redirect_uri', redirectUri],
    ['scope', 'openid email'],
    ['state', state],
    ['code_challenge', challenge],
    ['code_challenge_method', 'S256'],
  ]
    .map(([key, value]) => `${key}=${encodeURIComponent(value!).replace(/%20/g, '+')}`)
    .join('&');
  return `${hostedUiOrigin(config)}/oauth2/authorize?${query}`;
}

/** The hosted UI's sign-out, which ends its session too and then returns to `logoutUri`. */
export function logoutUrl(config: PageConfig, logoutUri: string): string {
  const query = new URLSearchParams({ client_id: clientIdOf(config), logout_uri: logoutUri });
  return `${hostedUiOrigin(config)}/logout?${query}`;
}

interface TokenResponse {
  id_token?: unknown;
  access_token?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * Trades the code for tokens at `/oauth2/token` and returns the one to send to the API.
 *
 * The ID token when the API's audience is this client id: a Cognito ID token carries
 * `aud` = client id (which is what the JWT authorizer's audience is checked against) and the
 * `email` claim, while a Cognito access token has no `aud` at all (only `client_id`), so the ID
 * token is the one that is a JWT *for this audience* at any standards-following authorizer. With
 * an external provider whose API audience is something else, the access token is meant for it.
 */
export async function exchangeCode(
  config: PageConfig,
  { code, verifier, redirectUri }: { code: string; verifier: string; redirectUri: string },
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const clientId = clientIdOf(config);
  const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier });
  let res: Response;
  try {
    res = await fetchImpl(`${hostedUiOrigin(config)}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new SignInError('The sign-in service could not be reached. Check your connection and try again.');
  }
  let parsed: TokenResponse = {};
  try {
    parsed = ((await res.json()) ?? {}) as TokenResponse;
  } catch {
    parsed = {};
  }
  if (!res.ok) {
    const reason = typeof parsed.error === 'string' ? parsed.error : `HTTP ${res.status}`;
    const hint = reason === 'invalid_grant' ? ' The sign-in code was already used or has expired.' : '';
    throw new SignInError(`The identity provider did not complete the sign-in (${reason}).${hint} Start again.`);
  }
  const wantIdToken = config.identityProvider?.audience?.includes(clientId) ?? true;
  const token = wantIdToken ? parsed.id_token : (parsed.access_token ?? parsed.id_token);
  if (typeof token !== 'string' || token === '') throw new SignInError('The identity provider sent no usable token. Start again.');
  return token;
}

// --- The round trip: what is kept in this tab between leaving for the hosted UI and coming back.

const PENDING_KEY = 'invite-links.oidc-pending';

interface Pending {
  state: string;
  verifier: string;
  redirectUri: string;
}

/** Makes and remembers a state and verifier, and returns the URL to send the browser to. */
export async function beginSignIn(config: PageConfig, redirectUri: string, storage: Pick<Storage, 'setItem'> = sessionStorage): Promise<string> {
  const { verifier, challenge } = await pkcePair();
  const state = randomState();
  const url = authorizeUrl(config, { state, challenge, redirectUri });
  storage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, redirectUri } satisfies Pending));
  return url;
}

/** What the hosted UI sent back in the query string, if anything. */
export type Callback =
  | { kind: 'none' }
  | { kind: 'error'; error: string; description?: string }
  | { kind: 'code'; code: string; state: string };

export function readCallback(search: string): Callback {
  const params = new URLSearchParams(search);
  const error = params.get('error');
  if (error) return { kind: 'error', error, ...(params.get('error_description') ? { description: params.get('error_description')! } : {}) };
  const code = params.get('code');
  if (code) return { kind: 'code', code, state: params.get('state') ?? '' };
  return { kind: 'none' };
}

/** The query string without what the hosted UI added (code, state, error…), for history.replaceState. */
export function withoutCallbackParams(search: string): string {
  const params = new URLSearchParams(search);
  for (const key of ['code', 'state', 'error', 'error_description', 'error_uri', 'session_state', 'iss']) params.delete(key);
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/**
 * The verifier for a returning `state`, once: the pending sign-in is removed whether or not it
 * matches, so a code can be redeemed from this tab at most once and a stale one never lingers.
 */
export function takePending(state: string, storage: Pick<Storage, 'getItem' | 'removeItem'> = sessionStorage): { verifier: string; redirectUri: string } {
  const raw = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  let pending: Partial<Pending> = {};
  try {
    pending = raw ? (JSON.parse(raw) as Partial<Pending>) : {};
  } catch {
    pending = {};
  }
  if (!pending.state || !pending.verifier || !pending.redirectUri) {
    throw new SignInError('This sign-in was not started in this tab, or was already finished. Start again.');
  }
  if (!timingSafeEqual(pending.state, state)) throw new SignInError('This sign-in does not match the one started in this tab. Start again.');
  return { verifier: pending.verifier, redirectUri: pending.redirectUri };
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Runs a code callback to its end: checks state, trades the code, returns the token. */
export async function completeSignIn(
  config: PageConfig,
  callback: { code: string; state: string },
  storage: Pick<Storage, 'getItem' | 'removeItem'> = sessionStorage,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const { verifier, redirectUri } = takePending(callback.state, storage);
  return exchangeCode(config, { code: callback.code, verifier, redirectUri }, fetchImpl);
}

/** The hosted UI's `error` / `error_description`, in words. The description is shown as text, never markup. */
export function callbackErrorMessage(error: string, description?: string): string {
  const known: Record<string, string> = {
    access_denied: 'Sign-in was cancelled or not allowed.',
    unauthorized_client: 'This app is not allowed to sign people in with that identity provider.',
    invalid_request: 'The sign-in request was not accepted.',
    invalid_scope: 'The sign-in request asked for something the identity provider does not offer.',
    server_error: 'The identity provider had a problem.',
    temporarily_unavailable: 'The identity provider is busy.',
  };
  const base = known[error] ?? 'Sign-in did not complete.';
  const detail = description ? ` (${description.slice(0, 200)})` : '';
  return `${base}${detail} Try again, or ask an admin if it keeps happening.`;
}

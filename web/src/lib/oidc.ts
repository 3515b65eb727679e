/**
 * Sign-in with OpenID Connect: authorization code + PKCE (S256) + nonce, a public client, through
 * oauth4webapi, against the provider lib/oidc-provider.ts resolves. The functions here are pure or
 * take what they touch (fetch, storage, the origin) as arguments, so they run in tests without a
 * browser; lib/sign-in.ts ties them to this tab.
 *
 * Tokens never go into a URL or a log: the code comes back in the query string (single-use and
 * worthless without the verifier, which never leaves this tab) and is taken out of the address bar
 * at once; the tokens come back in the token endpoint's response body and go to sessionStorage
 * only. Sign-out names the client, not the ID token: an `id_token_hint` would put a token that the
 * API accepts into a URL.
 */
import * as oauth from 'oauth4webapi';
import type { IdentityProviderConfig } from '../../page-config.ts';
import { endpointUrl, providerName, requestOptions, SignInError, SignInNeeded, type Provider } from './oidc-provider.ts';

/** What a finished sign-in gives the pages. */
export interface SignedIn {
  /** The bearer token for the API (see apiToken). */
  token: string;
  /** The ID token itself: the join page reads the person's names from it. */
  idToken: string;
  /** The ID token's claims, checked by oauth4webapi (issuer, audience, expiry, nonce). */
  claims: oauth.IDToken;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  /** Ask for the provider's sign-up screen instead of its sign-in screen. */
  signUp?: boolean;
  /** What the join page shows anyone with the link, for a provider that shows it too (config.invitationParams). */
  invitation?: { organisation: string; emailDomains: string[] };
  /**
   * `login`: ask again even when the provider still has a session ("use another account").
   * `none`: sign in from the provider's session without showing anything, or come back with
   * `login_required` (a new tab, an email's link: lib/sign-in.ts).
   */
  prompt?: 'login' | 'none';
}

/**
 * Where to send the browser. Sign-up goes to the provider's sign-up page when config.json names one
 * (Cognito's takes the authorize parameters), otherwise to the authorization endpoint with the
 * configured sign-up parameters (`screen_hint=signup` for the local provider).
 */
export function authorizationUrl(provider: Provider, request: AuthorizationRequest): string {
  const { config, as, insecure } = provider;
  const signUpEndpoint = request.signUp ? config.endpoints?.signUp : undefined;
  const url = signUpEndpoint ? endpointUrl(signUpEndpoint, 'sign-up', insecure) : endpointUrl(as.authorization_endpoint, 'sign-in', insecure);
  // The extra parameters go first, so none of them can replace the protocol's own below.
  if (request.signUp && !signUpEndpoint) for (const [name, value] of Object.entries(config.signUpParams ?? {})) url.searchParams.set(name, value);
  if (request.invitation && config.invitationParams) {
    url.searchParams.set(config.invitationParams.organisation, request.invitation.organisation);
    if (request.invitation.emailDomains.length) url.searchParams.set(config.invitationParams.emailDomains, request.invitation.emailDomains.join(','));
  }
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: request.redirectUri,
    scope: config.scope,
    state: request.state,
    nonce: request.nonce,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    ...(request.prompt ? { prompt: request.prompt } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

// --- The round trip: what this tab keeps between leaving for the provider and coming back.

export const PENDING_KEY = 'invite-links.oidc-pending';

interface Pending {
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
  /** Asked with prompt=none: a refusal means "show the Sign in card", not an error. */
  silent?: boolean;
}

/** Makes and remembers a state, nonce and PKCE verifier, and returns the URL to send the browser to. */
export async function beginSignIn(
  provider: Provider,
  request: Pick<AuthorizationRequest, 'redirectUri' | 'signUp' | 'prompt' | 'invitation'>,
  storage: Pick<Storage, 'setItem'> = sessionStorage,
): Promise<string> {
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: Pending = {
    state: oauth.generateRandomState(),
    verifier,
    nonce: oauth.generateRandomNonce(),
    redirectUri: request.redirectUri,
    ...(request.prompt === 'none' ? { silent: true } : {}),
  };
  const url = authorizationUrl(provider, { ...request, state: pending.state, nonce: pending.nonce, codeChallenge: await oauth.calculatePKCECodeChallenge(verifier) });
  storage.setItem(PENDING_KEY, JSON.stringify(pending));
  return url;
}

/** The pending sign-in, once: it is removed whatever happens next, so a callback is redeemed from this tab at most once. */
function takePending(storage: Pick<Storage, 'getItem' | 'removeItem'>): Pending | undefined {
  const raw = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  try {
    const pending = (raw ? JSON.parse(raw) : {}) as Partial<Pending>;
    return pending.state && pending.verifier && pending.nonce && pending.redirectUri ? (pending as Pending) : undefined;
  } catch {
    return undefined;
  }
}

/** What a provider answers prompt=none when it cannot sign the person in without them (OpenID Connect Core 3.1.2.6). */
const NEEDS_THE_PERSON = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'session_state'];

/** Whether this query string is the provider's answer (a code or an error). */
export function isCallback(search: string): boolean {
  const params = new URLSearchParams(search);
  return params.has('code') || params.has('error');
}

/** The query string without what the provider added, for history.replaceState. */
export function withoutCallbackParams(search: string): string {
  const params = new URLSearchParams(search);
  for (const name of CALLBACK_PARAMS) params.delete(name);
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/**
 * Runs a callback to its end: checks it against the sign-in this tab started (state, issuer),
 * trades the code with the PKCE verifier, checks the ID token (issuer, audience, expiry, nonce)
 * and returns the tokens.
 */
export async function completeSignIn(
  provider: Provider,
  callback: URLSearchParams,
  storage: Pick<Storage, 'getItem' | 'removeItem'> = sessionStorage,
  fetchImpl?: typeof fetch,
): Promise<SignedIn> {
  const { as, client, config, insecure } = provider;
  const pending = takePending(storage);
  const error = callback.get('error');
  if (!pending) {
    throw new SignInError(error ? callbackErrorMessage(error) : 'This sign-in was not started in this tab, or was already finished. Start again.');
  }
  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(as, client, callback, pending.state);
  } catch (cause) {
    if (cause instanceof oauth.AuthorizationResponseError) {
      if (pending.silent && NEEDS_THE_PERSON.has(cause.error)) throw new SignInNeeded('Sign in to go on.');
      throw new SignInError(callbackErrorMessage(cause.error, cause.error_description));
    }
    // An error that does not match this tab's sign-in grants nothing; its description is not shown, since anyone could have written it.
    if (error) throw new SignInError(callbackErrorMessage(error));
    throw new SignInError('This sign-in does not match the one started in this tab. Start again.');
  }
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), validated, pending.redirectUri, pending.verifier, requestOptions(insecure, fetchImpl));
  } catch {
    throw new SignInError(`${providerName(config)} could not be reached. Check your connection and try again.`);
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  } catch (cause) {
    if (cause instanceof oauth.ResponseBodyError) {
      const hint = cause.error === 'invalid_grant' ? ' The sign-in code was already used or has expired.' : '';
      throw new SignInError(`${providerName(config)} did not complete the sign-in (${cause.error}).${hint} Start again.`);
    }
    throw new SignInError(`${providerName(config)}'s answer could not be checked, so you are not signed in. Start again.`);
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims || !tokens.id_token) throw new SignInError(`${providerName(config)} sent no ID token. Start again.`);
  return { token: apiToken(config, tokens), idToken: tokens.id_token, claims };
}

/**
 * The token to send to the API: the ID token when the API's audience is this client (Cognito's and
 * the local provider's ID tokens carry `aud` = client id, and a Cognito access token has no `aud`
 * at all), otherwise the access token, which is the one meant for an API of its own.
 */
export function apiToken(config: Pick<IdentityProviderConfig, 'audience' | 'clientId'>, tokens: { id_token?: string; access_token?: string }): string {
  const token = config.audience.includes(config.clientId) ? tokens.id_token : tokens.access_token;
  if (!token) throw new SignInError('The identity provider sent no usable token. Start again.');
  return token;
}

/**
 * Where "Sign out" goes once the session is cleared: Cognito's logout (client_id + logout_uri), or
 * the provider's end_session_endpoint (id_token_hint, client_id, post_logout_redirect_uri), so the
 * next sign-in is not silent; otherwise straight to /signin.
 */
export function signOutUrl(provider: Provider | undefined, { origin }: { origin: string }): string {
  const back = `${origin}/signin`;
  if (!provider) return '/signin';
  const { config, as, insecure } = provider;
  if (config.endpoints?.logout) {
    const url = endpointUrl(config.endpoints.logout, 'sign-out', insecure);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('logout_uri', back);
    return url.href;
  }
  if (!config.endpoints && as.end_session_endpoint) {
    const url = endpointUrl(as.end_session_endpoint, 'sign-out', insecure);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('post_logout_redirect_uri', back);
    return url.href;
  }
  return '/signin';
}

/** The provider's `error` / `error_description`, in words. The description is shown as text, never markup. */
export function callbackErrorMessage(error: string, description?: string): string {
  const known: Record<string, string> = {
    access_denied: 'Sign-in was cancelled or not allowed.',
    login_required: 'You need to sign in again.',
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

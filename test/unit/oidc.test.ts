/** The pages' OpenID Connect sign-in (web/src/lib/: oidc-provider.ts, oidc.ts, return-to.ts, id-token.ts): endpoints, the round trip, the token for the API, sign-out, where to go back to. */
import { describe, expect, it, vi } from 'vitest';
import type { IdentityProviderConfig } from '../../web/page-config.ts';
import { namesFromClaims, readIdTokenClaims } from '../../web/src/lib/id-token.ts';
import { apiToken, authorizationUrl, beginSignIn, callbackErrorMessage, completeSignIn, isCallback, PENDING_KEY, signOutUrl, withoutCallbackParams } from '../../web/src/lib/oidc.ts';
import { allowsInsecureRequests, providerName, resolveProvider, SignInError, SignInNeeded, type Provider } from '../../web/src/lib/oidc-provider.ts';
import { rememberReturnTo, RETURN_TO_KEY, sanitizeReturnTo, takeReturnTo } from '../../web/src/lib/return-to.ts';

const LOCAL_ISSUER = 'http://localhost:3000/oidc';
const local: IdentityProviderConfig = {
  issuer: LOCAL_ISSUER,
  clientId: 'invite-links-web',
  audience: ['invite-links-web'],
  scope: 'openid email profile',
  displayName: 'the local identity provider',
  signUpParams: { screen_hint: 'signup' },
};
const LOCAL_METADATA = {
  issuer: LOCAL_ISSUER,
  authorization_endpoint: `${LOCAL_ISSUER}/auth`,
  token_endpoint: `${LOCAL_ISSUER}/token`,
  end_session_endpoint: `${LOCAL_ISSUER}/session/end`,
  jwks_uri: `${LOCAL_ISSUER}/jwks`,
  authorization_response_iss_parameter_supported: true,
  id_token_signing_alg_values_supported: ['RS256'],
};

const HOSTED = 'https://invites.auth.eu-west-1.amazoncognito.com';
const COGNITO_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf';
const cognito: IdentityProviderConfig = {
  issuer: COGNITO_ISSUER,
  clientId: 'client123',
  audience: ['client123'],
  scope: 'openid email profile',
  displayName: 'Cognito',
  endpoints: {
    authorization: `${HOSTED}/oauth2/authorize`,
    token: `${HOSTED}/oauth2/token`,
    signUp: `${HOSTED}/signup`,
    logout: `${HOSTED}/logout`,
  },
};

const EXTERNAL_ISSUER = 'https://login.example.com';
const external: IdentityProviderConfig = {
  issuer: EXTERNAL_ISSUER,
  clientId: 'pages',
  audience: ['https://api.example.com'],
  scope: 'openid email profile',
};

const ORIGIN = 'https://d111.cloudfront.net';
const REDIRECT = `${ORIGIN}/join`;

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A stand-in for the provider: answers by URL, records every request. */
function fakeProvider(routes: Record<string, () => Response | Promise<Response>>) {
  return vi.fn(async (input: string | URL | Request, _init?: RequestInit) => {
    const url = String(input);
    const route = routes[url];
    if (!route) throw new TypeError(`Failed to fetch ${url}`);
    return route();
  });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An ID token as the token endpoint returns it (oauth4webapi checks its claims; its signature is TLS's business there). */
function idToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64url({ iat: now, exp: now + 3600, ...claims })}.c2lnbmF0dXJl`;
}

/** A provider for config with endpoints: no network at all. */
const cognitoProvider = () => resolveProvider(cognito);
const localProvider = (): Provider => ({ config: local, as: LOCAL_METADATA, client: { client_id: local.clientId }, insecure: true });

describe('where the provider lives', () => {
  it('uses the endpoints config.json gives (Cognito) without asking anyone', async () => {
    const fetchImpl = fakeProvider({});
    const provider = await resolveProvider(cognito, fetchImpl as unknown as typeof fetch);
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(provider.as).toEqual({ issuer: COGNITO_ISSUER, authorization_endpoint: `${HOSTED}/oauth2/authorize`, token_endpoint: `${HOSTED}/oauth2/token` });
    expect(provider.insecure).toBe(false);
  });

  it('otherwise reads the discovery document at {issuer}/.well-known/openid-configuration, over http only on this machine', async () => {
    const fetchImpl = fakeProvider({ [`${LOCAL_ISSUER}/.well-known/openid-configuration`]: () => json(200, LOCAL_METADATA) });
    const provider = await resolveProvider(local, fetchImpl as unknown as typeof fetch);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(provider.as.authorization_endpoint).toBe(`${LOCAL_ISSUER}/auth`);
    expect(provider.as.end_session_endpoint).toBe(`${LOCAL_ISSUER}/session/end`);
    expect(provider.insecure).toBe(true);

    const https = fakeProvider({ [`${EXTERNAL_ISSUER}/.well-known/openid-configuration`]: () => json(200, { ...LOCAL_METADATA, issuer: EXTERNAL_ISSUER }) });
    expect((await resolveProvider(external, https as unknown as typeof fetch)).insecure).toBe(false);
  });

  it('allows plain http for localhost and 127.0.0.1 only', async () => {
    expect(allowsInsecureRequests('http://localhost:3000/oidc')).toBe(true);
    expect(allowsInsecureRequests('http://127.0.0.1:3000/oidc')).toBe(true);
    expect(allowsInsecureRequests('http://localhost.evil.example/oidc')).toBe(false);
    expect(allowsInsecureRequests('https://login.example.com')).toBe(false);
    expect(allowsInsecureRequests('not a url')).toBe(false);
    const fetchImpl = fakeProvider({});
    await expect(resolveProvider({ ...external, issuer: 'http://login.example.com' }, fetchImpl as unknown as typeof fetch)).rejects.toThrow(/must use https/);
    await expect(resolveProvider({ ...cognito, endpoints: { ...cognito.endpoints!, token: 'http://example.com/token' } })).rejects.toThrow(/must use https/);
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('refuses a discovery document for another issuer, and says so when the provider cannot be reached', async () => {
    const foreign = fakeProvider({ [`${LOCAL_ISSUER}/.well-known/openid-configuration`]: () => json(200, { ...LOCAL_METADATA, issuer: 'http://localhost:3000/other' }) });
    await expect(resolveProvider(local, foreign as unknown as typeof fetch)).rejects.toThrow(SignInError);
    const offline = fakeProvider({});
    await expect(resolveProvider(local, offline as unknown as typeof fetch)).rejects.toThrow(/the local identity provider could not be reached/);
  });

  it('names the provider by its display name, else its host', () => {
    expect(providerName(local)).toBe('the local identity provider');
    expect(providerName(external)).toBe('login.example.com');
  });
});

describe('leaving for the provider', () => {
  it('asks for a code with S256 PKCE, state and nonce, and remembers them in this tab only', async () => {
    const storage = new MemoryStorage();
    const url = new URL(await beginSignIn(localProvider(), { redirectUri: REDIRECT }, storage));
    expect(url.origin + url.pathname).toBe(`${LOCAL_ISSUER}/auth`);
    const params = Object.fromEntries(url.searchParams);
    const pending = JSON.parse(storage.items.get(PENDING_KEY)!) as { state: string; verifier: string; nonce: string; redirectUri: string };
    expect(params).toEqual({
      response_type: 'code',
      client_id: 'invite-links-web',
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: params.code_challenge,
      code_challenge_method: 'S256',
    });
    expect(pending.redirectUri).toBe(REDIRECT);
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier));
    expect(params.code_challenge).toBe(Buffer.from(digest).toString('base64url'));
    // The verifier itself never leaves the tab.
    expect(url.href).not.toContain(pending.verifier);

    await beginSignIn(localProvider(), { redirectUri: REDIRECT }, storage);
    const again = JSON.parse(storage.items.get(PENDING_KEY)!) as typeof pending;
    expect(again.state).not.toBe(pending.state);
    expect(again.nonce).not.toBe(pending.nonce);
    expect(again.verifier).not.toBe(pending.verifier);
  });

  it('sends "Create account" to Cognito’s sign-up page with the same parameters', async () => {
    const provider = await cognitoProvider();
    const url = new URL(authorizationUrl(provider, { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c', signUp: true }));
    expect(url.origin + url.pathname).toBe(`${HOSTED}/signup`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      state: 's',
      nonce: 'n',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
    const signIn = new URL(authorizationUrl(provider, { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c' }));
    expect(signIn.origin + signIn.pathname).toBe(`${HOSTED}/oauth2/authorize`);
  });

  it('asks other providers for sign-up with the configured parameters (screen_hint), which cannot replace the protocol’s own', () => {
    const url = new URL(authorizationUrl(localProvider(), { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c', signUp: true }));
    expect(url.origin + url.pathname).toBe(`${LOCAL_ISSUER}/auth`);
    expect(url.searchParams.get('screen_hint')).toBe('signup');
    expect(url.searchParams.get('client_id')).toBe('invite-links-web');

    const sneaky: Provider = { ...localProvider(), config: { ...local, signUpParams: { screen_hint: 'signup', redirect_uri: 'https://evil.example/cb' } } };
    const guarded = new URL(authorizationUrl(sneaky, { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c', signUp: true }));
    expect(guarded.searchParams.getAll('redirect_uri')).toEqual([REDIRECT]);
    // Sign-in proper carries no sign-up parameters.
    expect(new URL(authorizationUrl(localProvider(), { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c' })).searchParams.has('screen_hint')).toBe(false);
  });

  it('asks the provider to sign in again for "Use another account"', () => {
    const url = new URL(authorizationUrl(localProvider(), { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c', prompt: 'login' }));
    expect(url.searchParams.get('prompt')).toBe('login');
  });

  it('asks for a silent sign-in from the provider’s session (prompt=none), and remembers that it was silent', async () => {
    const storage = new MemoryStorage();
    const url = new URL(await beginSignIn(await cognitoProvider(), { redirectUri: `${ORIGIN}/signin`, prompt: 'none' }, storage));
    expect(`${url.origin}${url.pathname}`).toBe(`${HOSTED}/oauth2/authorize`);
    expect(url.searchParams.get('prompt')).toBe('none');
    expect(JSON.parse(storage.items.get(PENDING_KEY)!)).toMatchObject({ silent: true, redirectUri: `${ORIGIN}/signin` });
  });

  it('refuses to send anyone to a discovered http endpoint that is not on this machine', () => {
    const remote: Provider = { ...localProvider(), as: { ...LOCAL_METADATA, authorization_endpoint: 'http://evil.example/auth' } };
    expect(() => authorizationUrl(remote, { redirectUri: REDIRECT, state: 's', nonce: 'n', codeChallenge: 'c' })).toThrow(/must use https/);
  });
});

describe('coming back', () => {
  /** Starts a sign-in and returns what the provider would send back for it. */
  async function started(provider: Provider, storage = new MemoryStorage()) {
    const url = new URL(await beginSignIn(provider, { redirectUri: REDIRECT }, storage));
    const pending = JSON.parse(storage.items.get(PENDING_KEY)!) as { state: string; nonce: string; verifier: string };
    return { storage, pending, state: url.searchParams.get('state')!, nonce: url.searchParams.get('nonce')! };
  }
  const tokenEndpoint = (body: () => unknown, status = 200) => fakeProvider({ [`${LOCAL_ISSUER}/token`]: () => json(status, body()) });

  it('checks state and issuer, trades the code with the verifier, checks the ID token, and returns the ID token for the API', async () => {
    const { storage, pending, state, nonce } = await started(localProvider());
    const id = idToken({ iss: LOCAL_ISSUER, aud: 'invite-links-web', sub: 'u1', nonce, email: 'new@demo.test', email_verified: true, given_name: 'Ada' });
    const fetchImpl = tokenEndpoint(() => ({ access_token: 'ACCESS', token_type: 'Bearer', id_token: id, expires_in: 3600 }));

    const signedIn = await completeSignIn(localProvider(), new URLSearchParams({ code: 'c0de', state, iss: LOCAL_ISSUER }), storage, fetchImpl as unknown as typeof fetch);
    expect(signedIn.token).toBe(id);
    expect(signedIn.idToken).toBe(id);
    expect(signedIn.claims).toMatchObject({ sub: 'u1', email: 'new@demo.test', given_name: 'Ada' });

    expect(fetchImpl).toHaveBeenCalledTimes(1);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe(`${LOCAL_ISSUER}/token`);
    expect(init?.method).toBe('POST');
    expect(init?.headers).not.toHaveProperty('authorization');
    expect(Object.fromEntries(new URLSearchParams(String(init?.body)))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'invite-links-web',
      code: 'c0de',
      redirect_uri: REDIRECT,
      code_verifier: pending.verifier,
    });

    // Once only: the pending sign-in is gone, so replaying the callback fails before any request.
    expect(storage.items.has(PENDING_KEY)).toBe(false);
    await expect(completeSignIn(localProvider(), new URLSearchParams({ code: 'c0de', state, iss: LOCAL_ISSUER }), storage, fetchImpl as unknown as typeof fetch)).rejects.toThrow(
      /not started in this tab|already finished/,
    );
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('returns the access token when the API’s audience is not the client', async () => {
    const as = { issuer: EXTERNAL_ISSUER, authorization_endpoint: `${EXTERNAL_ISSUER}/authorize`, token_endpoint: `${EXTERNAL_ISSUER}/token` };
    const provider: Provider = { config: external, as, client: { client_id: 'pages' }, insecure: false };
    const { storage, state, nonce } = await started(provider);
    const id = idToken({ iss: EXTERNAL_ISSUER, aud: 'pages', sub: 'u1', nonce });
    const fetchImpl = fakeProvider({ [`${EXTERNAL_ISSUER}/token`]: () => json(200, { access_token: 'ACCESS', token_type: 'Bearer', id_token: id }) });
    const signedIn = await completeSignIn(provider, new URLSearchParams({ code: 'c', state }), storage, fetchImpl as unknown as typeof fetch);
    expect(signedIn.token).toBe('ACCESS');
    expect(signedIn.idToken).toBe(id);
  });

  it('refuses a state it did not send, before any request, and forgets the pending sign-in', async () => {
    const { storage } = await started(localProvider());
    const fetchImpl = tokenEndpoint(() => ({}));
    await expect(completeSignIn(localProvider(), new URLSearchParams({ code: 'c', state: 'forged', iss: LOCAL_ISSUER }), storage, fetchImpl as unknown as typeof fetch)).rejects.toThrow(/does not match/);
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(storage.items.size).toBe(0);
  });

  it('refuses an answer from another issuer (RFC 9207 iss)', async () => {
    const { storage, state } = await started(localProvider());
    const fetchImpl = tokenEndpoint(() => ({}));
    await expect(completeSignIn(localProvider(), new URLSearchParams({ code: 'c', state, iss: 'https://evil.example' }), storage, fetchImpl as unknown as typeof fetch)).rejects.toThrow(SignInError);
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('refuses an ID token with the wrong nonce, issuer or audience', async () => {
    for (const claims of [
      { iss: LOCAL_ISSUER, aud: 'invite-links-web', sub: 'u1', nonce: 'replayed' },
      { iss: 'https://evil.example', aud: 'invite-links-web', sub: 'u1' },
      { iss: LOCAL_ISSUER, aud: 'someone-else', sub: 'u1' },
    ]) {
      const { storage, state, nonce } = await started(localProvider());
      const fetchImpl = tokenEndpoint(() => ({ access_token: 'A', token_type: 'Bearer', id_token: idToken({ nonce, ...claims }) }));
      const attempt = completeSignIn(localProvider(), new URLSearchParams({ code: 'c', state, iss: LOCAL_ISSUER }), storage, fetchImpl as unknown as typeof fetch);
      await expect(attempt).rejects.toThrow(/could not be checked/);
    }
  });

  it('turns the provider’s error answer into kind words', async () => {
    const { storage, state } = await started(localProvider());
    const attempt = completeSignIn(localProvider(), new URLSearchParams({ error: 'access_denied', error_description: 'User cancelled', state, iss: LOCAL_ISSUER }), storage);
    await expect(attempt).rejects.toThrow(/^Sign-in was cancelled or not allowed\. \(User cancelled\)/);
    // Without a sign-in started here, the words stay but an unverified description is not shown.
    const stray = completeSignIn(localProvider(), new URLSearchParams({ error: 'access_denied', error_description: 'Call 555-0100' }), new MemoryStorage());
    await expect(stray).rejects.toThrow(/^Sign-in was cancelled or not allowed\. Try again/);
  });

  it('takes a silent sign-in the provider cannot do without the person as "show the Sign in card", not as an error', async () => {
    for (const error of ['login_required', 'interaction_required', 'consent_required', 'account_selection_required']) {
      const storage = new MemoryStorage();
      const state = new URL(await beginSignIn(localProvider(), { redirectUri: REDIRECT, prompt: 'none' }, storage)).searchParams.get('state')!;
      const attempt = completeSignIn(localProvider(), new URLSearchParams({ error, state, iss: LOCAL_ISSUER }), storage);
      await expect(attempt).rejects.toBeInstanceOf(SignInNeeded);
    }
    // Asked with the person there, the same answer is an error to show.
    const { storage, state } = await started(localProvider());
    const asked = completeSignIn(localProvider(), new URLSearchParams({ error: 'login_required', state, iss: LOCAL_ISSUER }), storage).catch((e: unknown) => e);
    expect(await asked).toBeInstanceOf(SignInError);
    expect(await asked).not.toBeInstanceOf(SignInNeeded);
    // A silent sign-in's other refusals are errors too.
    const silent = new MemoryStorage();
    const silentState = new URL(await beginSignIn(localProvider(), { redirectUri: REDIRECT, prompt: 'none' }, silent)).searchParams.get('state')!;
    const refused = completeSignIn(localProvider(), new URLSearchParams({ error: 'unauthorized_client', state: silentState, iss: LOCAL_ISSUER }), silent).catch((e: unknown) => e);
    expect(await refused).not.toBeInstanceOf(SignInNeeded);
  });

  it('explains a refused code without repeating the code or verifier, and a provider it cannot reach', async () => {
    const { storage, state } = await started(localProvider());
    const refused = tokenEndpoint(() => ({ error: 'invalid_grant' }), 400);
    const attempt = completeSignIn(localProvider(), new URLSearchParams({ code: 'secret-code', state, iss: LOCAL_ISSUER }), storage, refused as unknown as typeof fetch);
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SignInError);
    expect(error.message).toMatch(/did not complete the sign-in \(invalid_grant\).*already used or has expired/);
    expect(error.message).not.toMatch(/secret/);

    const second = await started(localProvider());
    await expect(
      completeSignIn(localProvider(), new URLSearchParams({ code: 'c', state: second.state, iss: LOCAL_ISSUER }), second.storage, fakeProvider({}) as unknown as typeof fetch),
    ).rejects.toThrow(/could not be reached/);
  });
});

describe('the token the API gets', () => {
  it('is the ID token when the audience includes the client id, else the access token', () => {
    expect(apiToken({ clientId: 'c', audience: ['c'] }, { id_token: 'ID', access_token: 'ACCESS' })).toBe('ID');
    expect(apiToken({ clientId: 'c', audience: ['https://api'] }, { id_token: 'ID', access_token: 'ACCESS' })).toBe('ACCESS');
    expect(() => apiToken({ clientId: 'c', audience: ['c'] }, { access_token: 'ACCESS' })).toThrow(SignInError);
  });
});

describe('signing out', () => {
  it('goes through Cognito’s logout with client_id and logout_uri', async () => {
    const url = new URL(signOutUrl(await cognitoProvider(), { origin: ORIGIN }));
    expect(url.origin + url.pathname).toBe(`${HOSTED}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'client123', logout_uri: `${ORIGIN}/signin` });
  });

  it('goes through the discovered end_session_endpoint with client_id and post_logout_redirect_uri, never the ID token', () => {
    const url = new URL(signOutUrl(localProvider(), { origin: ORIGIN }));
    expect(url.origin + url.pathname).toBe(`${LOCAL_ISSUER}/session/end`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'invite-links-web', post_logout_redirect_uri: `${ORIGIN}/signin` });
  });

  it('goes straight to /signin when the provider has no logout', async () => {
    const { end_session_endpoint: _, ...withoutLogout } = LOCAL_METADATA;
    expect(signOutUrl({ ...localProvider(), as: withoutLogout }, { origin: ORIGIN })).toBe('/signin');
    expect(signOutUrl(await resolveProvider({ ...cognito, endpoints: { authorization: `${HOSTED}/oauth2/authorize`, token: `${HOSTED}/oauth2/token` } }), { origin: ORIGIN })).toBe('/signin');
    expect(signOutUrl(undefined, { origin: ORIGIN })).toBe('/signin');
  });
});

describe('the address bar', () => {
  it('knows a callback and strips what the provider added, keeping the rest', () => {
    expect(isCallback('?code=abc&state=xyz')).toBe(true);
    expect(isCallback('?error=access_denied&state=xyz')).toBe(true);
    expect(isCallback('?reason=expired')).toBe(false);
    expect(isCallback('')).toBe(false);
    expect(withoutCallbackParams('?code=abc&state=xyz&iss=http%3A%2F%2Flocalhost%3A3000%2Foidc')).toBe('');
    expect(withoutCallbackParams('?reason=expired&code=abc&state=xyz&session_state=s')).toBe('?reason=expired');
    expect(withoutCallbackParams('?error=access_denied&error_description=no&error_uri=x&domain=d')).toBe('?domain=d');
  });
});

describe('going back where the person was', () => {
  it('accepts only paths on this origin', () => {
    expect(sanitizeReturnTo('/users?domain=demo-media-co', ORIGIN)).toBe('/users?domain=demo-media-co');
    expect(sanitizeReturnTo('/settings#x', ORIGIN)).toBe('/settings#x');
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'users', '/\tevil', '', null, undefined, '/signin', '/signin?reason=expired']) {
      expect(sanitizeReturnTo(bad, ORIGIN)).toBeUndefined();
    }
  });

  it('remembers one page and gives it back once, or /', () => {
    const storage = new MemoryStorage();
    rememberReturnTo('/users?domain=x', ORIGIN, storage);
    expect(takeReturnTo(ORIGIN, storage)).toBe('/users?domain=x');
    expect(takeReturnTo(ORIGIN, storage)).toBe('/');
    rememberReturnTo('//evil.example', ORIGIN, storage);
    expect(storage.items.has(RETURN_TO_KEY)).toBe(false);
    storage.setItem(RETURN_TO_KEY, 'https://evil.example/');
    expect(takeReturnTo(ORIGIN, storage)).toBe('/');
  });
});

describe('words and names', () => {
  it('reads the names the join form starts with from the ID token, in any script', () => {
    const claims = readIdTokenClaims(idToken({ given_name: ' Zoë ', family_name: '山田' }));
    expect(namesFromClaims(claims)).toEqual({ firstName: 'Zoë', lastName: '山田' });
    expect(namesFromClaims(readIdTokenClaims(undefined))).toEqual({ firstName: '', lastName: '' });
    expect(readIdTokenClaims('not-a-jwt')).toEqual({});
    expect(readIdTokenClaims('a.!!!.c')).toEqual({});
  });

  it('says what a provider error means, the description as text', () => {
    expect(callbackErrorMessage('access_denied', 'User cancelled')).toMatch(/cancelled.*\(User cancelled\)/);
    expect(callbackErrorMessage('something_new')).toMatch(/^Sign-in did not complete\. Try again/);
  });
});

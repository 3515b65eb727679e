/** The pages' hosted-UI sign-in (web/src/lib/oidc.ts): PKCE, the URLs, the code exchange, state. */
import { describe, expect, it, vi } from 'vitest';
import type { PageConfig } from '../../web/src/lib/api.ts';
import {
  authorizeUrl,
  base64url,
  beginSignIn,
  callbackErrorMessage,
  codeChallenge,
  completeSignIn,
  exchangeCode,
  hostedUiOrigin,
  logoutUrl,
  pkcePair,
  randomState,
  readCallback,
  SignInError,
  takePending,
  withoutCallbackParams,
} from '../../web/src/lib/oidc.ts';

const HOSTED = 'https://invites.auth.eu-west-1.amazoncognito.com';
const config: PageConfig = {
  apiBaseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
  identityProvider: {
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf',
    clientId: 'client123',
    audience: ['client123'],
    hostedUiDomain: HOSTED,
  },
};
const REDIRECT = 'https://d111.cloudfront.net/signin';

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

function fakeFetch(status: number, body: unknown) {
  return vi.fn(async (_url: string | URL | Request, _init?: RequestInit) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
}

describe('PKCE', () => {
  it('makes a 43–128 character base64url verifier, different every time', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { verifier, challenge } = await pkcePair();
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      expect(verifier).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(challenge).toBe(await codeChallenge(verifier));
      seen.add(verifier);
    }
    expect(seen.size).toBe(50);
  });

  it('matches RFC 7636 Appendix B: octets → verifier → S256 challenge', async () => {
    // The RFC's verifier is dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk (from these 32 octets).
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
    expect(base64url(new Uint8Array(octets))).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes an unguessable state', () => {
    const state = randomState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomState()).not.toBe(state);
  });
});

describe('authorizeUrl', () => {
  it('asks the hosted UI for a code with the S256 challenge', () => {
    const url = authorizeUrl(config, { state: 'st/ate+1', challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', redirectUri: REDIRECT });
    expect(url.startsWith(`${HOSTED}/oauth2/authorize?`)).toBe(true);
    expect(url).toContain('scope=openid+email');
    const parsed = new URL(url);
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: REDIRECT,
      scope: 'openid email',
      state: 'st/ate+1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
  });

  it('takes the hosted UI domain with or without https://', () => {
    const bare: PageConfig = { ...config, identityProvider: { ...config.identityProvider!, hostedUiDomain: 'invites.auth.eu-west-1.amazoncognito.com' } };
    expect(hostedUiOrigin(bare)).toBe(HOSTED);
    expect(authorizeUrl(bare, { state: 's', challenge: 'c', redirectUri: REDIRECT })).toMatch(new RegExp(`^${HOSTED}/oauth2/authorize\\?`));
    const slash: PageConfig = { ...config, identityProvider: { ...config.identityProvider!, hostedUiDomain: `${HOSTED}/` } };
    expect(hostedUiOrigin(slash)).toBe(HOSTED);
  });

  it('refuses without a hosted UI, or over plain http', () => {
    expect(() => authorizeUrl({ apiBaseUrl: '', auth: 'local-dev' }, { state: 's', challenge: 'c', redirectUri: REDIRECT })).toThrow(SignInError);
    const http: PageConfig = { ...config, identityProvider: { ...config.identityProvider!, hostedUiDomain: 'http://evil.example' } };
    expect(() => hostedUiOrigin(http)).toThrow(/https/);
  });

  it('builds the hosted UI sign-out URL', () => {
    const url = new URL(logoutUrl(config, REDIRECT));
    expect(url.origin + url.pathname).toBe(`${HOSTED}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'client123', logout_uri: REDIRECT });
  });
});

describe('exchangeCode', () => {
  it('posts exactly the form the token endpoint wants and returns the ID token', async () => {
    const fetchImpl = fakeFetch(200, { id_token: 'ID.TOKEN.x', access_token: 'ACCESS.TOKEN.y', refresh_token: 'r', token_type: 'Bearer', expires_in: 3600 });
    const token = await exchangeCode(config, { code: 'c0de', verifier: 'v'.repeat(43), redirectUri: REDIRECT }, fetchImpl as unknown as typeof fetch);
    expect(token).toBe('ID.TOKEN.x');
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe(`${HOSTED}/oauth2/token`);
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>)['content-type']).toBe('application/x-www-form-urlencoded');
    expect(init?.headers).not.toHaveProperty('authorization');
    expect(init?.credentials).toBe('omit');
    const body = new URLSearchParams(init?.body as string);
    expect([...body.keys()].sort()).toEqual(['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client123',
      code: 'c0de',
      redirect_uri: REDIRECT,
      code_verifier: 'v'.repeat(43),
    });
  });

  it('returns the access token when the API audience is not the client id', async () => {
    const external: PageConfig = { ...config, identityProvider: { ...config.identityProvider!, audience: ['https://api.example.com'] } };
    const fetchImpl = fakeFetch(200, { id_token: 'ID', access_token: 'ACCESS' });
    expect(await exchangeCode(external, { code: 'c', verifier: 'v', redirectUri: REDIRECT }, fetchImpl as unknown as typeof fetch)).toBe('ACCESS');
  });

  it('rejects a non-200 with a readable error that holds no code or token', async () => {
    const fetchImpl = fakeFetch(400, { error: 'invalid_grant' });
    const attempt = exchangeCode(config, { code: 'secret-code', verifier: 'secret-verifier', redirectUri: REDIRECT }, fetchImpl as unknown as typeof fetch);
    await expect(attempt).rejects.toBeInstanceOf(SignInError);
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/did not complete the sign-in \(invalid_grant\).*already used or has expired/);
    expect(error.message).not.toMatch(/secret/);
  });

  it('rejects a 500 without a JSON body, a network failure, and a 200 without a token', async () => {
    const html = vi.fn(async () => new Response('<html>oops</html>', { status: 500 }));
    await expect(exchangeCode(config, { code: 'c', verifier: 'v', redirectUri: REDIRECT }, html as unknown as typeof fetch)).rejects.toThrow(/HTTP 500/);
    const offline = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(exchangeCode(config, { code: 'c', verifier: 'v', redirectUri: REDIRECT }, offline as unknown as typeof fetch)).rejects.toThrow(/could not be reached/);
    const empty = fakeFetch(200, { access_token: 'ACCESS' });
    await expect(exchangeCode(config, { code: 'c', verifier: 'v', redirectUri: REDIRECT }, empty as unknown as typeof fetch)).rejects.toThrow(/no usable token/);
  });
});

describe('the round trip', () => {
  it('remembers state and verifier, checks state on return, and forgets them after one use', async () => {
    const storage = new MemoryStorage();
    const url = new URL(await beginSignIn(config, REDIRECT, storage));
    const state = url.searchParams.get('state')!;
    const challenge = url.searchParams.get('code_challenge')!;
    const stored = JSON.parse([...storage.items.values()][0]!) as { verifier: string };
    expect(await codeChallenge(stored.verifier)).toBe(challenge);

    const fetchImpl = fakeFetch(200, { id_token: 'ID' });
    expect(await completeSignIn(config, { code: 'c', state }, storage, fetchImpl as unknown as typeof fetch)).toBe('ID');
    expect(new URLSearchParams(fetchImpl.mock.calls[0]![1]!.body as string).get('code_verifier')).toBe(stored.verifier);
    expect(storage.items.size).toBe(0);
    // Replaying the same callback fails: the pending sign-in is gone.
    await expect(completeSignIn(config, { code: 'c', state }, storage, fetchImpl as unknown as typeof fetch)).rejects.toThrow(/not started in this tab|already finished/);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('refuses a state that does not match, and clears the pending sign-in anyway', async () => {
    const storage = new MemoryStorage();
    await beginSignIn(config, REDIRECT, storage);
    expect(() => takePending('forged', storage)).toThrow(/does not match/);
    expect(storage.items.size).toBe(0);
  });

  it('reads and strips what the hosted UI sends back', () => {
    expect(readCallback('?code=abc&state=xyz')).toEqual({ kind: 'code', code: 'abc', state: 'xyz' });
    expect(readCallback('?error=access_denied&error_description=User+cancelled&state=xyz')).toEqual({ kind: 'error', error: 'access_denied', description: 'User cancelled' });
    expect(readCallback('?reason=expired')).toEqual({ kind: 'none' });
    expect(withoutCallbackParams('?code=abc&state=xyz')).toBe('');
    expect(withoutCallbackParams('?reason=expired&code=abc&state=xyz')).toBe('?reason=expired');
    expect(callbackErrorMessage('access_denied', 'User cancelled')).toMatch(/cancelled.*\(User cancelled\)/);
  });
});

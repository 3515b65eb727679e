/**
 * Signing in at the local identity provider over plain HTTP, the way the pages' browser does but
 * without one: each `startSignIn()` is one browser's sign-in (its own cookies, its own
 * interaction), so a test can run many at once, an attacker's and the owner's side by side.
 * Codes are read from the local SES, as the person would read their inbox.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TestStack } from './stack.ts';

/** The code email's subject, which leads with the code: what the inbox's list shows is enough to sign in. */
export const CODE_EMAIL_SUBJECT = /^(\d{6}) is your code for Invite links sign-in$/;

export interface ProviderPage {
  status: number;
  headers: Headers;
  html: string;
  /** What the page says: tags removed, whitespace folded. */
  text: string;
}

export interface SignIn {
  /** The first page: the email form. */
  page: ProviderPage;
  sendCode(email: string, names?: { givenName: string; familyName: string }): Promise<ProviderPage>;
  resend(): Promise<ProviderPage>;
  /** Types a code; when it signs the person in, the ID token's claims the app would get. */
  enterCode(code: string, extraFields?: Record<string, string>): Promise<{ page?: ProviderPage; claims?: Record<string, unknown> }>;
}

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text: string };
}

export function signInSteps(t: TestStack) {
  async function startSignIn(mode: 'signin' | 'signup' = 'signin'): Promise<SignIn> {
    const cookies = new Map<string, string>();
    const call = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(new URL(url, t.stack.url), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
      return res;
    };
    let shown = '';
    const page = async (res: Response): Promise<ProviderPage> => {
      const html = await res.text();
      shown = html;
      return { status: res.status, headers: res.headers, html, text: html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').replace(/ ([,.])/g, '$1').trim() };
    };
    // A form is sent as the page shows it: its hidden fields too, with what the person typed.
    const post = async (path: string, fields: Record<string, string>) =>
      call(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...hiddenFields(shown, new URL(path, t.stack.url).pathname), ...fields }).toString() });
    // Every form answers with a redirect to its page (post/redirect/get): the browser fetches that page.
    const followed = async (res: Response) => {
      for (let hop = 0; res.status === 303 && hop < 5; hop++) res = await call(new URL(res.headers.get('location')!, t.stack.url).href);
      return res;
    };

    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = `${t.stack.url}/signin`;
    const authorize = new URL(`${t.stack.identityProvider.issuer}/auth`);
    Object.entries({
      client_id: t.stack.identityProvider.clientId,
      response_type: 'code',
      scope: 'openid email profile',
      redirect_uri: redirectUri,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      ...(mode === 'signup' ? { screen_hint: 'signup' } : {}),
    }).forEach(([k, v]) => authorize.searchParams.set(k, v));
    const toInteraction = await call(authorize.href);
    const base = toInteraction.headers.get('location');
    if (!base?.includes('/oidc/interaction/')) throw new Error(`the provider did not start a sign-in: ${toInteraction.status} ${base}`);

    return {
      page: await page(await call(base)),
      sendCode: async (email, names) => page(await followed(await post(`${base}/email`, { intent: names ? 'signup' : 'signin', email, ...(names ?? {}) }))),
      resend: async () => page(await followed(await post(`${base}/resend`, {}))),
      async enterCode(code, extraFields = {}) {
        let res = await post(`${base}/code`, { code, ...extraFields });
        // Signed in: the provider sends the browser back to the app with an authorization code.
        for (let hop = 0; res.status >= 300 && res.status < 400 && hop < 5; hop++) {
          const location = new URL(res.headers.get('location')!, t.stack.url);
          if (location.href.startsWith(redirectUri)) {
            const tokens = await call(`${t.stack.identityProvider.issuer}/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: redirectUri, client_id: t.stack.identityProvider.clientId, code_verifier: verifier }).toString(),
            });
            const { id_token } = (await tokens.json()) as { id_token: string };
            return { claims: JSON.parse(Buffer.from(id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown> };
          }
          res = await call(location.href);
        }
        return { page: await page(res) };
      },
    };
  }

  /** Every code the provider emailed to these addresses, oldest first. */
  async function codesSentTo(...addresses: string[]): Promise<string[]> {
    const store = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
    return store.emails
      .filter((m) => CODE_EMAIL_SUBJECT.test(m.subject) && m.destination.to.some((to) => addresses.includes(to)))
      .map((m) => CODE_EMAIL_SUBJECT.exec(m.subject)![1]!);
  }

  /** The newest code emailed to this address. */
  async function latestCode(address: string): Promise<string> {
    const code = (await codesSentTo(address)).at(-1);
    if (!code) throw new Error(`no code was emailed to ${address}`);
    return code;
  }

  return { startSignIn, codesSentTo, latestCode };
}

/** The hidden fields of the form on this page that posts to `action`. */
function hiddenFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const [, input] of form.matchAll(/<input([^>]*)>/g)) {
    const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(input!)?.[1];
    if (attribute('type') === 'hidden' && attribute('name')) fields[attribute('name')!] = attribute('value') ?? '';
  }
  return fields;
}

/** Another code of the same length: a wrong guess that is surely wrong. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');

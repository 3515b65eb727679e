/** lib/oidc.ts and lib/oidc-provider.ts tied to this tab: the provider from /config.json, the address bar, sessionStorage and the session. */
import { loadConfig } from './api.ts';
import { forgetAllLinks } from './link-store.ts';
import { rememberReturnTo } from './return-to.ts';
import { session } from './session.ts';
import { beginSignIn, completeSignIn, isCallback, signOutUrl, withoutCallbackParams, type AuthorizationRequest, type SignedIn } from './oidc.ts';
import { resolveProvider, type Provider } from './oidc-provider.ts';

let provider: Promise<Provider> | undefined;

/** The provider, discovered once per page (a failed discovery is tried again next time). */
export function identityProvider(): Promise<Provider> {
  provider ??= loadConfig().then((config) => resolveProvider(config.identityProvider));
  provider.catch(() => {
    provider = undefined;
  });
  return provider;
}

/** The pages the provider may send people back to (each is a redirect URI of the pages' client). */
export type ReturnPage = '/signin' | '/join';

/** Leaves for the provider's sign-in (or sign-up) page; resolves only if that fails. */
export async function goToProvider(page: ReturnPage, options: { signUp?: boolean; prompt?: 'login' | 'none'; invitation?: AuthorizationRequest['invitation'] } = {}): Promise<never> {
  const url = await beginSignIn(await identityProvider(), { redirectUri: `${location.origin}${page}`, ...options });
  // A silent sign-in takes this page's place in history, so Back never lands on the provider's redirect.
  if (options.prompt === 'none') location.replace(url);
  else location.assign(url);
  return new Promise<never>(() => undefined);
}

/**
 * This page needs someone signed in and this tab has nobody: the provider's session signs them in
 * without a word (prompt=none) and /signin brings them back here; when it cannot (no session at the
 * provider, or a sign-out in this browser since), the Sign in card, which brings them back here too.
 */
export async function signInAndComeBack(reason?: 'expired' | 'signed-out'): Promise<never> {
  rememberReturnTo(`${location.pathname}${location.search}${location.hash}`, location.origin);
  if (session.maySignInSilently()) {
    try {
      return await goToProvider('/signin', { prompt: 'none' });
    } catch {
      // The provider cannot be reached or is misconfigured: the Sign in card says so when pressed.
    }
  }
  location.replace(`/signin${reason ? `?reason=${reason}` : ''}`);
  return new Promise<never>(() => undefined);
}

/** The provider's answer from the query string, taken out of the address bar (and so out of history) at once; undefined when there is none. */
export function takeCallback(): URLSearchParams | undefined {
  if (!isCallback(location.search)) return undefined;
  const callback = new URLSearchParams(location.search);
  history.replaceState(null, '', `${location.pathname}${withoutCallbackParams(location.search)}${location.hash}`);
  return callback;
}

/** Finishes the sign-in this tab started and keeps its tokens in the session. */
export async function finishSignIn(callback: URLSearchParams): Promise<SignedIn> {
  session.signOut();
  const signedIn = await completeSignIn(await identityProvider(), callback);
  session.signIn(signedIn.token, signedIn.idToken);
  return signedIn;
}

/**
 * Signs this browser out: every tab's session (the others leave at once), the link URLs it kept,
 * then the provider's session where it has a logout, so no sign-in is silent after it.
 */
export async function signOut(): Promise<void> {
  session.signOutEverywhere();
  forgetAllLinks();
  let target = '/signin';
  try {
    target = signOutUrl(await identityProvider(), { origin: location.origin });
  } catch {
    // The provider is unreachable or misconfigured: this tab is signed out all the same.
  }
  location.assign(target);
}

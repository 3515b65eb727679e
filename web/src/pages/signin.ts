/**
 * Sign-in (/signin): one way in, everywhere. "Sign in" (or "Create an account") sends people to the
 * identity provider /config.json names (authorization code + PKCE, see lib/oidc.ts); it sends them
 * back here with the code, and from here they go to the page they were on, or to Users. A page
 * that found nobody signed in in its tab comes here through the provider first (prompt=none): then
 * people either go straight back, signed in, or see the card with no error.
 */
import { api, ApiError, loadConfig, session } from '../lib/api.ts';
import { byId, h, render } from '../lib/dom.ts';
import type { Me } from '../lib/model.ts';
import { providerName, SignInError, SignInNeeded } from '../lib/oidc-provider.ts';
import { takeReturnTo } from '../lib/return-to.ts';
import { finishSignIn, goToProvider, identityProvider, takeCallback } from '../lib/sign-in.ts';

const main = byId('main');

async function start() {
  // Taken out of the address bar before anything else can fail.
  const callback = takeCallback();
  const config = await loadConfig();
  const name = providerName(config.identityProvider);
  const status = h('div', { role: 'alert', class: 'form-error' });

  if (callback) {
    // No card yet: most answers here are silent sign-ins that go straight back to their page.
    render(main, h('p', { class: 'loading', role: 'status' }, 'Signing you in…'));
    try {
      await finishSignIn(callback);
      await api<Me>('GET', '/v1/me');
      location.replace(takeReturnTo(location.origin));
      return;
    } catch (error) {
      session.signOut();
      // A silent sign-in the provider could not do: simply the card, the way back still remembered.
      if (!(error instanceof SignInNeeded)) render(status, signInFailure(error, name));
    }
  }
  // Discovery starts now, so the button leaves at once.
  identityProvider().catch(() => undefined);

  const signIn = h('button', { type: 'button', class: 'button primary wide', id: 'signin' }, 'Sign in');
  const signUp = h('button', { type: 'button', class: 'button wide', id: 'signup' }, 'Create an account');
  const leave = (signUpWanted: boolean) => {
    render(status);
    for (const button of [signIn, signUp]) button.disabled = true;
    (signUpWanted ? signUp : signIn).setAttribute('aria-busy', 'true');
    goToProvider('/signin', { signUp: signUpWanted }).catch((error: unknown) => {
      for (const button of [signIn, signUp]) {
        button.disabled = false;
        button.removeAttribute('aria-busy');
      }
      render(status, error instanceof SignInError ? error.message : 'Sign-in could not start. Reload and try again.');
    });
  };
  signIn.addEventListener('click', () => leave(false));
  signUp.addEventListener('click', () => leave(true));

  const reason = new URLSearchParams(location.search).get('reason');
  render(
    main,
    h(
      'article',
      { class: 'card signin' },
      h('h1', {}, 'Sign in'),
      reason && REASONS[reason] && !callback ? h('p', { class: 'notice', id: 'signin-reason' }, REASONS[reason]) : null,
      status,
      session.token() ? h('p', {}, 'You are signed in. ', h('a', { href: '/home' }, 'Go to Home'), '.') : null,
      h('p', {}, `You sign in with ${name} and come straight back here.`),
      h('div', { class: 'account-actions' }, signIn, h('p', { class: 'muted small or' }, 'New here?'), signUp),
    ),
  );
}

/** Why a page sent people here, when it is worth saying. */
const REASONS: Record<string, string> = {
  expired: 'Your session ended. Sign in again.',
  'signed-out': 'You signed out in another tab. Sign in again to go on.',
};

function signInFailure(error: unknown, name: string): string {
  if (error instanceof SignInError) return error.message;
  if (error instanceof ApiError && error.status === 401) {
    return `You signed in with ${name}, but this service did not accept the sign-in. Try again, or ask an admin of your domain if it keeps happening.`;
  }
  if (error instanceof ApiError) return error.message;
  return 'Sign-in failed. Try again.';
}

start().catch(() => render(main, h('div', { class: 'notice error', role: 'alert' }, 'The sign-in page could not load. Reload to try again.')));

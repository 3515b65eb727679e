/**
 * Sign-in (/signin). On the local stack: the development sign-in, clearly marked, with the demo
 * users, an email box and a pasted token. In AWS: the identity provider's hosted UI signs people in
 * (authorization code + PKCE, see lib/oidc.ts) and sends them back here with the code.
 */
import { api, ApiError, loadConfig, session, type PageConfig } from '../lib/api.ts';
import { byId, h, render } from '../lib/dom.ts';
import { USER_TYPE_LABEL, type Me, type UserType } from '../lib/model.ts';
import { beginSignIn, callbackErrorMessage, canSignIn, completeSignIn, logoutUrl, readCallback, SignInError, withoutCallbackParams } from '../lib/oidc.ts';

interface DemoUser {
  email: string;
  name: string;
  memberships: { domainId: string; userType: UserType; isAdmin: boolean }[];
}

const main = byId('main');

async function start() {
  const config = await loadConfig();
  if (config.auth === 'local-dev') await showLocalSignIn();
  else await showIdentityProvider(config);
}

async function showLocalSignIn() {
  const status = h('div', { role: 'alert', class: 'form-error' });
  const reason = new URLSearchParams(location.search).get('reason');
  const signInWith = async (token: string) => {
    session.signIn(token);
    try {
      await api<Me>('GET', '/v1/me');
      location.assign('/');
    } catch (error) {
      session.signOut();
      render(status, error instanceof ApiError && error.status === 401 ? 'That token is not accepted: it may be expired or from another stack.' : 'Sign-in failed. Try again.');
    }
  };
  const tokenFor = async (email: string) => {
    const res = await fetch('/local/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    const body = (await res.json()) as { token?: string; detail?: string };
    if (!res.ok || !body.token) throw new Error(body.detail?.replace(/^email: /, '') ?? 'No such user.');
    return body.token;
  };
  const signInAs = async (email: string) => {
    render(status);
    try {
      await signInWith(await tokenFor(email));
    } catch (error) {
      render(status, (error as Error).message);
    }
  };

  const demo = (await (await fetch('/local/demo-users')).json()) as { items: DemoUser[] };
  const emailInput = h('input', { id: 'signin-email', type: 'email', name: 'email', autocomplete: 'username', required: true });
  const tokenInput = h('textarea', { id: 'signin-token', name: 'token', rows: 3, spellcheck: 'false', required: true });

  render(
    main,
    h(
      'article',
      { class: 'card signin' },
      h('p', { class: 'banner-local', role: 'note' }, 'Local development sign-in — only on the local stack. In AWS, people sign in through the identity provider.'),
      h('h1', {}, 'Sign in'),
      reason === 'expired' ? h('p', { class: 'notice' }, 'Your session ended. Sign in again.') : null,
      status,
      h(
        'section',
        { 'aria-labelledby': 'demo-title' },
        h('h2', { id: 'demo-title' }, 'Demo users'),
        h(
          'ul',
          { class: 'demo-users' },
          demo.items.map((user) =>
            h(
              'li',
              {},
              h(
                'button',
                { type: 'button', class: 'demo-user', 'data-email': user.email, onclick: () => void signInAs(user.email) },
                h('span', { class: 'name' }, user.name),
                h('span', { class: 'email' }, user.email),
                h(
                  'span',
                  { class: 'muted small' },
                  user.memberships.map((m) => `${USER_TYPE_LABEL[m.userType]}${m.isAdmin ? ', admin' : ''} in ${m.domainId}`).join(' · '),
                ),
              ),
            ),
          ),
        ),
      ),
      h(
        'form',
        {
          class: 'stack',
          onsubmit: (event: Event) => {
            event.preventDefault();
            if (emailInput.value.trim()) void signInAs(emailInput.value.trim());
            else emailInput.focus();
          },
        },
        h('h2', {}, 'Any user of this stack'),
        h('div', { class: 'field' }, h('label', { for: 'signin-email' }, 'Email'), emailInput),
        h('button', { type: 'submit', class: 'button' }, 'Sign in with email'),
      ),
      h(
        'form',
        {
          class: 'stack',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const token = tokenInput.value.trim();
            if (token) void signInWith(token);
            else tokenInput.focus();
          },
        },
        h('h2', {}, 'Paste a token'),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'signin-token' }, 'Bearer token'),
          h('p', { class: 'hint', id: 'signin-token-hint' }, 'From ', h('code', {}, 'npm run token -- owner@demo.test'), '.'),
          tokenInput,
        ),
        h('button', { type: 'submit', class: 'button' }, 'Sign in with token'),
      ),
    ),
  );
  tokenInput.setAttribute('aria-describedby', 'signin-token-hint');
}

/** Where the hosted UI sends people back to: this page (the app client's callback URL). */
const redirectUri = () => `${location.origin}/signin`;

async function showIdentityProvider(config: PageConfig) {
  const host = config.identityProvider ? new URL(config.identityProvider.issuer).host : 'your identity provider';
  const status = h('div', { role: 'alert', class: 'form-error' });
  const callback = readCallback(location.search);
  // The code and state are read once, then taken out of the address bar (and so out of history).
  if (callback.kind !== 'none') history.replaceState(null, '', `${location.pathname}${withoutCallbackParams(location.search)}`);

  if (callback.kind === 'code') {
    render(main, h('article', { class: 'card signin' }, h('h1', {}, 'Sign in'), h('p', { class: 'loading', role: 'status' }, 'Signing you in…')));
    try {
      const token = await completeSignIn(config, callback);
      session.signIn(token);
      await api<Me>('GET', '/v1/me');
      location.replace('/');
      return;
    } catch (error) {
      session.signOut();
      render(status, signInFailure(error, host));
    }
  } else if (callback.kind === 'error') {
    render(status, callbackErrorMessage(callback.error, callback.description));
  }

  const reason = new URLSearchParams(location.search).get('reason');
  const signedIn = Boolean(session.token());
  const button = h('button', { type: 'button', class: 'button primary', id: 'signin-idp' }, `Sign in with ${host}`);
  button.addEventListener('click', () => {
    render(status);
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    beginSignIn(config, redirectUri())
      .then((url) => location.assign(url))
      .catch((error: unknown) => {
        button.disabled = false;
        button.removeAttribute('aria-busy');
        render(status, error instanceof SignInError ? error.message : 'Sign-in could not start. Reload and try again.');
      });
  });

  render(
    main,
    h(
      'article',
      { class: 'card signin' },
      h('h1', {}, 'Sign in'),
      reason === 'expired' ? h('p', { class: 'notice' }, 'Your session ended. Sign in again.') : null,
      status,
      signedIn ? h('p', {}, 'You are signed in. ', h('a', { href: '/' }, 'Go to Users'), '.') : null,
      canSignIn(config)
        ? [
            h('p', {}, `You sign in on ${host}’s page and come straight back here.`),
            button,
            h(
              'p',
              { class: 'muted small' },
              'Not you, or a different account? ',
              h('a', { href: logoutUrl(config, redirectUri()) }, `Sign out of ${host} first`),
              '.',
            ),
          ]
        : h('p', {}, `Sign-in goes through your organisation’s identity provider (${host}). Open this page from the app you normally sign in to.`),
    ),
  );
}

function signInFailure(error: unknown, host: string): string {
  if (error instanceof SignInError) return error.message;
  if (error instanceof ApiError && error.status === 401) {
    return `You signed in at ${host}, but this service has no user with that identity. Ask an admin of your domain to add you.`;
  }
  if (error instanceof ApiError) return error.message;
  return 'Sign-in failed. Try again.';
}

start().catch(() => render(main, h('div', { class: 'notice error', role: 'alert' }, 'The sign-in page could not load. Reload to try again.')));

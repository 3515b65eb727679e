/** What every signed-in page shares: the caller (or a trip to /signin), the top bar, the chosen domain. */
import { api, ApiError, session } from './api.ts';
import { rememberReturnTo } from './oidc.ts';
import { signOut } from './sign-in.ts';
import { byId, h, render } from './dom.ts';
import type { Me, Membership } from './model.ts';

export type PageName = 'users' | 'settings';

/** Loads the caller, or sends them to the sign-in page (which brings them back here). Resolves only when signed in. */
export async function startSignedInPage(active: PageName): Promise<Me> {
  if (!session.token()) return toSignIn();
  try {
    const me = await api<Me>('GET', '/v1/me');
    renderTopBar(me, active);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.signOut();
      return toSignIn('expired');
    }
    throw error;
  }
}

function toSignIn(reason?: string): Promise<never> {
  rememberReturnTo(`${location.pathname}${location.search}${location.hash}`, location.origin);
  location.replace(`/signin${reason ? `?reason=${reason}` : ''}`);
  return new Promise<never>(() => undefined);
}

function renderTopBar(me: Me, active: PageName) {
  const link = (page: PageName, href: string, label: string) =>
    h('a', { href, class: 'nav-link', 'aria-current': page === active ? 'page' : undefined }, label);
  render(
    byId('topbar'),
    h('a', { class: 'brand', href: '/' }, 'Invite links'),
    h('nav', { 'aria-label': 'Main' }, link('users', '/', 'Users'), link('settings', '/settings', 'Login Settings')),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'who-email', title: 'Signed in as' }, me.email),
      h('button', { type: 'button', class: 'button subtle small', title: `Signed in as ${me.email}`, onclick: () => void signOut() }, 'Sign out'),
    ),
  );
}

const DOMAIN_KEY = 'invite-links.domain';

/** The domain to show: ?domain=, else the last one chosen, else the first. */
export function chooseDomain(candidates: Membership[]): Membership | undefined {
  const wanted = new URLSearchParams(location.search).get('domain') ?? sessionStorage.getItem(DOMAIN_KEY);
  return candidates.find((m) => m.domainId === wanted) ?? candidates[0];
}

/** A labelled <select> of domains, shown only to people in more than one. */
export function domainPicker(candidates: Membership[], current: Membership, onChange: (m: Membership) => void): HTMLElement | undefined {
  if (candidates.length < 2) return undefined;
  const select = h(
    'select',
    {
      id: 'domain-picker',
      onchange: () => {
        const next = candidates.find((m) => m.domainId === select.value);
        if (!next) return;
        sessionStorage.setItem(DOMAIN_KEY, next.domainId);
        history.replaceState(null, '', `?domain=${encodeURIComponent(next.domainId)}`);
        onChange(next);
      },
    },
    candidates.map((m) => h('option', { value: m.domainId, selected: m.domainId === current.domainId }, m.domainName)),
  );
  return h('div', { class: 'field inline' }, h('label', { for: 'domain-picker' }, 'Domain'), select);
}

/** A page-level failure: what went wrong, and a way to try again. */
export function failure(error: unknown): HTMLElement {
  const message = error instanceof ApiError ? `${error.title}. ${error.detail}` : 'The page could not load.';
  return h(
    'div',
    { class: 'notice error', role: 'alert' },
    h('p', {}, message),
    h('button', { type: 'button', class: 'button', onclick: () => location.reload() }, 'Try again'),
  );
}

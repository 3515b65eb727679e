/** What every signed-in page shares: the caller (or a trip to /signin), the top bar, the chosen domain. */
import { api, ApiError, session } from './api.ts';
import { sessionFromOpenTabs, shareSessionWithNewTabs, whenSignedOutElsewhere } from './session-share.ts';
import { signInAndComeBack, signOut } from './sign-in.ts';
import { byId, h, render } from './dom.ts';
import { mayInvite, type Me, type Membership } from './model.ts';

export type PageName = 'home' | 'users' | 'activity' | 'settings';

/**
 * Loads the caller, signed in by this tab, another open tab or the provider's session, or sends
 * them to the Sign in card (which brings them back here). Resolves only when signed in.
 */
export async function startSignedInPage(active: PageName): Promise<Me> {
  if (!session.token() && !(await sessionFromOpenTabs())) return signInAndComeBack();
  whenSignedOutElsewhere(() => void signInAndComeBack('signed-out'));
  try {
    const me = await api<Me>('GET', '/v1/me');
    shareSessionWithNewTabs();
    topBar = { me, active };
    renderTopBar();
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.signOut();
      return signInAndComeBack('expired');
    }
    throw error;
  }
}

let topBar: { me: Me; active: PageName } | undefined;

/**
 * The top bar offers only what the person can use: Home to every member; Users and Activity to
 * members who may invite somewhere; Login Settings to admins. Each link keeps the domain shown
 * when that page can show it.
 */
function renderTopBar() {
  if (!topBar) return;
  const { me, active } = topBar;
  const shown = chooseDomain(me.memberships);
  // The domain on show when the page fits it, else the first domain where it does.
  const link = (page: PageName, path: string, label: string, fits: (m: Membership) => boolean) => {
    const target = shown && fits(shown) ? shown : me.memberships.find(fits);
    const domain = target ? `?domain=${encodeURIComponent(target.domainId)}` : '';
    return h('a', { href: `${path}${domain}`, class: 'nav-link', 'aria-current': page === active ? 'page' : undefined }, label);
  };
  const anyMember = () => true;
  const admin = (m: Membership) => m.isAdmin;
  const inviter = me.memberships.some(mayInvite);
  render(
    byId('topbar'),
    h('a', { class: 'brand', href: inviter ? '/' : '/home' }, 'Invite links'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      me.memberships.length > 0 ? link('home', '/home', 'Home', anyMember) : null,
      inviter ? link('users', '/users', 'Users', mayInvite) : null,
      inviter ? link('activity', '/activity', 'Activity', mayInvite) : null,
      me.memberships.some(admin) ? link('settings', '/settings', 'Login Settings', admin) : null,
    ),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'who-email', title: 'Signed in as' }, me.email),
      h('button', { type: 'button', class: 'button subtle small', title: `Signed in as ${me.email}`, onclick: () => void signOut() }, 'Sign out'),
    ),
  );
}

const DOMAIN_KEY = 'invite-links.domain';

/** The domain the address or this tab asks for, before /v1/me has said which the person is in. */
export function wantedDomainId(): string | undefined {
  return new URLSearchParams(location.search).get('domain') ?? sessionStorage.getItem(DOMAIN_KEY) ?? undefined;
}

/** The domain to show: ?domain=, else the last one chosen, else the first. */
export function chooseDomain(candidates: Membership[]): Membership | undefined {
  const wanted = wantedDomainId();
  return candidates.find((m) => m.domainId === wanted) ?? candidates[0];
}

/** The page now shows this domain: this tab remembers it, and the top bar's links follow it. */
export function showingDomain(membership: Membership): void {
  sessionStorage.setItem(DOMAIN_KEY, membership.domainId);
  renderTopBar();
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
        history.replaceState(null, '', `?domain=${encodeURIComponent(next.domainId)}`);
        showingDomain(next);
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

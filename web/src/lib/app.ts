/** What every signed-in page shares: the caller (or a trip to /signin), the top bar, the chosen domain. */
import { api, ApiError, session } from './api.ts';
import { sessionFromOpenTabs, shareSessionWithNewTabs, whenSignedOutElsewhere } from './session-share.ts';
import { signInAndComeBack, signOut } from './sign-in.ts';
import { byId, h, render } from './dom.ts';
import { mayInvite, type JoinRequest, type Me, type Membership, type Page } from './model.ts';
import { chooseDomain, domainQuery, keepDomainInAddress } from './domains.ts';

export type PageName = 'home' | 'users' | 'requests' | 'activity' | 'settings';

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
/** The domain the page shows, once it has chosen. */
let shown: Membership | undefined;

/**
 * The top bar offers only what the person can use in the domain on show: Home to every member (and
 * to someone waiting for a request to join), Users, Requests (with how many wait) and Activity
 * where they may invite, Login Settings where they are an admin. Every link
 * keeps that domain: another domain is the picker's to choose, never a link's.
 */
function renderTopBar() {
  if (!topBar) return;
  const { me, active } = topBar;
  // Before the page has chosen, the domain it will choose (none when the address names one the person is not in).
  const domain = shown ?? chooseDomain(me).membership;
  const query = domain ? domainQuery(domain) : '';
  const link = (page: PageName, path: string, label: string) =>
    h('a', { href: `${path}${query}`, class: 'nav-link', 'aria-current': page === active ? 'page' : undefined }, label);
  const inviter = domain ? mayInvite(domain) : false;
  render(
    byId('topbar'),
    h('a', { class: 'brand', href: `${inviter ? '/users' : '/home'}${query}` }, 'Invite links'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      me.memberships.length > 0 || me.joinRequests.length ? link('home', '/home', 'Home') : null,
      inviter ? link('users', '/users', 'Users') : null,
      inviter && domain ? requestsLink(link('requests', '/requests', 'Requests'), domain.domainId) : null,
      inviter ? link('activity', '/activity', 'Activity') : null,
      domain?.isAdmin ? link('settings', '/settings', 'Login Settings') : null,
    ),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'who-email', title: 'Signed in as' }, me.email),
      h('button', { type: 'button', class: 'button subtle small', title: `Signed in as ${me.email}`, onclick: () => void signOut() }, 'Sign out'),
    ),
  );
}

/** Pending requests to join, per domain: one list call (its largest page), asked once per page load unless refreshed. */
const requestCounts = new Map<string, Promise<number>>();
const REQUEST_COUNT_PAGE = 100;

/** The Requests link with a badge saying how many requests wait ("99+" beyond), once the count is in; none when nobody waits. */
function requestsLink(link: HTMLElement, domainId: string): HTMLElement {
  let count = requestCounts.get(domainId);
  if (!count) {
    count = api<Page<JoinRequest>>('GET', `/v1/domains/${encodeURIComponent(domainId)}/join-requests?limit=${REQUEST_COUNT_PAGE}`).then((page) => page.items.length);
    requestCounts.set(domainId, count);
    count.catch(() => requestCounts.delete(domainId));
  }
  void count.then(
    (n) => {
      if (n === 0) return;
      link.append(' ', h('span', { class: 'badge request-count', id: 'requests-badge', 'aria-hidden': 'true' }, n > 99 ? '99+' : String(n)), h('span', { class: 'visually-hidden' }, `, ${n > 99 ? 'more than 99' : n} waiting`));
    },
    () => undefined,
  );
  return link;
}

/** The requests were decided on this page: the badge counts again. */
export function refreshRequestCount(): void {
  if (shown) requestCounts.delete(shown.domainId);
  renderTopBar();
}

/** The page now shows this domain: the address names it, this tab remembers it, and the top bar offers what the person may do there. */
export function showingDomain(membership: Membership): void {
  shown = membership;
  keepDomainInAddress(membership.domainId);
  renderTopBar();
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

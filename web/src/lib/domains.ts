/**
 * Which domain a signed-in page is about, and what it says when the person may not use that page
 * there. The address names the domain (`?domain=`) once the page has chosen it, so a reload, a
 * copied address or another tab shows the same one; a page never moves to another domain by
 * itself: the person picks one, or the page says why it shows nothing.
 */
import { h, type Child } from './dom.ts';
import type { Me, Membership } from './model.ts';

const DOMAIN_KEY = 'invite-links.domain';

/** The domain the address names, if it names one. */
export const namedDomainId = (): string | undefined => new URLSearchParams(location.search).get('domain') || undefined;

/** The domain the address or this tab asks for, before /v1/me has said which the person is in. */
export const wantedDomainId = (): string | undefined => namedDomainId() ?? sessionStorage.getItem(DOMAIN_KEY) ?? undefined;

export interface DomainChoice {
  /** The domain the page is about; none when the person belongs to none, or the address names one they are not in. */
  membership?: Membership;
  /** The address names this domain, and the person is not a member of it. */
  notMemberOf?: string;
}

/** The address's domain when it names one; else the one this tab showed last, else the person's first. */
export function chooseDomain(me: Me): DomainChoice {
  const named = namedDomainId();
  if (named) {
    const membership = me.memberships.find((m) => m.domainId === named);
    return membership ? { membership } : { notMemberOf: named };
  }
  const last = sessionStorage.getItem(DOMAIN_KEY);
  return { membership: me.memberships.find((m) => m.domainId === last) ?? me.memberships[0] };
}

/** This tab remembers the domain and the address names it (its other parameters kept), in place: no new history entry. */
export function keepDomainInAddress(domainId: string): void {
  sessionStorage.setItem(DOMAIN_KEY, domainId);
  const url = new URL(location.href);
  if (url.searchParams.get('domain') === domainId) return;
  url.searchParams.set('domain', domainId);
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

export const domainQuery = (m: Membership) => `?domain=${encodeURIComponent(m.domainId)}`;

/**
 * A labelled <select> of the person's domains, shown only to people in more than one. `onChange`
 * shows the page for the chosen domain; the picker keeps the focus when it was there.
 */
export function domainPicker(me: Me, current: Membership, onChange: (m: Membership) => unknown): HTMLElement | undefined {
  if (me.memberships.length < 2) return undefined;
  const select = h(
    'select',
    {
      id: 'domain-picker',
      onchange: async () => {
        const next = me.memberships.find((m) => m.domainId === select.value);
        if (!next) return;
        try {
          await onChange(next);
        } finally {
          // The page was drawn again with a new picker: the keyboard stays where it was.
          if (document.activeElement === document.body || !document.activeElement) document.getElementById('domain-picker')?.focus();
        }
      },
    },
    me.memberships.map((m) => h('option', { value: m.domainId, selected: m.domainId === current.domainId }, m.domainName)),
  );
  return h('div', { class: 'field inline domain-choice' }, h('label', { for: 'domain-picker' }, 'Domain'), select);
}

/** The page's title with the domain picker beside it. */
export const pageHead = (title: string, picker: HTMLElement | undefined, ...more: Child[]) =>
  h('div', { class: 'page-head' }, h('h1', {}, title), picker, ...more);

export interface NotAllowed {
  /** The notice's id, for tests and links. */
  id: string;
  /** "You're not allowed to see the users of Demo Media Co." */
  sentence: string;
  /** Who may, in a few words. */
  why: string;
}

/**
 * A page the person may not use in this domain says so, names the domain, and offers the others
 * (the picker, beside the title) and this domain's Home: it does not show another domain instead.
 */
export function notAllowedNotice(me: Me, membership: Membership, { id, sentence, why }: NotAllowed): HTMLElement {
  return h(
    'div',
    { class: 'notice', id, role: 'alert' },
    h('p', {}, h('strong', {}, sentence), ` ${why}`),
    h('p', {}, `You're signed in as ${me.email}. `, h('a', { href: `/home${domainQuery(membership)}` }, 'Go to Home'), me.memberships.length > 1 ? ', or choose another domain above.' : null),
  );
}

/** The address names a domain the person is not in: say so, and lead to this page in the domains they are in. */
export function notMemberNotice(me: Me, domainId: string, path: string): HTMLElement {
  return h(
    'div',
    { class: 'notice', id: 'not-a-member', role: 'alert' },
    h('p', {}, h('strong', {}, 'You are not a member of the domain this address is about'), ` (${domainId}). An admin may have removed you, or the address may be incomplete.`),
    me.memberships.length
      ? h(
          'p',
          {},
          'Your domains: ',
          me.memberships.flatMap((m, i) => [i ? ', ' : '', h('a', { href: `${path}${domainQuery(m)}` }, m.domainName)]),
          '.',
        )
      : h('p', {}, 'You are not a member of any domain yet: open the invite link you were sent to join one.'),
    h('p', {}, `You're signed in as ${me.email}. `, h('a', { href: '/home' }, 'Go to Home')),
  );
}

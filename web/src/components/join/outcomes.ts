/**
 * How a visit to the join page can end, each a card of its own: joined (a reload afterwards),
 * already a member, removed by an admin, the link no longer works, or the service could not check it.
 */
import { ApiError } from '../../lib/api.ts';
import { h } from '../../lib/dom.ts';
import { linkEndOf, problemFor } from '../../lib/link-ends.ts';
import type { Lookup, Me } from '../../lib/model.ts';

/** Already in this domain (seen from their memberships, or a 409): nothing to join, and the way in is Home there; `useAnotherAccount` for joining as someone else. */
export function alreadyMemberCard(link: Lookup, me: Me, useAnotherAccount: (status: HTMLElement) => void): HTMLElement {
  const status = h('div', { role: 'alert', class: 'form-error' });
  return h(
    'article',
    { class: 'card join success-page', 'data-problem': 'ALREADY_MEMBER' },
    h('h1', { tabindex: '-1', id: 'result-title' }, `You're already in ${link.domainName}`),
    h('p', {}, `You're signed in as ${me.email}, a member of ${link.domainName}, so there is nothing to join.`),
    h('p', {}, h('a', { href: `/home?domain=${encodeURIComponent(link.domainId)}`, class: 'button primary' }, `Go to ${link.domainName}`)),
    status,
    h('p', { class: 'muted small' }, 'Meant to join as someone else? ', h('button', { type: 'button', class: 'link-button', onclick: () => useAnotherAccount(status) }, 'Use another account'), '.'),
  );
}

/** 403: an admin removed this person and has not let them back; another press of Join would only be refused again. */
export function rejoinBlockedCard(link: Lookup, me: Me): HTMLElement {
  return h(
    'article',
    { class: 'card join problem', 'data-problem': 'REJOIN_BLOCKED' },
    h('h1', { tabindex: '-1', id: 'result-title' }, `An admin removed you from ${link.domainName}`),
    h('p', {}, `You're signed in as ${me.email}. An admin of ${link.domainName} removed you, so invite links don't let you join it again for now.`),
    h('p', {}, `You can join ${link.domainName} again once an admin allows it: ask one of them. Then open your invite link again.`),
    me.memberships.length ? h('p', {}, h('a', { href: '/home', class: 'button' }, 'Go to Home')) : null,
  );
}

/** This tab joined: a reload or Back after joining lands here, and the way on is Home. */
export function joinedCard(domainId: string, domainName: string): HTMLElement {
  const home = `/home?domain=${encodeURIComponent(domainId)}`;
  return h(
    'article',
    { class: 'card join success-page', 'data-problem': 'JOINED' },
    h('h1', { tabindex: '-1', id: 'result-title' }, `You've joined ${domainName}`),
    h('p', {}, 'Your invite link has done its job: you are a member now, and signed in with your account.'),
    h('p', {}, h('a', { href: home, class: 'button primary' }, `Go to ${domainName}`)),
  );
}

/** The link could not be checked (or the lookup was refused for too many attempts); `retry` starts over. */
export function unavailableCard(error: unknown, retry: () => void): HTMLElement {
  const message = error instanceof ApiError && error.code === 'RATE_LIMITED' ? 'Too many attempts right now. Wait a moment, then try again.' : 'We could not check your invite link just now.';
  return h(
    'article',
    { class: 'card join problem', 'data-problem': 'UNAVAILABLE' },
    h('h1', {}, 'Something went wrong'),
    h('p', {}, message),
    h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again'),
  );
}

/**
 * The link no longer works (or never did), in the words of lib/link-ends.ts, naming the organisation
 * where it is known; `invitation` (with the API's detail) when the token was an invitation by email.
 */
export function linkProblemCard(code: string, reason: string | undefined, domainName: string | undefined, invitation?: { detail?: string }): HTMLElement {
  const known = linkEndOf(code, reason);
  const problem = problemFor(known, domainName, invitation);
  return h(
    'article',
    { class: 'card join problem', 'data-problem': code, 'data-reason': known },
    h('h1', { tabindex: '-1', id: 'result-title' }, problem.title),
    problem.body.map((text) => h('p', {}, text)),
    problem.action ? h('p', {}, h('a', { href: problem.action.href, class: 'button' }, problem.action.text)) : null,
  );
}

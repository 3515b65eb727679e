/**
 * A link that needs approval, and the ways a join can be held back rather than ended: who reviews
 * a request (said before anyone signs in), "Request sent" once the API took it (202), a request
 * that was declined (403 JOIN_DECLINED), a link that paused itself or was paused (410 LINK_PAUSED),
 * and every link of the organisation paused for a while (410 LINKS_PAUSED).
 */
import { ApiError } from '../../lib/api.ts';
import { h } from '../../lib/dom.ts';
import { formatDateTime, type JoinRequested, type Lookup, type Me } from '../../lib/model.ts';

/** The answers that hold a join back for now: the link may work again later, so the page keeps it. */
export const PAUSE_CODES = new Set(['LINK_PAUSED', 'LINKS_PAUSED']);
export const isPause = (error: unknown): boolean => error instanceof ApiError && PAUSE_CODES.has(error.code);

/** Whether joining through this link asks for approval first. */
export const needsApproval = (link: Lookup) => link.kind === 'link' && link.requireApproval === true;

/** Said before sign-in and beside "Request to join": nobody is let in until someone looks. */
export function reviewNotice(link: Lookup): HTMLElement {
  return h(
    'p',
    { class: 'notice approval', id: 'approval-notice' },
    h('strong', {}, `Requests to join ${link.domainName} are reviewed by the person who shared this link and the domain's admins.`),
    ' You become a member once one of them approves.',
  );
}

/** 202: the request is in; nothing more to press. What happens next, and where to see it meanwhile. */
export function requestSentCard(domainName: string, me: Me, requested: Pick<JoinRequested, 'requestedAt'>): HTMLElement {
  return h(
    'article',
    { class: 'card join success-page', 'data-problem': 'JOIN_REQUESTED' },
    h('p', { class: 'eyebrow' }, 'Waiting for approval'),
    h('h1', { tabindex: '-1', id: 'result-title' }, 'Request sent'),
    h('p', {}, `You asked to join ${domainName} as ${me.email} on `, h('time', { datetime: requested.requestedAt }, formatDateTime(requested.requestedAt)), '.'),
    h('h2', {}, 'What happens next'),
    h(
      'ul',
      { class: 'plain-list next-steps' },
      h('li', {}, `The person who shared the link, or an admin of ${domainName}, reviews your request.`),
      h('li', {}, `You get an email at ${me.email} when they decide. Once approved, you are a member: sign in and ${domainName} is there.`),
      h('li', {}, 'Your Home lists the request until then.'),
    ),
    h('p', { class: 'actions start' }, h('a', { href: '/home', class: 'button primary' }, 'Go to Home')),
  );
}

/** 403 JOIN_DECLINED: asked through this link before, and the answer was no; asking again would be refused too. */
export function declinedCard(link: Lookup, me: Me): HTMLElement {
  return h(
    'article',
    { class: 'card join problem', 'data-problem': 'JOIN_DECLINED' },
    h('h1', { tabindex: '-1', id: 'result-title' }, `Your request to join ${link.domainName} was declined`),
    h('p', {}, `You're signed in as ${me.email}. You asked to join ${link.domainName} through this link, and the person who shared it or an admin declined, so this link can't take you in.`),
    h('p', {}, 'If you think that was a mistake, ask the person who sent you the link.'),
    me.memberships.length || me.joinRequests.length ? h('p', {}, h('a', { href: '/home', class: 'button' }, 'Go to Home')) : null,
  );
}

/** When a LINKS_PAUSED problem's pause ends (its `pausedUntil`), rounded up to the minute as its detail is: never a minute still paused. */
function pausedUntil(error: ApiError): string | undefined {
  const at = Date.parse(error.text('pausedUntil') ?? '');
  return Number.isNaN(at) ? undefined : new Date(Math.ceil(at / 60_000) * 60_000).toISOString();
}

/** 410 LINK_PAUSED or LINKS_PAUSED, at lookup or at the join: not over, only stopped for now. `domainName` as known before, if the problem names none. */
export function pausedCard(error: ApiError, domainName: string | undefined): HTMLElement {
  const org = error.text('domainName') ?? domainName;
  if (error.code === 'LINK_PAUSED') {
    return h(
      'article',
      { class: 'card join problem', 'data-problem': error.code },
      h('h1', { tabindex: '-1', id: 'result-title' }, 'This link is paused: ask the person who shared it'),
      h('p', {}, `It stopped letting people join${org ? ` ${org}` : ''} for now. The person who shared it, or an admin${org ? ` of ${org}` : ''}, can turn it back on.`),
      h('p', {}, 'Once it is back on, open your invite link again: the link has not ended.'),
    );
  }
  const until = pausedUntil(error);
  const when = until ? formatDateTime(until) : undefined;
  return h(
    'article',
    { class: 'card join problem', 'data-problem': error.code },
    h('h1', { tabindex: '-1', id: 'result-title' }, `Joining ${org ?? 'this organisation'} is paused${when ? ` until ${when}` : ''}`),
    h('p', {}, `An admin${org ? ` of ${org}` : ''} paused every invite link for a while. Nothing has ended: when the pause is over, or sooner if they resume, the links work again.`),
    h('p', {}, 'Then open your invite link again.'),
    !when && error.detail ? h('p', { class: 'muted small' }, error.detail) : null,
  );
}

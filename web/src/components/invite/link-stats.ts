/**
 * A link's stats on its row: one line ("12 views · 5 sign-ins · 3 joined · 2 refused"), and folded
 * under it the link's funnel (viewed → started to sign in → joined, each with its share of the
 * views as a native <progress>, since the pages' CSP allows no inline style) and its refusals by
 * reason; a link's detail view shows the same funnel (link-detail.ts). Views are distinct browsers
 * a day; the counts trail the joins by a few seconds.
 */
import { h } from '../../lib/dom.ts';
import { plural, type InviteLink } from '../../lib/model.ts';

type Stats = InviteLink['stats'];

/** Each refusal code in the words the row uses; a code not named here is shown as it is. */
const REFUSAL_WORDS: Record<string, string> = {
  LINK_EXPIRED: 'link expired',
  LINK_USED_UP: 'used up',
  LINK_REVOKED: 'link revoked',
  LINKS_DISABLED: 'links turned off',
  LINK_PAUSED: 'link paused',
  LINKS_PAUSED: 'all links paused',
  EMAIL_DOMAIN_NOT_ALLOWED: 'email domain not allowed',
  REJOIN_BLOCKED: 'removed earlier',
  JOIN_DECLINED: 'request declined',
  ALREADY_MEMBER: 'already a member',
};

const refusedCount = (stats: Stats) => Object.values(stats.refusals).reduce((sum, n) => sum + n, 0);

/** "12 views · 5 sign-ins · 3 joined · 2 refused". */
export function statsText(stats: Stats): string {
  const refused = refusedCount(stats);
  return [plural(stats.views, 'view'), plural(stats.signInsStarted, 'sign-in'), `${stats.joins} joined`, ...(refused ? [`${refused} refused`] : [])].join(' · ');
}

/**
 * The funnel (viewed → started to sign in → joined), the refusals by reason and what the counts
 * mean: folded under a row's stats line, and in a link's detail view. `idPrefix` keeps the bars'
 * ids apart where both are in the page.
 */
export function linkFunnel(link: Pick<InviteLink, 'id' | 'stats'>, idPrefix = 'funnel'): HTMLElement[] {
  const { stats } = link;
  const step = (label: string, value: number, id: string) =>
    h(
      'li',
      {},
      h('label', { for: id }, label),
      ' ',
      h('progress', { id, max: Math.max(stats.views, value, 1), value }),
      ' ',
      h('span', { class: 'funnel-count' }, String(value)),
    );
  const refusals = Object.entries(stats.refusals).sort(([, a], [, b]) => b - a);
  return [
    h(
      'ol',
      { class: 'funnel', 'aria-label': 'From views to joins' },
      step('Viewed', stats.views, `${idPrefix}-views-${link.id}`),
      step('Started to sign in', stats.signInsStarted, `${idPrefix}-sign-ins-${link.id}`),
      step('Joined', stats.joins, `${idPrefix}-joins-${link.id}`),
    ),
    refusals.length
      ? h('p', { class: 'small funnel-refusals' }, 'Refused: ', refusals.map(([code, n]) => `${n} ${REFUSAL_WORDS[code] ?? code}`).join(', '))
      : h('p', { class: 'small muted funnel-refusals' }, 'Nobody was refused.'),
    h('p', { class: 'hint' }, 'Views and sign-ins count each browser once a day, without recording who. Counts can take a few seconds to catch up.'),
  ];
}

/** The row's stats line and, folded, the funnel; `id` is the link's, for stable ids. */
export function linkStats(link: InviteLink): HTMLElement {
  return h('details', { class: 'link-stats', id: `stats-${link.id}` }, h('summary', { class: 'muted small' }, statsText(link.stats)), linkFunnel(link));
}

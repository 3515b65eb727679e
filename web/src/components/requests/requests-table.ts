/**
 * The Requests page's table: each request's person (name and email), when they asked, through which
 * link (its label, else the start of its id; "yours" on the caller's own links), and its state:
 * pending, the link ended (so it can't be approved, only declined), or what became of it on this
 * page (approved, declined, or the API's refusal in words). A checkbox per row selects it for
 * Approve or Decline; a decided row has none.
 */
import { h, type Child } from '../../lib/dom.ts';
import { formatDate, formatDateTime, type JoinRequest } from '../../lib/model.ts';
import { emailText } from '../users-table.ts';

/** What became of a request on this page: `refused` keeps it pending, with the API's reason. */
export interface Outcome {
  kind: 'approved' | 'declined' | 'refused';
  text: string;
  /** The request was decided (here or elsewhere) or is gone: nothing more to pick it for. */
  settled: boolean;
  /** Approving answered that the link died meanwhile (its 410 code): it can be declined, not approved. */
  linkEnded?: string;
}

/** A link that died while the request waited, as the list's `linkEnded` (the code a join would get) says. */
const LINK_ENDED: Record<string, string> = {
  LINK_EXPIRED: 'the link expired',
  LINK_REVOKED: 'the link was revoked',
  LINK_USED_UP: 'the link is used up',
  LINKS_DISABLED: 'invite links are turned off',
  LINK_NOT_FOUND: 'the link was deleted',
  LINK_PAUSED: 'the link is paused',
  LINKS_PAUSED: 'every link is paused for now',
};
export const linkEndedText = (code: string) => LINK_ENDED[code] ?? 'the link no longer works';

export const fullName = (r: Pick<JoinRequest, 'firstName' | 'lastName'>) => `${r.firstName} ${r.lastName}`;

/** "‘Spring interns’" or "a link (Abc123xy)", and "yours" on the caller's own. */
function through(r: JoinRequest, myUserId: string): HTMLElement {
  return h(
    'span',
    { class: 'request-link' },
    r.linkLabel ? h('q', { class: 'joined-label' }, r.linkLabel) : ['a link ', h('code', {}, r.linkId.slice(0, 8))],
    r.linkCreatedBy === myUserId ? h('span', { class: 'muted' }, ' (yours)') : null,
  );
}

/** The state cell: the outcome on this page first, else pending or the link's end. */
function state(r: JoinRequest, outcome: Outcome | undefined): HTMLElement {
  if (outcome) return h('span', { class: `request-state ${outcome.kind}`, 'data-outcome': outcome.kind }, outcome.text);
  if (r.linkEnded) return h('span', { class: 'request-state ended', 'data-outcome': 'link-ended' }, `Link ended: ${linkEndedText(r.linkEnded)}. Can't be approved.`);
  return h('span', { class: 'request-state pending', 'data-outcome': 'pending' }, 'Pending');
}

export interface RequestsTableOptions {
  myUserId: string;
  outcomes: Map<string, Outcome>;
  selected: Set<string>;
  /** A row's checkbox changed. */
  onPick(requestId: string, picked: boolean): void;
  /** Disabled while a decision is under way. */
  busy: boolean;
}

export function requestsTable(requests: JoinRequest[], { myUserId, outcomes, selected, onPick, busy }: RequestsTableOptions): HTMLElement {
  const cell = (label: string, ...content: Child[]) => h('td', { 'data-label': label }, ...content);
  return h(
    'table',
    { class: 'users requests' },
    h('caption', { class: 'visually-hidden' }, 'Requests to join, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'col-pick' }, h('span', { class: 'visually-hidden' }, 'Selected')),
        ['Who', 'Asked', 'Through', 'State'].map((label) => h('th', { scope: 'col', class: `col-${label.toLowerCase()}` }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      requests.map((r) => {
        const outcome = outcomes.get(r.requestId);
        const box = outcome?.settled
          ? null
          : h('input', {
              type: 'checkbox',
              class: 'pick',
              'aria-label': `Select ${fullName(r)} (${r.email})`,
              checked: selected.has(r.requestId),
              disabled: busy,
              onchange: (event: Event) => onPick(r.requestId, (event.target as HTMLInputElement).checked),
            });
        return h(
          'tr',
          { 'data-request-id': r.requestId, 'data-email': r.email, class: outcome ? `decided ${outcome.kind}` : r.linkEnded ? 'link-ended' : undefined },
          h('td', { class: 'pick-cell' }, box),
          h('th', { scope: 'row', 'data-label': 'Who' }, h('span', { class: 'name' }, fullName(r)), h('span', { class: 'email' }, emailText(r.email))),
          cell('Asked', h('time', { datetime: r.requestedAt, title: formatDateTime(r.requestedAt) }, formatDate(r.requestedAt))),
          cell('Through', through(r, myUserId)),
          cell('State', state(r, outcome)),
        );
      }),
    ),
  );
}

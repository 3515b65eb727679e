/**
 * Requests (/requests?domain=…), for members who may invite: the pending requests to join through
 * links that need approval (admins see every one in the domain, others those through their own
 * links), newest first, a page at a time; each with who, their email, when they asked and through
 * which link, a link that died meanwhile marked (it can be declined, not approved). Pick some or
 * all, then Approve or Decline (with an optional reason): one press decides them all, a few at a
 * time, with progress, and each row then says what became of it. The top bar's badge follows.
 */
import { api, ApiError, session } from '../lib/api.ts';
import { failure, refreshRequestCount, showingDomain, startSignedInPage } from '../lib/app.ts';
import { chooseDomain, domainPicker, notAllowedNotice, notMemberNotice, pageHead, wantedDomainId } from '../lib/domains.ts';
import { byId, h, render } from '../lib/dom.ts';
import { pagedList, type PagedList } from '../lib/paging.ts';
import { mayInvite, plural, type JoinRequest, type Me, type Membership, type Page } from '../lib/model.ts';
import { askDeclineReason, decideAll, type Decision } from '../components/requests/deciding.ts';
import { requestsTable, type Outcome } from '../components/requests/requests-table.ts';
import '../components/requests/requests.css';

const main = byId('main');

/** The API's largest page: a hundred requests are one page to select all of and approve in one press. */
const requestsPath = (domainId: string) => `/v1/domains/${encodeURIComponent(domainId)}/join-requests?limit=100`;

async function start() {
  // The domain the address names is asked for together with /v1/me, not after it.
  const wanted = session.token() ? wantedDomainId() : undefined;
  const early = wanted ? { domainId: wanted, page: api<Page<JoinRequest>>('GET', requestsPath(wanted)) } : undefined;
  early?.page.catch(() => undefined);
  const me = await startSignedInPage('requests');
  const { membership, notMemberOf } = chooseDomain(me);
  if (notMemberOf) return render(main, h('h1', {}, 'Requests'), notMemberNotice(me, notMemberOf, '/requests'));
  if (!membership) return location.replace('/home');
  await show(me, membership, early?.domainId === membership.domainId ? early.page : undefined);
}

/** The requests of a domain where the person may invite; elsewhere, why not. */
function show(me: Me, membership: Membership, firstPage?: Promise<Page<JoinRequest>>): Promise<void> {
  if (mayInvite(membership)) return showDomain(me, membership, firstPage);
  showingDomain(membership);
  render(
    main,
    pageHead('Requests', domainPicker(me, membership, (next) => show(me, next).catch(showFailure))),
    notAllowedNotice(me, membership, {
      id: 'requests-not-allowed',
      sentence: `You're not allowed to decide requests to join ${membership.domainName}.`,
      why: 'Only members who may invite people do.',
    }),
  );
  return Promise.resolve();
}

async function showDomain(me: Me, membership: Membership, firstPage?: Promise<Page<JoinRequest>>) {
  showingDomain(membership);
  render(main, h('p', { class: 'loading' }, 'Loading requests…'));
  const base = `/v1/domains/${encodeURIComponent(membership.domainId)}`;
  const { domainName } = membership;
  let list: PagedList<JoinRequest> = { items: [], more: null };
  const outcomes = new Map<string, Outcome>();
  const selected = new Set<string>();
  let busy = false;

  const summary = h('p', { class: 'muted', id: 'requests-summary' });
  const table = h('div', { id: 'requests-list' });
  const status = h('div', { class: 'requests-status', id: 'requests-status', role: 'status', tabindex: '-1' });
  const selectAll = h('input', { type: 'checkbox', id: 'select-all', onchange: () => pickAll(selectAll.checked) });
  const picked = h('span', { class: 'muted', id: 'requests-selected' });
  const approve = h('button', { type: 'button', class: 'button primary', id: 'approve-requests', onclick: () => void decide('approve') }, 'Approve');
  const decline = h('button', { type: 'button', class: 'button danger', id: 'decline-requests-button', onclick: () => void decide('decline') }, 'Decline');
  const toolbar = h(
    'div',
    { class: 'requests-toolbar', role: 'group', 'aria-label': 'Decide the selected requests' },
    h('div', { class: 'choice' }, selectAll, h('label', { for: 'select-all' }, 'Select all')),
    picked,
    h('div', { class: 'actions' }, approve, decline),
  );

  /** Requests that can still be picked: pending, not yet decided here. */
  const open = () => list.items.filter((r) => !outcomes.get(r.requestId)?.settled);
  const pickedRequests = () => open().filter((r) => selected.has(r.requestId));

  /** The counts and buttons only: a checkbox's change must not draw the rows again (the focus stays on it). */
  const drawToolbar = () => {
    const pending = open();
    const chosen = pickedRequests().length;
    picked.textContent = chosen ? `${chosen} selected` : 'None selected';
    selectAll.checked = pending.length > 0 && chosen === pending.length;
    selectAll.indeterminate = chosen > 0 && chosen < pending.length;
    for (const control of [selectAll, approve, decline]) control.disabled = busy || (control === selectAll ? pending.length === 0 : chosen === 0);
    toolbar.hidden = list.items.length === 0;
  };
  const draw = () => {
    const pending = open();
    const { more } = list;
    summary.textContent = pending.length
      ? `${domainName} · ${more ? `the first ${plural(pending.length, 'pending request')}` : plural(pending.length, 'pending request')} · ${membership.isAdmin ? 'every request to join' : 'requests through the links you made'}`
      : `${domainName} · no pending requests`;
    drawToolbar();
    render(
      table,
      list.items.length
        ? h('div', { class: 'table-wrap' }, requestsTable(list.items, { myUserId: me.userId, outcomes, selected, busy, onPick }))
        : h('p', { class: 'notice', id: 'no-requests' }, `Nobody is waiting to join ${domainName}. Requests through links that need approval appear here.`),
      more,
    );
  };
  const onPick = (requestId: string, on: boolean) => {
    if (on) selected.add(requestId);
    else selected.delete(requestId);
    drawToolbar();
  };
  const pickAll = (on: boolean) => {
    for (const r of open()) {
      if (on) selected.add(r.requestId);
      else selected.delete(r.requestId);
    }
    for (const box of table.querySelectorAll<HTMLInputElement>('input.pick')) box.checked = on;
    drawToolbar();
  };

  /** One press for every picked request: progress while the answers come, then what became of each. */
  const decide = async (decision: Decision) => {
    const chosen = pickedRequests();
    if (busy || chosen.length === 0) return;
    let reason: string | undefined;
    if (decision === 'decline') {
      const asked = await askDeclineReason(chosen, domainName);
      if (asked === null) return;
      reason = asked;
    }
    // A request whose link ended is not sent to be approved: the API would refuse it, and the row says why already.
    const ended = (r: JoinRequest) => r.linkEnded ?? outcomes.get(r.requestId)?.linkEnded;
    const sendable = decision === 'approve' ? chosen.filter((r) => !ended(r)) : chosen;
    const counts = { approved: 0, declined: 0, refused: chosen.length - sendable.length };
    busy = true;
    const progress = h('progress', { max: sendable.length, value: 0, 'aria-label': decision === 'approve' ? 'Approving' : 'Declining' });
    const done = h('span', {}, `0 of ${sendable.length}`);
    render(status, h('p', { class: 'requests-progress' }, progress, ' ', decision === 'approve' ? 'Approving… ' : 'Declining… ', done));
    draw();
    await decideAll(base, sendable, decision, reason, (request, outcome) => {
      outcomes.set(request.requestId, outcome);
      counts[outcome.kind] += 1;
      if (outcome.settled) selected.delete(request.requestId);
      progress.value += 1;
      done.textContent = `${progress.value} of ${sendable.length}`;
    });
    if (decision === 'approve') for (const r of chosen) if (!sendable.includes(r)) selected.delete(r.requestId);
    busy = false;
    const said = [
      counts.approved ? `${plural(counts.approved, 'request')} approved` : '',
      counts.declined ? `${plural(counts.declined, 'request')} declined` : '',
      counts.refused ? `${counts.refused} not ${decision === 'approve' ? 'approved' : 'declined'}: each row says why` : '',
    ].filter(Boolean);
    render(status, h('p', { class: counts.refused ? 'notice error' : 'notice success', id: 'requests-result' }, `${said.join(' · ')}.`));
    draw();
    status.focus();
    refreshRequestCount();
  };

  render(main, pageHead('Requests', domainPicker(me, membership, (next) => show(me, next).catch(showFailure))), summary, toolbar, status, table);
  await pagedList<JoinRequest>(
    requestsPath(membership.domainId),
    (next) => {
      list = next;
      draw();
    },
    firstPage,
  );
}

function showFailure(error: unknown) {
  // The permission went away after /v1/me: the same plain answer as the not-allowed notice.
  if (error instanceof ApiError && error.status === 403) {
    render(
      main,
      h('h1', {}, 'Requests'),
      h('div', { class: 'notice', id: 'requests-not-allowed', role: 'alert' }, h('p', {}, h('strong', {}, "You're not allowed to decide these requests."), ` ${error.detail}`), h('p', {}, h('a', { href: '/home' }, 'Go to Home'))),
    );
    return;
  }
  render(main, h('h1', {}, 'Requests'), failure(error));
}

start().catch(showFailure);

/**
 * Home (/home?domain=…): every member's landing page, where someone who just joined arrives.
 * What they have in the domain (user type, teams with the primary one marked, role groups, legacy
 * groups) and who invited them and when, all from /v1/me, so it works for members who may not
 * list the domain's teams; members who may invite also get the way to their Users page. The
 * person's own requests to join (through links that need approval) are listed too, waiting or
 * declined, also for someone who is in no domain yet.
 */
import { failure, showingDomain, startSignedInPage } from '../lib/app.ts';
import { chooseDomain, domainPicker, domainQuery, notMemberNotice } from '../lib/domains.ts';
import { byId, h, render, type Child } from '../lib/dom.ts';
import { dismissWelcome, welcomeOnHome } from '../lib/joined.ts';
import { formatDate, formatDateTime, mayInvite, USER_TYPE_HINT, USER_TYPE_LABEL, type JoinedVia, type Me, type Membership, type MyJoinRequest } from '../lib/model.ts';

const main = byId('main');

async function start() {
  const me = await startSignedInPage('home');
  const { membership: current, notMemberOf } = chooseDomain(me);
  if (notMemberOf) return render(main, h('h1', {}, 'Home'), notMemberNotice(me, notMemberOf, '/home'));
  if (!current) {
    render(
      main,
      h('h1', {}, 'Home'),
      h(
        'div',
        { class: 'notice', id: 'no-domain' },
        h('p', {}, `You're signed in as ${me.email}, and not a member of any domain yet.`),
        h('p', {}, myRequests(me).some((r) => r.status === 'pending') ? 'Once your request below is approved, you are in.' : 'To join one, open the invite link you were sent.'),
      ),
      requestsSection(me),
    );
    return;
  }
  showDomain(me, current);
}

function showDomain(me: Me, membership: Membership) {
  showingDomain(membership);
  document.title = `${membership.domainName} · Invite links`;
  const others = me.memberships.filter((m) => m.domainId !== membership.domainId);
  const title = h('h1', { id: 'home-title', tabindex: '-1' }, membership.domainName);
  const signedInAs = h('p', { class: 'muted who-am-i' }, `Signed in as ${me.email}`);
  const welcome = welcomeOnHome(membership.domainId)
    ? h(
        'div',
        { class: 'notice success welcome', role: 'status', id: 'joined-notice' },
        h('p', {}, h('strong', {}, `Welcome! You've joined ${membership.domainName}.`), ` You're signed in as ${me.email}.`),
        h(
          'button',
          {
            type: 'button',
            class: 'icon-button',
            'aria-label': 'Dismiss the welcome',
            onclick: () => {
              dismissWelcome();
              welcome?.replaceWith(signedInAs);
              title.focus();
            },
          },
          '×',
        ),
      )
    : undefined;
  render(
    main,
    h('div', { class: 'page-head' }, title, domainPicker(me, membership, (next) => showDomain(me, next))),
    welcome ?? signedInAs,
    h('section', { class: 'card home-grants', 'aria-labelledby': 'grants-title' }, h('h2', { id: 'grants-title' }, `What you have in ${membership.domainName}`), grants(membership)),
    requestsSection(me),
    h(
      'section',
      { class: 'card home-joined', 'aria-labelledby': 'joined-title' },
      h('h2', { id: 'joined-title' }, 'How you joined'),
      joinedText(membership.joinedVia),
      membership.memberUntil
        ? h('p', { id: 'member-until' }, `Your membership of ${membership.domainName} ends on ${formatDateTime(membership.memberUntil)}. An admin can extend it.`)
        : null,
    ),
    mayInvite(membership)
      ? h(
          'section',
          { class: 'card home-invite', 'aria-labelledby': 'invite-title' },
          h('h2', { id: 'invite-title' }, 'Invite people'),
          h('p', {}, `You may invite people to ${membership.domainName}.`),
          h(
            'p',
            { class: 'actions start' },
            h('a', { class: 'button primary', href: `/users${domainQuery(membership)}` }, 'Go to Users'),
          ),
        )
      : null,
    others.length
      ? h(
          'section',
          { class: 'card home-others', 'aria-labelledby': 'others-title' },
          h('h2', { id: 'others-title' }, 'Your other domains'),
          h(
            'ul',
            { class: 'plain-list' },
            others.map((m) => h('li', {}, h('a', { href: `/home${domainQuery(m)}` }, m.domainName), ` · ${USER_TYPE_LABEL[m.userType]} user`)),
          ),
        )
      : null,
  );
}

/** The requests that still say something: waiting, or declined. An approved one is a membership now. */
const myRequests = (me: Me): MyJoinRequest[] => me.joinRequests.filter((r) => r.status === 'pending' || r.status === 'declined');

/** "Waiting for approval to join Acme, asked 3 Mar 2026", and the declined ones as declined; nothing when there are none. */
function requestsSection(me: Me): HTMLElement | null {
  const requests = myRequests(me);
  if (!requests.length) return null;
  const when = (iso: string) => h('time', { datetime: iso, title: formatDateTime(iso) }, formatDate(iso));
  return h(
    'section',
    { class: 'card home-requests', id: 'my-requests', 'aria-labelledby': 'my-requests-title' },
    h('h2', { id: 'my-requests-title' }, 'Your requests to join'),
    h(
      'ul',
      { class: 'plain-list request-list' },
      requests.map((r) =>
        h(
          'li',
          { 'data-request-id': r.requestId, 'data-status': r.status },
          r.status === 'pending'
            ? [h('strong', {}, `Waiting for approval to join ${r.domainName}`), ', asked ', when(r.requestedAt), '.']
            : [h('strong', {}, `Your request to join ${r.domainName} was declined`), r.decidedAt ? [' on ', when(r.decidedAt)] : null, ` (asked `, when(r.requestedAt), ').'],
        ),
      ),
    ),
    requests.some((r) => r.status === 'pending') ? h('p', { class: 'muted small' }, 'You get an email when a request is decided.') : null,
  );
}

/** User type, teams (primary first and marked), primary legacy group, role groups, legacy groups. */
function grants(m: Membership): HTMLElement {
  const teams = m.teams;
  const primaryTeamId = m.primaryTeamId ?? teams[0]?.id;
  const groups = m.groups;
  const row = (term: string, ...value: Child[]) => h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
  const names = (items: { id: string; name: string }[], primaryId?: string) =>
    items.length
      ? h(
          'ul',
          { class: 'name-list' },
          items.map((item) => h('li', {}, item.name, item.id === primaryId ? h('span', { class: 'badge primary-mark' }, 'primary') : null)),
        )
      : h('span', { class: 'muted' }, 'none');
  return h(
    'dl',
    { class: 'grants home-grants-list' },
    row('User type', `${USER_TYPE_LABEL[m.userType]}`, h('span', { class: 'muted' }, ` — ${USER_TYPE_HINT[m.userType]}`), m.isAdmin ? h('span', { class: 'badge admin' }, 'Admin') : null),
    row('Teams', names(teams, primaryTeamId)),
    row('Role groups', names(m.roleGroups)),
    row('Legacy groups', names(groups, m.primaryGroupId)),
  );
}

function joinedText(via: JoinedVia | undefined): HTMLElement {
  if (!via) return h('p', { id: 'joined-via' }, 'An admin added you directly.');
  const link = via.invitationId ? 'an invitation by email' : via.label ? h('q', { class: 'invite-label' }, via.label) : 'an invite link';
  return h(
    'p',
    { id: 'joined-via' },
    'You joined through ',
    link,
    via.invitedBy ? [' from ', h('strong', { class: 'inviter' }, via.invitedBy.email)] : null,
    ' on ',
    h('time', { datetime: via.at, title: formatDateTime(via.at) }, formatDate(via.at)),
    '.',
  );
}

start().catch((error: unknown) => render(main, h('h1', {}, 'Home'), failure(error)));

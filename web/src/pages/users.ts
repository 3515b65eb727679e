/** Users page (/): the domain's users and how they came in; "+ New Users" opens the invite modal. */
import { api } from '../lib/api.ts';
import { pagedList } from '../lib/paging.ts';
import { chooseDomain, domainPicker, failure, startSignedInPage } from '../lib/app.ts';
import { byId, h, render } from '../lib/dom.ts';
import { formatDate, mayInvite, plural, USER_TYPE_LABEL, type Group, type Items, type Me, type Member, type Membership, type RoleGroup, type Team } from '../lib/model.ts';
import { createInviteModal, type Directory } from '../components/invite-modal.ts';

const main = byId('main');

async function start() {
  const me = await startSignedInPage('users');
  const candidates = me.memberships.filter(mayInvite);
  const current = chooseDomain(candidates);
  if (!current) {
    render(
      main,
      h('h1', {}, 'Users'),
      h('div', { class: 'notice', id: 'no-invite' }, membershipSummary(me), h('p', {}, 'You can see and invite users only in a domain where you may invite people. Ask a domain admin if you need to.')),
    );
    return;
  }
  await showDomain(me, candidates, current);
}

async function showDomain(me: Me, candidates: Membership[], membership: Membership) {
  render(main, h('p', { class: 'loading' }, 'Loading users…'));
  const base = `/v1/domains/${encodeURIComponent(membership.domainId)}`;
  const [teams, roleGroups, groups] = await Promise.all([
    api<Items<Team>>('GET', `${base}/teams`),
    api<Items<RoleGroup>>('GET', `${base}/role-groups`),
    api<Items<Group>>('GET', `${base}/groups`),
  ]);
  const directory: Directory = { me, membership, teams: teams.items, roleGroups: roleGroups.items, groups: groups.items };
  const table = h('div', { id: 'users-list' });
  const summary = h('p', { class: 'muted', id: 'users-summary' });
  const refreshUsers = () =>
    pagedList<Member>(`${base}/users`, ({ items, more }) => {
      summary.textContent = `${membership.domainName} · ${more ? `the first ${plural(items.length, 'user')}` : plural(items.length, 'user')}`;
      render(table, h('div', { class: 'table-wrap' }, usersTable(items, directory)), more);
    });
  const modal = createInviteModal(directory, () => void refreshUsers());
  const newUsers = h('button', { type: 'button', class: 'button primary', id: 'new-users', 'aria-haspopup': 'dialog', onclick: () => modal.open() }, '+ New Users');
  render(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Users'),
      domainPicker(candidates, membership, (next) => void showDomain(me, candidates, next).catch(showFailure)),
      newUsers,
    ),
    summary,
    table,
    modal.dialog,
  );
  await refreshUsers();
}

/** Who the caller is where (the ?domain= one first): someone who just joined sees the domain they joined. */
function membershipSummary(me: Me): HTMLElement {
  const here = chooseDomain(me.memberships);
  if (!here) return h('p', {}, `You're signed in as ${me.email}, and not a member of any domain yet. To join one, open the invite link you were sent.`);
  const others = me.memberships.filter((m) => m !== here);
  return h(
    'p',
    {},
    `You're a member of `,
    h('strong', {}, here.domainName),
    ` as a ${USER_TYPE_LABEL[here.userType]} user.`,
    others.length ? ` You're also in ${others.map((m) => m.domainName).join(', ')}.` : '',
  );
}

function usersTable(members: Member[], { teams }: Directory): HTMLElement {
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? id;
  const cell = (label: string, ...content: (Node | string)[]) => h('td', { 'data-label': label }, ...content);
  return h(
    'table',
    { class: 'users' },
    h('caption', { class: 'visually-hidden' }, 'Users of this domain'),
    h('thead', {}, h('tr', {}, ['Name', 'User type', 'Teams', 'How they joined'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      members.map((m) =>
        h(
          'tr',
          { 'data-email': m.email },
          h('th', { scope: 'row' }, h('span', { class: 'name' }, `${m.firstName} ${m.lastName}`), h('span', { class: 'email' }, m.email)),
          cell('User type', USER_TYPE_LABEL[m.userType], m.isAdmin ? ' ' : '', m.isAdmin ? h('span', { class: 'badge' }, 'Admin') : ''),
          cell('Teams', m.teamIds.map(teamName).join(', ') || '—'),
          cell('How they joined', m.joinedVia ? h('span', { class: 'joined-via' }, `Joined via link (${formatDate(m.joinedVia.at)})`) : h('span', { class: 'muted' }, 'Added directly')),
        ),
      ),
    ),
  );
}

const showFailure = (error: unknown) => render(main, h('h1', {}, 'Users'), failure(error));
start().catch(showFailure);

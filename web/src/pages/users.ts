/**
 * Users page (/): the domain's users and how they came in; "+ New Users" opens the invite modal.
 * Domain admins also change a member's user type, teams and groups, or remove them, each step
 * confirmed in a dialog; others see the list only.
 */
import { api } from '../lib/api.ts';
import { pagedList, type PagedList } from '../lib/paging.ts';
import { chooseDomain, domainPicker, failure, startSignedInPage } from '../lib/app.ts';
import { byId, h, render } from '../lib/dom.ts';
import { formatDate, mayInvite, plural, USER_TYPE_LABEL, type Group, type Items, type Me, type Member, type Membership, type RoleGroup, type Team } from '../lib/model.ts';
import { createInviteModal, type Directory } from '../components/invite-modal.ts';
import { memberActions, type MemberActions } from '../components/member-editor.ts';

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
  const announce = h('p', { class: 'visually-hidden', role: 'status', id: 'users-status' });
  let list: PagedList<Member> = { items: [], more: null };

  const showList = () => {
    const { items, more } = list;
    summary.textContent = `${membership.domainName} · ${more ? `the first ${plural(items.length, 'user')}` : plural(items.length, 'user')}`;
    render(table, h('div', { class: 'table-wrap' }, usersTable(items, directory, actions)), more);
  };
  const refreshUsers = () =>
    pagedList<Member>(`${base}/users`, (next) => {
      list = next;
      showList();
    });
  const focusRow = (userId: string | undefined) =>
    (userId ? table.querySelector<HTMLElement>(`tr[data-user-id="${CSS.escape(userId)}"] .edit-member`) : null) ?? newUsers;

  // Only admins may change members: others get no controls at all (the API refuses them anyway).
  const actions = membership.isAdmin
    ? memberActions(directory, base, {
        saved(updated) {
          const at = list.items.findIndex((m) => m.userId === updated.userId);
          if (at >= 0) list.items[at] = updated;
          showList();
          focusRow(updated.userId).focus();
          announce.textContent = `Saved: ${fullName(updated)} is now ${describeMember(updated, directory)}.`;
        },
        removed(gone) {
          if (gone.userId === me.userId) return location.assign('/');
          const at = list.items.findIndex((m) => m.userId === gone.userId);
          const next = list.items[at + 1] ?? list.items[at - 1];
          if (at >= 0) list.items.splice(at, 1);
          showList();
          focusRow(next?.userId).focus();
          announce.textContent = `${fullName(gone)} was removed from ${membership.domainName}.`;
        },
      })
    : undefined;

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
    announce,
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

const fullName = (m: Member) => `${m.firstName} ${m.lastName}`;
const nameOf = (items: { id: string; name: string }[], id: string) => items.find((i) => i.id === id)?.name ?? id;

/** "a Power user in Producers, Marketing": for the announcement after an edit. */
function describeMember(m: Member, { teams }: Directory): string {
  return `a ${USER_TYPE_LABEL[m.userType]} user${m.teamIds.length ? ` in ${m.teamIds.map((id) => nameOf(teams, id)).join(', ')}` : ''}`;
}

function usersTable(members: Member[], directory: Directory, actions: MemberActions | undefined): HTMLElement {
  const { teams, roleGroups, groups } = directory;
  const cell = (label: string, ...content: (Node | string | null)[]) => h('td', { 'data-label': label }, ...content);
  const columns = ['Name', 'User type', 'Teams and groups', 'How they joined'];
  return h(
    'table',
    { class: 'users' },
    h('caption', { class: 'visually-hidden' }, 'Users of this domain'),
    h(
      'thead',
      {},
      h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)), actions ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null),
    ),
    h(
      'tbody',
      {},
      members.map((m) => {
        const extra = [
          m.roleGroupIds.length ? `Role groups: ${m.roleGroupIds.map((id) => nameOf(roleGroups, id)).join(', ')}` : null,
          m.groupIds.length ? `Legacy groups: ${m.groupIds.map((id) => nameOf(groups, id)).join(', ')}` : null,
        ].filter((text) => text !== null);
        return h(
          'tr',
          { 'data-email': m.email, 'data-user-id': m.userId },
          h('th', { scope: 'row' }, h('span', { class: 'name' }, fullName(m)), h('span', { class: 'email' }, m.email)),
          cell('User type', USER_TYPE_LABEL[m.userType], m.isAdmin ? ' ' : '', m.isAdmin ? h('span', { class: 'badge' }, 'Admin') : ''),
          cell(
            'Teams',
            h('span', { class: 'teams' }, m.teamIds.map((id) => nameOf(teams, id)).join(', ') || '—'),
            extra.length ? h('span', { class: 'member-groups' }, extra.join(' · ')) : null,
          ),
          cell('How they joined', m.joinedVia ? h('span', { class: 'joined-via' }, `Joined via link (${formatDate(m.joinedVia.at)})`) : h('span', { class: 'muted' }, 'Added directly')),
          actions
            ? h(
                'td',
                { class: 'row-actions' },
                h('button', { type: 'button', class: 'button small edit-member', 'aria-haspopup': 'dialog', 'aria-label': `Edit ${fullName(m)}`, onclick: () => actions.edit(m) }, 'Edit'),
                h(
                  'button',
                  { type: 'button', class: 'button small danger remove-member', 'aria-haspopup': 'dialog', 'aria-label': `Remove ${fullName(m)}`, onclick: () => actions.remove(m) },
                  'Remove',
                ),
              )
            : null,
        );
      }),
    ),
  );
}

const showFailure = (error: unknown) => render(main, h('h1', {}, 'Users'), failure(error));
start().catch(showFailure);

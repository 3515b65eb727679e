/**
 * Users page (/ and /users?domain=…), for members who may invite: the domain's users, what they
 * have (the primary team marked) and which link brought them in, from whom; "+ New Users" opens
 * the invite modal. Domain admins also change a member's user type, teams and groups, or remove
 * them, each step confirmed in a dialog, and see who is kept out after a removal, to let them
 * rejoin; others see the list only. Everyone else is sent Home. The caller, the domain's teams and
 * groups and the first page of users are asked for at once.
 */
import { api, session } from '../lib/api.ts';
import { pagedList, type PagedList } from '../lib/paging.ts';
import { chooseDomain, domainPicker, failure, showingDomain, startSignedInPage, wantedDomainId } from '../lib/app.ts';
import { byId, h, render } from '../lib/dom.ts';
import {
  formatDate,
  formatDateTime,
  mayInvite,
  plural,
  USER_TYPE_LABEL,
  type Directory,
  type Group,
  type Items,
  type Me,
  type Member,
  type Membership,
  type Page,
  type RemovedMember,
  type RoleGroup,
  type Team,
} from '../lib/model.ts';
import { createInviteModal } from '../components/invite/invite-modal.ts';
import { memberActions, type MemberActions } from '../components/member-editor.ts';
import { removedMembers } from '../components/removed-members.ts';

const main = byId('main');

/** Everything the page shows of one domain, asked for at once. */
interface DomainData {
  teams: Promise<Items<Team>>;
  roleGroups: Promise<Items<RoleGroup>>;
  groups: Promise<Items<Group>>;
  users: Promise<Page<Member>>;
}

const pathOf = (domainId: string) => `/v1/domains/${encodeURIComponent(domainId)}`;

function loadDomain(domainId: string): DomainData {
  const base = pathOf(domainId);
  const data: DomainData = {
    teams: api<Items<Team>>('GET', `${base}/teams`),
    roleGroups: api<Items<RoleGroup>>('GET', `${base}/role-groups`),
    groups: api<Items<Group>>('GET', `${base}/groups`),
    users: api<Page<Member>>('GET', `${base}/users`),
  };
  // Answers nobody waits for (the domain turned out not to be one the person may see) are dropped quietly.
  for (const answer of Object.values(data)) (answer as Promise<unknown>).catch(() => undefined);
  return data;
}

async function start() {
  // The domain the address names is asked for together with /v1/me, not after it.
  const wanted = session.token() ? wantedDomainId() : undefined;
  const early = wanted ? loadDomain(wanted) : undefined;
  const me = await startSignedInPage('users');
  const candidates = me.memberships.filter(mayInvite);
  const current = chooseDomain(candidates);
  // The users list is for people who may invite there; anyone else's page for that domain is Home.
  const asked = me.memberships.find((m) => m.domainId === wanted);
  if (!current || (asked && !mayInvite(asked))) {
    const here = asked ?? chooseDomain(me.memberships);
    location.replace(here ? `/home?domain=${encodeURIComponent(here.domainId)}` : '/home');
    return;
  }
  await showDomain(me, candidates, current, current.domainId === wanted ? early : undefined);
}

async function showDomain(me: Me, candidates: Membership[], membership: Membership, early?: DomainData) {
  showingDomain(membership);
  render(main, h('p', { class: 'loading' }, 'Loading users…'));
  const base = pathOf(membership.domainId);
  const data = early ?? loadDomain(membership.domainId);
  // Only admins may see who is kept out: nobody else's page asks.
  const firstRemoved = membership.isAdmin ? api<Page<RemovedMember>>('GET', `${base}/removed-members`) : undefined;
  firstRemoved?.catch(() => undefined);
  const [teams, roleGroups, groups] = await Promise.all([data.teams, data.roleGroups, data.groups]);
  const directory: Directory = { me, membership, teams: teams.items, roleGroups: roleGroups.items, groups: groups.items };
  const table = h('div', { id: 'users-list' });
  const summary = h('p', { class: 'muted', id: 'users-summary' });
  const announce = h('p', { class: 'visually-hidden', role: 'status', id: 'users-status' });
  let list: PagedList<Member> = { items: [], more: null };

  const showList = () => {
    const { items, more } = list;
    summary.textContent = `${membership.domainName} · ${more ? `the first ${plural(items.length, 'user')}` : plural(items.length, 'user')}`;
    render(table, h('div', { class: 'table-wrap' }, usersTable(items, directory, actions)), more);
    keptOut?.nameAdmins();
  };
  const refreshUsers = (firstPage?: Promise<Page<Member>>) =>
    pagedList<Member>(
      `${base}/users`,
      (next) => {
        list = next;
        showList();
      },
      firstPage,
    );
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
        removed(gone, stillOut) {
          if (gone.userId === me.userId) return location.assign('/home');
          if (stillOut) void keptOut?.refresh();
          const at = list.items.findIndex((m) => m.userId === gone.userId);
          const next = list.items[at + 1] ?? list.items[at - 1];
          if (at >= 0) list.items.splice(at, 1);
          showList();
          focusRow(next?.userId).focus();
          announce.textContent = `${fullName(gone)} was removed from ${membership.domainName}.`;
        },
      })
    : undefined;
  const keptOut = membership.isAdmin
    ? removedMembers({
        base,
        membership,
        adminEmail: (userId) => (userId === me.userId ? me.email : list.items.find((m) => m.userId === userId)?.email),
        announce: (text) => (announce.textContent = text),
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
    keptOut?.section,
    announce,
    modal.dialog,
  );
  await Promise.all([refreshUsers(data.users), keptOut?.refresh(firstRemoved)]);
}

const fullName = (m: Member) => `${m.firstName} ${m.lastName}`;
const nameOf = (items: { id: string; name: string }[], id: string) => items.find((i) => i.id === id)?.name ?? id;

/** "a Power user in Producers, Marketing": for the announcement after an edit. */
function describeMember(m: Member, { teams }: Directory): string {
  return `a ${USER_TYPE_LABEL[m.userType]} user${m.teamIds.length ? ` in ${m.teamIds.map((id) => nameOf(teams, id)).join(', ')}` : ''}`;
}

const primaryMarked = (name: string, primary: boolean) => (primary ? `${name} (primary)` : name);

/** "Editors (primary), Marketing": the primary team (the first, unless the API names it) marked. */
function teamNames(m: Member, teams: Team[]): string {
  const primary = m.primaryTeamId ?? (m.primaryGroupId ? undefined : m.teamIds[0]);
  return m.teamIds.map((id) => primaryMarked(nameOf(teams, id), id === primary)).join(', ');
}

/** "Joined via Spring interns from owner@demo.test, 3 Mar 2026", or "Added directly". */
function joinedVia(m: Member): HTMLElement {
  const via = m.joinedVia;
  if (!via) return h('span', { class: 'muted' }, 'Added directly');
  return h(
    'span',
    { class: 'joined-via' },
    'Joined via ',
    via.label ? h('q', { class: 'joined-label' }, via.label) : 'a link',
    via.invitedBy ? [' from ', h('span', { class: 'inviter' }, via.invitedBy.email)] : null,
    ', ',
    h('time', { datetime: via.at, title: formatDateTime(via.at) }, formatDate(via.at)),
  );
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
          m.groupIds.length ? `Legacy groups: ${m.groupIds.map((id) => primaryMarked(nameOf(groups, id), id === m.primaryGroupId)).join(', ')}` : null,
        ].filter((text) => text !== null);
        return h(
          'tr',
          { 'data-email': m.email, 'data-user-id': m.userId },
          h('th', { scope: 'row' }, h('span', { class: 'name' }, fullName(m)), h('span', { class: 'email' }, m.email)),
          cell('User type', USER_TYPE_LABEL[m.userType], m.isAdmin ? ' ' : '', m.isAdmin ? h('span', { class: 'badge' }, 'Admin') : ''),
          cell(
            'Teams',
            h('span', { class: 'teams' }, teamNames(m, teams) || '—'),
            extra.length ? h('span', { class: 'member-groups' }, extra.join(' · ')) : null,
          ),
          cell('How they joined', joinedVia(m)),
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

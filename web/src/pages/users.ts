/**
 * Users page (/ and /users?domain=…), for members who may invite: the domain's users, what they
 * have (the primary team marked) and which link brought them in, from whom; "+ New Users" opens
 * the invite modal. Domain admins also change a member's user type, teams, groups and admin role,
 * or remove them, each step confirmed in a dialog, and see who is kept out after a removal, to let
 * them rejoin; others see the list only. Someone who may not invite in the domain on show is told
 * so (with the picker, and that domain's Home); `/` itself leads them to Home. The caller, the
 * domain's teams and groups and the first page of users are asked for at once. Filtered by a link
 * (`?inviteLinkId=`), it lists who joined through it, and admins can remove a burst's joiners in
 * one action (burst-removal.ts).
 */
import { api, session } from '../lib/api.ts';
import { pagedList, type PagedList } from '../lib/paging.ts';
import { failure, showingDomain, startSignedInPage } from '../lib/app.ts';
import { chooseDomain, domainPicker, domainQuery, namedDomainId, notAllowedNotice, notMemberNotice, pageHead, wantedDomainId } from '../lib/domains.ts';
import { byId, h, render } from '../lib/dom.ts';
import { mayInvite, plural, type Directory, type Group, type Items, type Me, type Member, type Membership, type Page, type RemovedMember, type RoleGroup, type Team } from '../lib/model.ts';
import { createInviteModal } from '../components/invite/invite-modal.ts';
import { memberActions } from '../components/member-editor.ts';
import { removedMembers } from '../components/removed-members.ts';
import { burstRemoval, linkFilter } from '../components/burst-removal.ts';
import { describeMember, fullName, usersTable } from '../components/users-table.ts';

const main = byId('main');

/** Everything the page shows of one domain, asked for at once. */
interface DomainData {
  teams: Promise<Items<Team>>;
  roleGroups: Promise<Items<RoleGroup>>;
  groups: Promise<Items<Group>>;
  users: Promise<UsersPage>;
}

/** The users list's pages also say how many admins the domain has. */
type UsersPage = Page<Member> & { adminCount?: number };

const pathOf = (domainId: string) => `/v1/domains/${encodeURIComponent(domainId)}`;

/** The users list, all of it or only who joined through one link. */
const usersPath = (base: string, linkId?: string) => (linkId ? `${base}/users?inviteLinkId=${encodeURIComponent(linkId)}` : `${base}/users`);

function loadDomain(domainId: string): DomainData {
  const base = pathOf(domainId);
  const data: DomainData = {
    teams: api<Items<Team>>('GET', `${base}/teams`),
    roleGroups: api<Items<RoleGroup>>('GET', `${base}/role-groups`),
    groups: api<Items<Group>>('GET', `${base}/groups`),
    users: api<UsersPage>('GET', usersPath(base, linkFilter(domainId))),
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
  const { membership, notMemberOf } = chooseDomain(me);
  if (notMemberOf) return render(main, h('h1', {}, 'Users'), notMemberNotice(me, notMemberOf, '/users'));
  if (!membership) return location.replace('/home');
  // The front door leads everyone to their own start: Home, where they may not invite.
  if (!mayInvite(membership) && location.pathname === '/' && !namedDomainId()) return location.replace(`/home${domainQuery(membership)}`);
  await show(me, membership, membership.domainId === wanted ? early : undefined);
}

/** The users of a domain where the person may invite; elsewhere, why not. */
function show(me: Me, membership: Membership, early?: DomainData): Promise<void> {
  if (mayInvite(membership)) return showDomain(me, membership, early);
  showingDomain(membership);
  render(
    main,
    pageHead('Users', domainPicker(me, membership, (next) => show(me, next).catch(showFailure))),
    notAllowedNotice(me, membership, {
      id: 'users-not-allowed',
      sentence: `You're not allowed to see the users of ${membership.domainName}.`,
      why: 'Only members who may invite people see them.',
    }),
  );
  return Promise.resolve();
}

async function showDomain(me: Me, membership: Membership, early?: DomainData) {
  // Read before the address names the domain: a filter the address had for another domain is dropped.
  const linkId = linkFilter(membership.domainId);
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
  // How many admins the domain has, as the users list last said and this page's own changes since.
  let adminCount: number | undefined;
  const lastAdmin = (m: Member) => m.isAdmin && adminCount !== undefined && adminCount <= 1;

  const showList = () => {
    const { items, more } = list;
    summary.textContent = `${membership.domainName} · ${more ? `the first ${plural(items.length, 'user')}` : plural(items.length, 'user')}${linkId ? ' who joined through this link' : ''}`;
    render(table, h('div', { class: 'table-wrap' }, usersTable(items, directory, { actions, lastAdmin, selection: membership.isAdmin ? burst?.selection : undefined })), more);
    keptOut?.nameAdmins();
  };
  const refreshUsers = (firstPage?: Promise<UsersPage>) => {
    const counted = (page: Promise<UsersPage>) => page.then((answer) => ((adminCount = answer.adminCount ?? adminCount), answer));
    return pagedList<Member>(
      usersPath(base, linkId),
      (next) => {
        list = next;
        showList();
      },
      counted(firstPage ?? api<UsersPage>('GET', usersPath(base, linkId))),
    );
  };
  const focusRow = (userId: string | undefined) =>
    (userId ? table.querySelector<HTMLElement>(`tr[data-user-id="${CSS.escape(userId)}"] .edit-member`) : null) ?? newUsers;

  // Only admins may change members: others get no controls at all (the API refuses them anyway).
  const actions = membership.isAdmin
    ? memberActions(directory, base, {
        lastAdmin,
        saved(updated) {
          // Their own admin role taken away: the page shows what they may do now.
          if (updated.userId === me.userId && !updated.isAdmin) return location.reload();
          const at = list.items.findIndex((m) => m.userId === updated.userId);
          if (adminCount !== undefined && at >= 0 && list.items[at]!.isAdmin !== updated.isAdmin) adminCount += updated.isAdmin ? 1 : -1;
          if (at >= 0) list.items[at] = updated;
          showList();
          focusRow(updated.userId).focus();
          announce.textContent = `Saved: ${fullName(updated)} is now ${describeMember(updated, directory)}.`;
        },
        removed(gone, stillOut) {
          if (gone.userId === me.userId) return location.assign('/home');
          if (stillOut) void keptOut?.refresh();
          if (gone.isAdmin && adminCount !== undefined) adminCount -= 1;
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

  const burst = linkId
    ? burstRemoval({
        base,
        directory,
        linkId,
        listed: () => list.items,
        showAll(items) {
          list = { items, more: null };
          showList();
        },
        redraw: () => showList(),
        lastAdmin,
        removedSome: () => void keptOut?.refresh(),
        announce: (text) => (announce.textContent = text),
      })
    : undefined;

  const modal = createInviteModal(directory, () => void refreshUsers());
  const newUsers = h('button', { type: 'button', class: 'button primary', id: 'new-users', 'aria-haspopup': 'dialog', onclick: () => modal.open() }, '+ New Users');
  render(
    main,
    pageHead('Users', domainPicker(me, membership, (next) => show(me, next).catch(showFailure)), newUsers),
    summary,
    burst?.section,
    table,
    keptOut?.section,
    announce,
    modal.dialog,
  );
  // The link-ending email's "Re-issue the link" lands here with ?reissue=<linkId>: the modal opens on it.
  const reissue = new URLSearchParams(location.search).get('reissue');
  if (reissue && mayInvite(membership)) void modal.open({ reissue });
  await Promise.all([refreshUsers(data.users), keptOut?.refresh(firstRemoved), burst?.load()]);
}

const showFailure = (error: unknown) => render(main, h('h1', {}, 'Users'), failure(error));
start().catch(showFailure);

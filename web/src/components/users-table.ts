/**
 * The Users page's table: each member's name and email, user type (and admin), teams and groups
 * with the primary one marked, and, quieter, which link brought them in from whom and, for a
 * membership that ends on its own, until when. Admins get Edit
 * and Remove on each row, except Remove on the domain's last admin, which says why instead. For
 * an action on many (the page filtered by a link), a tick box before each row, and what became of
 * each person in their row.
 */
import { h, type Child } from '../lib/dom.ts';
import { formatDate, formatDateTime, USER_TYPE_LABEL, type Directory, type Member, type Team } from '../lib/model.ts';
import type { MemberActions } from './member-editor.ts';

export const fullName = (m: Pick<Member, 'firstName' | 'lastName'>) => `${m.firstName} ${m.lastName}`;
const nameOf = (items: { id: string; name: string }[], id: string) => items.find((i) => i.id === id)?.name ?? id;

/** An email that may wrap after its @ and before a dot, and nowhere else while it fits: `owner@` / `demo.test`, never `owner@demo.t` / `est`. */
export function emailText(email: string): Child[] {
  return email.split(/(?<=@)|(?=\.)/).flatMap((part, i) => (i ? [h('wbr'), part] : [part]));
}

/** "a Power user in Producers, Marketing": for the announcement after an edit. */
export function describeMember(m: Member, { teams }: Directory): string {
  return `a ${USER_TYPE_LABEL[m.userType]} user${m.isAdmin ? ' and admin' : ''}${m.teamIds.length ? ` in ${m.teamIds.map((id) => nameOf(teams, id)).join(', ')}` : ''}`;
}

const primaryMarked = (name: string, primary: boolean) => (primary ? `${name} (primary)` : name);

/** "Editors (primary), Marketing": the primary team (the first, unless the API names it) marked. */
function teamNames(m: Member, teams: Team[]): string {
  const primary = m.primaryTeamId ?? (m.primaryGroupId ? undefined : m.teamIds[0]);
  return m.teamIds.map((id) => primaryMarked(nameOf(teams, id), id === primary)).join(', ');
}

/** "Joined via Spring interns from owner@demo.test, 3 Mar 2026" (or "via an email invitation"), or "Added directly": secondary, so said quietly. */
function joinedVia(m: Member): HTMLElement {
  const via = m.joinedVia;
  if (!via) return h('span', { class: 'joined-via' }, 'Added directly');
  return h(
    'span',
    { class: 'joined-via' },
    'Joined via ',
    via.invitationId ? 'an email invitation' : via.label ? h('q', { class: 'joined-label' }, via.label) : 'a link',
    via.invitedBy ? [' from ', h('span', { class: 'inviter' }, emailText(via.invitedBy.email))] : null,
    ', ',
    h('time', { datetime: via.at, title: formatDateTime(via.at) }, formatDate(via.at)),
  );
}

/** "until 2 Apr 2026": a membership that ends on its own (an admin extends or ends it with Edit or Remove). */
const memberUntil = (m: Member): HTMLElement | null =>
  m.memberUntil ? h('span', { class: 'member-until' }, 'until ', h('time', { datetime: m.memberUntil, title: formatDateTime(m.memberUntil) }, formatDate(m.memberUntil))) : null;

/** Rows picked for one action on many, and what it did to each. */
export interface RowSelection {
  /** Whether the row can be ticked (not the viewer, not the last admin, not removed already). */
  selectable(m: Member): boolean;
  isSelected(m: Member): boolean;
  toggle(m: Member, on: boolean): void;
  /** What the action did to this member, said in their row instead of its buttons. */
  outcome(m: Member): { removed: boolean; text: string } | undefined;
}

export interface UsersTableOptions {
  /** Edit and Remove, for admins; nothing for anyone else. */
  actions?: MemberActions;
  /** Tick boxes for an action on many rows. */
  selection?: RowSelection;
  /** Whether this member is the domain's last admin, whom the API would refuse to remove or demote. */
  lastAdmin: (m: Member) => boolean;
}

export function usersTable(members: Member[], directory: Directory, { actions, lastAdmin, selection }: UsersTableOptions): HTMLElement {
  const { teams, roleGroups, groups } = directory;
  const cell = (label: string, ...content: Child[]) => h('td', { 'data-label': label }, ...content);
  const columns = [
    ['Name', 'col-name'],
    ['User type', 'col-type'],
    ['Teams and groups', 'col-teams'],
    ['How they joined', 'col-joined'],
  ] as const;
  return h(
    'table',
    { class: selection ? 'users members selecting' : 'users members' },
    h('caption', { class: 'visually-hidden' }, 'Users of this domain'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        selection ? h('th', { scope: 'col', class: 'col-select' }, h('span', { class: 'visually-hidden' }, 'Ticked')) : null,
        columns.map(([label, column]) => h('th', { scope: 'col', class: column }, label)),
        actions ? h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null,
      ),
    ),
    h(
      'tbody',
      {},
      members.map((m) => {
        const extra = [
          m.roleGroupIds.length ? `Role groups: ${m.roleGroupIds.map((id) => nameOf(roleGroups, id)).join(', ')}` : null,
          m.groupIds.length ? `Legacy groups: ${m.groupIds.map((id) => primaryMarked(nameOf(groups, id), id === m.primaryGroupId)).join(', ')}` : null,
        ].filter((text) => text !== null);
        const outcome = selection?.outcome(m);
        return h(
          'tr',
          { 'data-email': m.email, 'data-user-id': m.userId, class: outcome?.removed ? 'gone' : undefined },
          selection ? tickCell(m, selection) : null,
          h('th', { scope: 'row' }, h('span', { class: 'name' }, fullName(m)), h('span', { class: 'email' }, emailText(m.email))),
          cell('User type', USER_TYPE_LABEL[m.userType], m.isAdmin ? [' ', h('span', { class: 'badge' }, 'Admin')] : null),
          cell('Teams', h('span', { class: 'teams' }, teamNames(m, teams) || '—'), extra.length ? h('span', { class: 'member-groups' }, extra.join(' · ')) : null),
          cell('How they joined', joinedVia(m), memberUntil(m)),
          outcome
            ? h('td', { class: 'row-actions' }, h('span', { class: outcome.removed ? 'row-outcome removed' : 'row-outcome failed' }, outcome.text))
            : actions
              ? rowActions(m, actions, lastAdmin(m))
              : null,
        );
      }),
    ),
  );
}

/** The row's tick box, named for its person; none where the row cannot be picked. */
function tickCell(m: Member, selection: RowSelection): HTMLElement {
  if (!selection.selectable(m)) return h('td', { class: 'col-select' });
  const box = h('input', { type: 'checkbox', class: 'tick', checked: selection.isSelected(m), 'aria-label': `Tick ${fullName(m)}` });
  box.addEventListener('change', () => selection.toggle(m, box.checked));
  return h('td', { class: 'col-select' }, box);
}

/** Edit, and Remove unless the API would refuse it: the last admin's row says why instead. */
function rowActions(m: Member, actions: MemberActions, lastAdmin: boolean): HTMLElement {
  return h(
    'td',
    { class: 'row-actions' },
    h('button', { type: 'button', class: 'button small edit-member', 'aria-haspopup': 'dialog', 'aria-label': `Edit ${fullName(m)}`, onclick: () => actions.edit(m) }, 'Edit'),
    lastAdmin
      ? h('span', { class: 'row-note last-admin-note' }, 'Only admin: can’t be removed')
      : h(
          'button',
          { type: 'button', class: 'button small danger remove-member', 'aria-haspopup': 'dialog', 'aria-label': `Remove ${fullName(m)}`, onclick: () => actions.remove(m) },
          'Remove',
        ),
  );
}

/**
 * What a domain admin can do to a member on the Users page: change their user type, teams (the
 * first is their primary team), role groups, legacy groups, admin role and the day their membership
 * ends (extend it, or clear it for a membership that does not end), reviewed before saving;
 * or remove them from the domain, confirmed first, which keeps them from joining again through a
 * link unless the admin ticks "Let them join again through a link". The domain's last admin keeps
 * the admin role: the editor says so instead of offering to take it. Both are modal dialogs (focus
 * kept inside, Escape closes, focus returns to the row).
 */
import { api, ApiError } from '../lib/api.ts';
import { confirmDialog, modalDialog } from '../lib/dialog.ts';
import { h, render, uid, type Child } from '../lib/dom.ts';
import { formatDate, USER_TYPE_HINT, USER_TYPE_LABEL, USER_TYPES, type Directory, type Member, type MemberChange, type UserType } from '../lib/model.ts';

export interface MemberActions {
  edit(member: Member): void;
  remove(member: Member): void;
}

export interface MemberEvents {
  /** Whether this member is the domain's last admin, whom the API would refuse to demote or remove. */
  lastAdmin(member: Member): boolean;
  /** The member as the API answered the change. */
  saved(member: Member): void;
  /** `keptOut`: they may not join again through a link until an admin allows it. */
  removed(member: Member, keptOut: boolean): void;
}

const fullName = (m: Member) => `${m.firstName} ${m.lastName}`;
const adminWords = (isAdmin: boolean) => (isAdmin ? 'Admin' : 'Not an admin');

export function memberActions(directory: Directory, base: string, events: MemberEvents): MemberActions {
  const path = (m: Member) => `${base}/users/${encodeURIComponent(m.userId)}`;
  return {
    edit: (member) => editDialog(directory, member, events.lastAdmin(member), (change) => api<Member>('PATCH', path(member), change), events.saved).open(),
    remove(member) {
      const { domainName } = directory.membership;
      let removed = false;
      const allowRejoin = h('input', { type: 'checkbox', id: 'member-remove-allow-rejoin', name: 'allowRejoin', 'aria-describedby': 'member-remove-allow-rejoin-hint' });
      const confirm = confirmDialog({
        id: 'member-remove',
        title: `Remove ${fullName(member)} from ${domainName}?`,
        body: [
          `${fullName(member)} (${member.email}) loses access to ${domainName} at once, with their user type, teams and groups here. Their account stays, and so do their other domains.`,
          `They will not be able to join ${domainName} again through an invite link until an admin allows it.`,
          h(
            'div',
            { class: 'choice rejoin-choice' },
            allowRejoin,
            h('label', { for: 'member-remove-allow-rejoin' }, 'Let them join again through a link'),
          ),
          h('p', { class: 'hint rejoin-hint', id: 'member-remove-allow-rejoin-hint' }, 'Then any invite link they are sent works for them at once.'),
        ],
        confirm: 'Remove member',
        onConfirm: async () => {
          await api('DELETE', allowRejoin.checked ? `${path(member)}?allowRejoin=true` : path(member));
          removed = true;
        },
        failureMessage: (error) => problemText(error, member, directory, 'remove'),
        onClose: () => {
          confirm.dialog.remove();
          if (removed) events.removed(member, !allowRejoin.checked);
        },
      });
      confirm.open();
    },
  };
}

/** The API's refusals in words, for this member and this action. */
function problemText(error: unknown, member: Member, { membership }: Directory, action: 'edit' | 'remove'): string {
  const name = fullName(member);
  if (!(error instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (error.code) {
    case 'LAST_ADMIN':
      return action === 'remove'
        ? `${name} is the only admin of ${membership.domainName}, and a domain always needs an admin. Someone else has to be an admin before ${member.firstName} can be removed.`
        : `${name} is the only admin of ${membership.domainName}, and a domain always needs an admin, so ${member.firstName} has to stay one.`;
    case 'FORBIDDEN':
      return `Only admins of ${membership.domainName} can change its members, and the service says you are not one now. Reload the page to see what you can do.`;
    case 'NOT_FOUND':
      return `${name} is no longer a member of ${membership.domainName}: someone may have removed them already. Reload the page for the current list.`;
    case 'UNKNOWN_REFERENCE':
      return 'A team or group you chose no longer exists in this domain. Reload the page and choose again.';
    default:
      return `${error.title}. ${error.detail}`.trim();
  }
}

/** Previous ids that are still chosen keep their places; newly chosen ones follow, in the order shown. */
const ordered = (previous: string[], chosen: string[]) => [...previous.filter((id) => chosen.includes(id)), ...chosen.filter((id) => !previous.includes(id))];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** The UTC day of an instant, as a date input holds it. */
const dayOf = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');
/** The end on the day chosen, at the time of day it ended before (else the day's last minute, UTC); none for no day. */
const untilOn = (day: string, before: string | undefined): string | null => (day ? `${day}T${before ? before.slice(11) : '23:59:00.000Z'}` : null);
const untilWords = (iso: string | null | undefined) => (iso ? formatDate(iso) : 'does not end');

function editDialog(directory: Directory, member: Member, lastAdmin: boolean, save: (change: MemberChange) => Promise<Member>, saved: (member: Member) => void) {
  const { teams, roleGroups, groups } = directory;
  const name = fullName(member);
  const { domainName } = directory.membership;
  const yourself = member.userId === directory.me.userId;
  const names = (items: { id: string; name: string }[], ids: string[]) => ids.map((id) => items.find((i) => i.id === id)?.name ?? id).join(', ') || 'none';

  const userTypeField = h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, 'User type'),
    USER_TYPES.map((type) => choice('radio', 'userType', type, type === member.userType, USER_TYPE_LABEL[type], USER_TYPE_HINT[type])),
  );

  const primary = member.teamIds[0] ?? '';
  const teamSelect = h(
    'select',
    { id: 'member-primary-team', name: 'primaryTeam', 'aria-describedby': 'member-primary-team-hint' },
    teams.map((t) => h('option', { value: t.id, selected: t.id === primary }, t.name)),
    groups.length > 0 || !primary ? h('option', { value: '', selected: !primary }, 'No team (legacy groups only)') : null,
  );
  const moreTeams = h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, 'More teams'),
    teams.map((t) => choice('checkbox', 'teamIds', t.id, member.teamIds.includes(t.id) && t.id !== primary, t.name)),
  );
  const roleGroupField = h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, 'Role groups'),
    roleGroups.length ? roleGroups.map((g) => choice('checkbox', 'roleGroupIds', g.id, member.roleGroupIds.includes(g.id), g.name)) : h('p', { class: 'muted small' }, 'None in this domain.'),
  );
  const groupField = h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, 'Legacy groups'),
    groups.length ? groups.map((g) => choice('checkbox', 'groupIds', g.id, member.groupIds.includes(g.id), g.name)) : h('p', { class: 'muted small' }, 'None in this domain.'),
  );

  const adminBox = h('input', { type: 'checkbox', id: 'member-admin', name: 'isAdmin', checked: member.isAdmin, disabled: lastAdmin, 'aria-describedby': 'member-admin-hint' });
  const adminField = h(
    'fieldset',
    { class: 'choices admin-choice' },
    h('legend', {}, 'Admin'),
    h('div', { class: 'choice' }, adminBox, h('label', { for: 'member-admin' }, `Admin of ${domainName}`)),
    h(
      'p',
      { class: 'hint', id: 'member-admin-hint' },
      lastAdmin
        ? `${yourself ? 'You are' : `${member.firstName} is`} the only admin, and a domain always needs one: make someone else an admin first.`
        : 'Admins change and remove members, invite with any user type, and change the Login Settings.',
    ),
  );

  const untilInput = h('input', { type: 'date', id: 'member-until', name: 'memberUntil', value: dayOf(member.memberUntil), min: new Date().toISOString().slice(0, 10), 'aria-describedby': 'member-until-hint' });
  const untilField = h(
    'div',
    { class: 'field member-until-field' },
    h('label', { for: 'member-until' }, 'Membership ends on', h('span', { class: 'optional' }, ' (optional)')),
    untilInput,
    h(
      'p',
      { class: 'hint', id: 'member-until-hint' },
      `${yourself ? 'You are' : `${member.firstName} is`} removed on that day (UTC) and emailed three days before. Pick a later day to extend it; clear it for a membership that does not end; Remove ends it now.`,
    ),
  );

  /** The primary team is not also one of the more teams; with no primary team there are no more teams. */
  const syncTeams = () => {
    for (const box of Array.from(moreTeams.querySelectorAll<HTMLInputElement>('input'))) {
      const off = !teamSelect.value || box.value === teamSelect.value;
      box.disabled = off;
      if (off) box.checked = false;
    }
  };
  teamSelect.addEventListener('change', syncTeams);

  const checked = (field: HTMLElement, inputName: string) => Array.from(field.querySelectorAll<HTMLInputElement>(`input[name=${inputName}]:checked`)).map((i) => i.value);
  /** What the form now says, as the member would be. */
  const chosen = () => {
    const primaryTeam = teamSelect.value;
    return {
      userType: (checked(userTypeField, 'userType')[0] ?? member.userType) as UserType,
      teamIds: primaryTeam ? [primaryTeam, ...ordered(member.teamIds.filter((id) => id !== primaryTeam), checked(moreTeams, 'teamIds'))] : [],
      roleGroupIds: ordered(member.roleGroupIds, checked(roleGroupField, 'roleGroupIds')),
      groupIds: ordered(member.groupIds, checked(groupField, 'groupIds')),
      // The last admin's box is not offered: they stay an admin whatever it says.
      isAdmin: lastAdmin ? member.isAdmin : adminBox.checked,
      memberUntil: untilInput.value === dayOf(member.memberUntil) ? (member.memberUntil ?? null) : untilOn(untilInput.value, member.memberUntil),
    };
  };
  /** Only what changed goes to the API. */
  const changeOf = (next: ReturnType<typeof chosen>): MemberChange => {
    const change: MemberChange = {};
    if (next.userType !== member.userType) change.userType = next.userType;
    if (!same(next.teamIds, member.teamIds)) change.teamIds = next.teamIds;
    if (!same(next.roleGroupIds, member.roleGroupIds)) change.roleGroupIds = next.roleGroupIds;
    if (!same(next.groupIds, member.groupIds)) change.groupIds = next.groupIds;
    if (next.isAdmin !== member.isAdmin) change.isAdmin = next.isAdmin;
    if (next.memberUntil !== (member.memberUntil ?? null)) change.memberUntil = next.memberUntil;
    return change;
  };

  const formError = h('div', { class: 'form-error', role: 'alert', id: 'member-edit-form-error' });
  const reviewButton = h('button', { type: 'submit', class: 'button primary' }, 'Review changes');
  const form = h(
    'form',
    {
      id: 'member-edit-form',
      novalidate: true,
      'aria-labelledby': 'member-edit-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = chosen();
        const change = changeOf(next);
        if (Object.keys(change).length === 0) return render(formError, 'Nothing has changed yet. Change something, or Cancel.');
        if (next.teamIds.length === 0 && next.groupIds.length === 0) return render(formError, 'Choose a primary team, or at least one legacy group: everyone belongs somewhere.');
        render(formError);
        showReview(next, change);
      },
    },
    userTypeField,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'member-primary-team' }, 'Primary team'),
      teamSelect,
      h('p', { class: 'hint', id: 'member-primary-team-hint' }, 'Their first team: where they belong by default.'),
    ),
    h('div', { class: 'optional-grid' }, moreTeams, roleGroupField, groupField),
    adminField,
    untilField,
    formError,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: () => modal.close() }, 'Cancel'), reviewButton),
  );

  const reviewTitle = h('h3', { id: 'member-review-title', tabindex: '-1' }, `Save these changes to ${name}?`);
  const reviewList = h('ul', { class: 'change-list', 'aria-labelledby': 'member-review-title' });
  const reviewError = h('div', { class: 'form-error', role: 'alert', id: 'member-review-error' });
  const saveButton = h('button', { type: 'button', class: 'button primary' }, 'Save changes');
  const backButton = h('button', { type: 'button', class: 'button' }, 'Back');
  const review = h('section', { class: 'member-review', hidden: true, 'aria-labelledby': 'member-review-title' }, reviewTitle, reviewList, reviewError, h('div', { class: 'actions' }, backButton, saveButton));
  let pending: MemberChange = {};

  function showReview(next: ReturnType<typeof chosen>, change: MemberChange) {
    pending = change;
    const row = (label: string, before: string, after: string): Child =>
      h('li', {}, h('span', { class: 'change-what' }, `${label}: `), h('del', {}, before), ' → ', h('ins', {}, after));
    render(
      reviewList,
      change.userType ? row('User type', USER_TYPE_LABEL[member.userType], USER_TYPE_LABEL[next.userType]) : null,
      change.teamIds ? row('Teams', names(teams, member.teamIds), names(teams, next.teamIds)) : null,
      change.roleGroupIds ? row('Role groups', names(roleGroups, member.roleGroupIds), names(roleGroups, next.roleGroupIds)) : null,
      change.groupIds ? row('Legacy groups', names(groups, member.groupIds), names(groups, next.groupIds)) : null,
      change.isAdmin !== undefined ? row('Admin role', adminWords(member.isAdmin), adminWords(next.isAdmin)) : null,
      change.memberUntil !== undefined ? row('Membership', untilWords(member.memberUntil), untilWords(next.memberUntil)) : null,
      // Taking one's own admin role away ends what this page lets one do: said before it happens.
      yourself && change.isAdmin === false
        ? h('li', { class: 'change-warning' }, `You will no longer change members or the Login Settings of ${domainName}; another admin can make you one again.`)
        : null,
    );
    render(reviewError);
    form.hidden = true;
    review.hidden = false;
    reviewTitle.focus();
  }
  backButton.addEventListener('click', () => {
    review.hidden = true;
    form.hidden = false;
    reviewButton.focus();
  });
  saveButton.addEventListener('click', async () => {
    if (saveButton.disabled) return;
    saveButton.disabled = true;
    saveButton.textContent = 'Saving…';
    try {
      const updated = await save(pending);
      modal.close();
      saved(updated);
    } catch (error) {
      render(reviewError, problemText(error, member, directory, 'edit'));
    } finally {
      saveButton.disabled = false;
      saveButton.textContent = 'Save changes';
    }
  });

  const modal = modalDialog(
    { id: 'member-edit', labelledBy: 'member-edit-title', describedBy: 'member-edit-who', onClose: () => modal.dialog.remove() },
    h(
      'div',
      { class: 'modal-head' },
      h('h2', { id: 'member-edit-title' }, `Edit ${name}`),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => modal.close() }, '×'),
    ),
    h(
      'div',
      { class: 'modal-body member-edit' },
      h('p', { class: 'muted small', id: 'member-edit-who' }, `${member.email} · ${directory.membership.domainName}`),
      form,
      review,
    ),
  );
  syncTeams();
  return {
    ...modal,
    // Start at the user type, not the Close button.
    open: () => modal.open(userTypeField.querySelector<HTMLInputElement>('input:checked') ?? undefined),
  };
}

function choice(type: 'radio' | 'checkbox', name: string, value: string, checked: boolean, label: string, hint?: string): HTMLElement {
  const id = uid(`member-${name}`);
  return h(
    'div',
    { class: 'choice' },
    h('input', { type, id, name, value, checked }),
    h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, ` — ${hint}`) : null),
  );
}

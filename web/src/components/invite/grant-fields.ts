/**
 * What a new member gets, as the invite modal asks it for a link and for an invitation by email
 * alike: user type and primary team or legacy group (required), and more teams, role groups and
 * legacy groups (optional, folded away by the form), offering only what the person may hand out.
 */
import { h } from '../../lib/dom.ts';
import { grantableUserTypes, USER_TYPE_HINT, USER_TYPE_LABEL, type Directory, type UserType } from '../../lib/model.ts';
import { checkboxes, radio } from './choices.ts';
import type { LinkGrant } from '../../../../shared/domain/types.ts';

/** `prefix` keeps the ids of two forms on one page apart (the link form has none). */
export function grantFields(directory: Directory, prefix = '') {
  const { membership, teams, roleGroups, groups } = directory;
  const userTypes = grantableUserTypes(membership);
  const defaultTeam = teams.find((t) => t.isDefault) ?? teams[0];

  const userType = h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, 'User type'),
    userTypes.map((type) =>
      radio('userType', type, type === 'STANDARD' || (userTypes.length === 1 && type === userTypes[0]), USER_TYPE_LABEL[type], USER_TYPE_HINT[type]),
    ),
    userTypes.length < 3 ? h('p', { class: 'hint' }, 'Only user types up to your own are offered.') : null,
  );
  if (!userType.querySelector('input:checked')) userType.querySelector('input')?.setAttribute('checked', '');

  const teamSelect = h(
    'select',
    { id: `${prefix}primary-team`, name: 'primaryTeamId' },
    teams.map((t) => h('option', { value: t.id, selected: t.id === defaultTeam?.id }, t.isDefault ? `${t.name} (default team)` : t.name)),
  );
  const groupSelect = h('select', { id: `${prefix}primary-group`, name: 'primaryGroupId' }, groups.map((g) => h('option', { value: g.id }, g.name)));
  const teamRow = h('div', { class: 'field' }, h('label', { for: teamSelect.id }, 'Primary team'), teamSelect);
  const groupRow = h('div', { class: 'field', hidden: true }, h('label', { for: groupSelect.id }, 'Primary legacy group'), groupSelect);
  const primaryKind = () => (primary.querySelector<HTMLInputElement>('input[name=primaryKind]:checked')?.value ?? 'team') as 'team' | 'group';
  const primary = h(
    'fieldset',
    { class: 'choices', onchange: () => sync() },
    h('legend', {}, 'Primary team or legacy group ', h('span', { class: 'required' }, '(required)')),
    h('div', { class: 'segmented' }, radio('primaryKind', 'team', true, 'Team'), groups.length > 0 ? radio('primaryKind', 'group', false, 'Legacy group') : null),
    teamRow,
    groupRow,
  );

  const moreTeams = checkboxes('additionalTeamIds', 'More teams', teams);
  const assignable = roleGroups.filter((g) => g.assignable);
  const roleGroupField = checkboxes('roleGroupIds', 'Role groups', assignable, assignable.length < roleGroups.length ? 'Only role groups you hold yourself are offered.' : undefined);
  const groupField = checkboxes('groupIds', 'Legacy groups', groups);
  const optional = h('div', { class: 'optional-grid' }, moreTeams, roleGroupField, groups.length > 0 ? groupField : null);

  /** The primary team cannot also be an additional team, nor the primary group an extra group. */
  function sync() {
    const kind = primaryKind();
    teamRow.hidden = kind !== 'team';
    groupRow.hidden = kind !== 'group';
    for (const box of Array.from(moreTeams.querySelectorAll<HTMLInputElement>('input'))) {
      const isPrimary = kind === 'team' && box.value === teamSelect.value;
      box.disabled = isPrimary;
      if (isPrimary) box.checked = false;
    }
    for (const box of Array.from(groupField.querySelectorAll<HTMLInputElement>('input'))) {
      const isPrimary = kind === 'group' && box.value === groupSelect.value;
      box.disabled = isPrimary;
      if (isPrimary) box.checked = false;
    }
  }
  teamSelect.addEventListener('change', sync);
  groupSelect.addEventListener('change', sync);
  sync();

  const checked = (within: Element, name: string): string[] => Array.from(within.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)).map((i) => i.value);
  /** The grant as chosen now. */
  function read(): LinkGrant {
    const kind = primaryKind();
    return {
      userType: (checked(userType, 'userType')[0] ?? 'STANDARD') as UserType,
      ...(kind === 'team' ? { primaryTeamId: teamSelect.value } : { primaryGroupId: groupSelect.value }),
      additionalTeamIds: checked(moreTeams, 'additionalTeamIds'),
      roleGroupIds: checked(roleGroupField, 'roleGroupIds'),
      groupIds: checked(groupField, 'groupIds'),
    };
  }

  return { userType, primary, optional, read };
}

/** The form's optional part, closed at first: a title, what is inside in one line, then the fields. */
export function moreSettings(id: string, hint: string, ...fields: HTMLElement[]): HTMLDetailsElement {
  return h(
    'details',
    { class: 'more-settings', id },
    h('summary', {}, h('span', { class: 'summary-title' }, 'More settings', h('span', { class: 'optional' }, ' (optional)')), h('span', { class: 'hint summary-hint' }, hint)),
    ...fields,
  );
}

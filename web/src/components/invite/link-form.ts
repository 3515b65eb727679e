/**
 * The invite form: what everyone joining through the new link gets (user type, primary team or
 * legacy group, more teams, role groups, legacy groups), offering only what the person may hand
 * out, then the link's rules (link-rules.ts); Copy link makes the link and copies it.
 */
import { api } from '../../lib/api.ts';
import { h } from '../../lib/dom.ts';
import { grantableUserTypes, USER_TYPE_HINT, USER_TYPE_LABEL, type CreatedLink, type Directory, type LinkSettings, type UserType } from '../../lib/model.ts';
import { checkboxes, radio } from './choices.ts';
import type { MakeAndCopy } from './copying.ts';
import { linkRules } from './link-rules.ts';

/** The link's configuration: user type, primary team or legacy group, the optional extras, and its rules. */
export function linkForm(directory: Directory, settings: LinkSettings, base: string, makeAndCopy: MakeAndCopy): HTMLElement {
  const { membership, teams, roleGroups, groups } = directory;
  const userTypes = grantableUserTypes(membership);
  const defaultTeam = teams.find((t) => t.isDefault) ?? teams[0];

  const userTypeField = h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, 'User type'),
    userTypes.map((type) =>
      radio('userType', type, type === 'STANDARD' || (userTypes.length === 1 && type === userTypes[0]), USER_TYPE_LABEL[type], USER_TYPE_HINT[type]),
    ),
    userTypes.length < 3 ? h('p', { class: 'hint' }, 'Only user types up to your own are offered.') : null,
  );
  if (!userTypeField.querySelector('input:checked')) userTypeField.querySelector('input')?.setAttribute('checked', '');

  const teamSelect = h(
    'select',
    { id: 'primary-team', name: 'primaryTeamId' },
    teams.map((t) => h('option', { value: t.id, selected: t.id === defaultTeam?.id }, t.isDefault ? `${t.name} (default team)` : t.name)),
  );
  const groupSelect = h('select', { id: 'primary-group', name: 'primaryGroupId' }, groups.map((g) => h('option', { value: g.id }, g.name)));
  const teamRow = h('div', { class: 'field' }, h('label', { for: 'primary-team' }, 'Primary team'), teamSelect);
  const groupRow = h('div', { class: 'field', hidden: true }, h('label', { for: 'primary-group' }, 'Primary legacy group'), groupSelect);
  const primaryKind = () => (primaryField.querySelector<HTMLInputElement>('input[name=primaryKind]:checked')?.value ?? 'team') as 'team' | 'group';
  const primaryField = h(
    'fieldset',
    { class: 'choices', onchange: () => syncPrimary() },
    h('legend', {}, 'Primary team or legacy group ', h('span', { class: 'required' }, '(required)')),
    h(
      'div',
      { class: 'segmented' },
      radio('primaryKind', 'team', true, 'Team'),
      groups.length > 0 ? radio('primaryKind', 'group', false, 'Legacy group') : null,
    ),
    teamRow,
    groupRow,
  );

  const moreTeams = checkboxes('additionalTeamIds', 'More teams', teams);
  const assignable = roleGroups.filter((g) => g.assignable);
  const roleGroupField = checkboxes(
    'roleGroupIds',
    'Role groups',
    assignable,
    assignable.length < roleGroups.length ? 'Only role groups you hold yourself are offered.' : undefined,
  );
  const groupField = checkboxes('groupIds', 'Legacy groups', groups);

  /** The primary team cannot also be an additional team, nor the primary group an extra group. */
  function syncPrimary() {
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

  const rules = linkRules(settings, membership);
  const result = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite' });
  const copyButton = h('button', { type: 'submit', class: 'button primary', id: 'copy-link' }, 'Copy link');
  const form = h(
    'form',
    {
      class: 'invite-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const chosenRules = rules.read();
        if (!chosenRules) return;
        const checked = (name: string) => Array.from(form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)).map((i) => i.value);
        const kind = primaryKind();
        const body = {
          userType: (checked('userType')[0] ?? 'STANDARD') as UserType,
          ...(kind === 'team' ? { primaryTeamId: teamSelect.value } : { primaryGroupId: groupSelect.value }),
          additionalTeamIds: checked('additionalTeamIds'),
          roleGroupIds: checked('roleGroupIds'),
          groupIds: checked('groupIds'),
          ...chosenRules,
        };
        void makeAndCopy(copyButton, result, () => api<CreatedLink>('POST', `${base}/invite-links`, body), rules.showApiError);
      },
      // Enter on a checkbox or radio is a choice being made, not "make the link now".
      onkeydown: (event: Event) => {
        const target = event.target;
        if (event instanceof KeyboardEvent && event.key === 'Enter' && target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) {
          event.preventDefault();
        }
      },
    },
    h('h3', {}, 'Link settings'),
    h('p', { class: 'hint' }, 'Everyone who joins through this link gets these settings. Links cannot be changed; to change settings, make a new link.'),
    userTypeField,
    primaryField,
    h('div', { class: 'optional-grid' }, moreTeams, roleGroupField, groups.length > 0 ? groupField : null),
    rules.section,
    h('div', { class: 'actions' }, copyButton),
    result,
  );
  syncPrimary();
  teamSelect.addEventListener('change', syncPrimary);
  groupSelect.addEventListener('change', syncPrimary);
  return form;
}

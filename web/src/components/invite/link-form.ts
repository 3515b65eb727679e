/**
 * The invite form, Copy first: what everyone joining through the new link gets (user type, primary
 * team or legacy group), then the optional settings, folded away (more teams, role groups, legacy
 * groups, and the link's rules, link-rules.ts), offering only what the person may hand out; Copy
 * link (and Share, where the browser has a share sheet) stays in view below them. Pressed again
 * with the same settings, it hands over the same link instead of making another.
 */
import { api } from '../../lib/api.ts';
import { h, render } from '../../lib/dom.ts';
import { grantableUserTypes, USER_TYPE_HINT, USER_TYPE_LABEL, type CreatedLink, type Directory, type LinkSettings, type UserType } from '../../lib/model.ts';
import { checkboxes, radio } from './choices.ts';
import { canShare, type MakeAndCopy, type Obtained } from './copying.ts';
import { describeLink } from './link-words.ts';
import { linkRules } from './link-rules.ts';

/** What the form needs of the links panel: making and handing over a link, and whether a link is still on the active list. */
export interface FormLinks {
  makeAndCopy: MakeAndCopy;
  isActive(linkId: string): Promise<boolean>;
}

/** The last link each person made from this form in each domain, with its settings: the same settings hand it over again while it is active. */
const lastMade = new Map<string, { settings: string; link: CreatedLink }>();

/** The link's configuration: user type, primary team or legacy group, the optional extras, and its rules. */
export function linkForm(directory: Directory, settings: LinkSettings, base: string, links: FormLinks): HTMLElement {
  const { me, membership, teams, roleGroups, groups } = directory;
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
  const more = h(
    'details',
    { class: 'more-settings', id: 'more-settings' },
    h(
      'summary',
      {},
      h('span', { class: 'summary-title' }, 'More settings', h('span', { class: 'optional' }, ' (optional)')),
      h('span', { class: 'hint summary-hint' }, 'More teams, role groups, legacy groups; a label, how many people, how long it works, which email domains, signup emails.'),
    ),
    h('div', { class: 'optional-grid' }, moreTeams, roleGroupField, groups.length > 0 ? groupField : null),
    rules.section,
  );
  const result = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite' });
  const copyButton = h('button', { type: 'submit', class: 'button primary', id: 'copy-link' }, 'Copy link');
  const shareButton = canShare() ? h('button', { type: 'button', class: 'button', id: 'share-link', onclick: () => hand(shareButton!, true) }, 'Share link') : null;
  const summary = h('p', { class: 'small link-summary', id: 'link-summary' });

  const checked = (name: string): string[] => Array.from(form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)).map((i) => i.value);
  /** What the link gives, as the request body takes it. */
  const grant = () => {
    const kind = primaryKind();
    return {
      userType: (checked('userType')[0] ?? 'STANDARD') as UserType,
      ...(kind === 'team' ? { primaryTeamId: teamSelect.value } : { primaryGroupId: groupSelect.value }),
      additionalTeamIds: checked('additionalTeamIds'),
      roleGroupIds: checked('roleGroupIds'),
      groupIds: checked('groupIds'),
    };
  };
  const showSummary = (): void => render(summary, `New link: ${describeLink(grant(), directory)} · ${rules.describe()}`);

  /** Makes the link and copies (or shares) it; the same settings as the last link made here hand that link over again. */
  function hand(button: HTMLButtonElement, share: boolean) {
    const chosenRules = rules.read();
    if (!chosenRules) {
      more.open = true;
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const body = { ...grant(), ...chosenRules };
    const settingsKey = JSON.stringify(body);
    const whose = `${me.userId} ${membership.domainId}`;
    const obtain = async (): Promise<Obtained> => {
      const before = lastMade.get(whose);
      if (before?.settings === settingsKey && Date.parse(before.link.expiresAt) > Date.now() && (await links.isActive(before.link.id))) return { link: before.link, again: true };
      const link = await api<CreatedLink>('POST', `${base}/invite-links`, body);
      lastMade.set(whose, { settings: settingsKey, link });
      return { link, again: false };
    };
    const showAtField = (error: unknown) => {
      const wasOpen = more.open;
      more.open = true;
      const shown = rules.showApiError(error);
      more.open = shown || wasOpen;
      return shown;
    };
    void links.makeAndCopy(button, result, obtain, { share, showAtField });
  }

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'invite-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        hand(copyButton, false);
      },
      oninput: () => showSummary(),
      onchange: () => showSummary(),
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
    more,
    h('div', { class: 'invite-actions' }, summary, h('div', { class: 'actions' }, copyButton, shareButton)),
    result,
  );
  syncPrimary();
  showSummary();
  teamSelect.addEventListener('change', syncPrimary);
  groupSelect.addEventListener('change', syncPrimary);
  return form;
}

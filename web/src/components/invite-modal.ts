/**
 * The invite modal, tab "Invite by link": choose what the link grants and its rules (label, uses,
 * life, email domains, signup emails), Copy makes it and puts it on the clipboard; the onboarding
 * link; the active links (components/links-panel.ts). A native <dialog> on every width: focus kept
 * inside, Escape, the close button or a tap outside closes it. It keeps one size while its data
 * loads, so nothing jumps.
 */
import { api, ApiError } from '../lib/api.ts';
import { modalDialog } from '../lib/dialog.ts';
import { h, render, uid, type Child } from '../lib/dom.ts';
import { formatEmailDomainsInput, parseEmailDomains } from '../lib/email-domains.ts';
import {
  atDomains,
  formatDuration,
  grantableUserTypes,
  LINK_LIMITS,
  USER_TYPE_HINT,
  USER_TYPE_LABEL,
  type CreatedLink,
  type Group,
  type LinkSettings,
  type Me,
  type Membership,
  type RoleGroup,
  type Team,
  type UserType,
} from '../lib/model.ts';
import { errorNotice, linksPanel, type MakeAndCopy } from './links-panel.ts';

export interface Directory {
  me: Me;
  membership: Membership;
  teams: Team[];
  roleGroups: RoleGroup[];
  groups: Group[];
}

export function createInviteModal(directory: Directory, onClose: () => void) {
  const { membership } = directory;
  const base = `/v1/domains/${encodeURIComponent(membership.domainId)}`;
  const panel = h('div', { role: 'tabpanel', id: 'invite-by-link', 'aria-labelledby': 'tab-invite-by-link', class: 'modal-body' });
  const modal = modalDialog(
    { id: 'invite-modal', labelledBy: 'invite-title', className: 'modal invite', onClose },
    h(
      'div',
      { class: 'modal-head' },
      h('h2', { id: 'invite-title' }, `New users in ${membership.domainName}`),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => modal.close() }, '×'),
    ),
    h(
      'div',
      { role: 'tablist', class: 'tabs', 'aria-label': 'How to invite' },
      h('button', { type: 'button', role: 'tab', id: 'tab-invite-by-link', 'aria-selected': 'true', 'aria-controls': 'invite-by-link' }, 'Invite by link'),
    ),
    panel,
  );

  async function open() {
    render(panel, skeleton());
    panel.setAttribute('aria-busy', 'true');
    modal.open();
    try {
      // The settings and the first page of links are asked for together.
      const links = linksPanel(directory, base);
      const listed = links.load();
      listed.catch(() => undefined);
      const settings = await api<LinkSettings>('GET', `${base}/settings/invite-links`);
      if (!settings.enabled) {
        render(panel, linksOffNotice(membership));
        return;
      }
      render(panel, linkForm(directory, settings, base, links.makeAndCopy), links.onboarding, links.list);
      await listed;
    } catch (error) {
      render(panel, errorNotice(error));
    } finally {
      panel.removeAttribute('aria-busy');
    }
  }

  return { dialog: modal.dialog, open };
}

/** Grey blocks where the form and the links will be, while they load. */
function skeleton(): HTMLElement {
  return h(
    'div',
    { class: 'skeleton', 'aria-hidden': 'true' },
    h('p', { class: 'loading visually-hidden' }, 'Loading…'),
    Array.from({ length: 8 }, () => h('div', { class: 'skeleton-line' })),
  );
}

function linksOffNotice(membership: Membership): HTMLElement {
  return h(
    'div',
    { class: 'notice', id: 'links-off' },
    h('h3', {}, 'Invite links are turned off'),
    h('p', {}, `An admin of ${membership.domainName} turned invite links off in Login Settings, so no link can be made or used.`),
    membership.isAdmin
      ? h('p', {}, 'You can turn them back on in ', h('a', { href: '/settings' }, 'Admin › Settings › Login Settings'), '.')
      : h('p', {}, 'Ask a domain admin to turn them on if you need to invite people by link.'),
  );
}

/** The link's configuration: user type, primary team or legacy group, the optional extras, and its rules. */
function linkForm(directory: Directory, settings: LinkSettings, base: string, makeAndCopy: MakeAndCopy): HTMLElement {
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

type RuleField = 'label' | 'expiresInSeconds' | 'maxUses' | 'allowedEmailDomains';
interface ChosenRules {
  label?: string;
  expiresInSeconds?: number;
  maxUses?: number;
  allowedEmailDomains?: string[];
  notifyCreator: boolean;
}

/** Lifetimes offered when shorter than the domain's longest; the longest is always offered, and chosen (it is the API's default). */
const LIFETIME_PRESETS = [3_600, 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The link's rules, within what the domain allows: label, life, uses, email domains, signup emails. */
function linkRules(settings: LinkSettings, membership: Membership) {
  const longest = settings.maxLinkLifetimeSeconds;
  const domainWide = settings.allowedEmailDomains;
  const fields = new Map<RuleField, { control: HTMLElement; setError: (message?: string) => void }>();

  /** A labelled control with its hint and its error, both read out with it. */
  const fieldRow = (field: RuleField, control: HTMLInputElement | HTMLSelectElement, label: string, hint?: string, optional = false) => {
    const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
    control.setAttribute('aria-describedby', [hint ? `${control.id}-hint` : '', error.id].filter(Boolean).join(' '));
    const setError = (message?: string) => {
      render(error, message ?? '');
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    };
    fields.set(field, { control, setError });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: control.id }, label, optional ? h('span', { class: 'optional' }, ' (optional)') : null),
      control,
      hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null,
      error,
    );
  };

  const labelInput = h('input', { type: 'text', id: 'link-label', name: 'label', maxlength: LINK_LIMITS.labelMaxLength, autocomplete: 'off' });
  const labelRow = fieldRow('label', labelInput, 'Label', 'Shown in the active links and in the email you get when someone joins, like “Spring interns”.', true);

  const lifetimes = [...LIFETIME_PRESETS.filter((s) => s >= LINK_LIMITS.minLifetimeSeconds && s < longest), longest];
  const lifeSelect = h(
    'select',
    { id: 'link-life', name: 'expiresInSeconds' },
    lifetimes.map((s) => h('option', { value: String(s), selected: s === longest }, s === longest ? `${formatDuration(s)} (the longest allowed)` : formatDuration(s))),
  );
  const lifeRow = fieldRow('expiresInSeconds', lifeSelect, 'Link works for', 'It stops working after this, however many people joined.');

  const maxUsesInput = h('input', { type: 'number', id: 'max-uses', name: 'maxUses', min: 1, max: LINK_LIMITS.maxUses, step: 1, inputmode: 'numeric', value: '10' });
  const maxUsesRow = fieldRow('maxUses', maxUsesInput, 'How many people can join', `From 1 to ${LINK_LIMITS.maxUses.toLocaleString('en-GB')}.`);
  const usesField = h(
    'fieldset',
    { class: 'choices', onchange: () => syncUses() },
    h('legend', {}, 'Uses'),
    radio('uses', 'unlimited', true, 'Unlimited', 'until the link expires'),
    radio('uses', 'limited', false, 'A set number of people'),
    maxUsesRow,
  );
  const limited = () => usesField.querySelector<HTMLInputElement>('input[name=uses]:checked')?.value === 'limited';
  const syncUses = () => {
    maxUsesRow.hidden = !limited();
    if (!limited()) fields.get('maxUses')!.setError();
  };

  const domainsInput = h('input', { type: 'text', id: 'link-email-domains', name: 'allowedEmailDomains', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', inputmode: 'email' });
  const domainsRow = fieldRow(
    'allowedEmailDomains',
    domainsInput,
    'Only for emails at',
    domainWide.length
      ? `${membership.domainName} admits only ${atDomains(domainWide)} emails. Name some of them to narrow this link, or leave it empty for all of them.`
      : 'Email domains, separated by commas, like example.com, example.org. Leave it empty for anyone with the link.',
    true,
  );
  const notify = h('input', { type: 'checkbox', id: 'link-notify', name: 'notifyCreator', checked: true, 'aria-describedby': 'link-notify-hint' });
  const notifyRow = h(
    'div',
    { class: 'notify-row' },
    h('div', { class: 'choice' }, notify, h('label', { for: 'link-notify' }, 'Email me when someone joins')),
    h('p', { class: 'hint', id: 'link-notify-hint' }, 'One email for each person, naming the address they joined with.'),
  );

  function readDomains(tidy = true): string[] | undefined {
    const parsed = parseEmailDomains(domainsInput.value);
    const setError = fields.get('allowedEmailDomains')!.setError;
    if (!parsed.ok) return void setError(parsed.problem);
    const outside = domainWide.length ? parsed.domains.filter((d) => !domainWide.includes(d)) : [];
    if (outside.length) return void setError(`${membership.domainName} admits only ${atDomains(domainWide)} emails, so ${atDomains(outside)} cannot join. Leave it out.`);
    setError();
    if (tidy) domainsInput.value = formatEmailDomainsInput(parsed.domains);
    return parsed.domains;
  }
  function checkLabel(): string {
    const label = labelInput.value.trim();
    fields.get('label')!.setError(
      label.length > LINK_LIMITS.labelMaxLength
        ? `A label has at most ${LINK_LIMITS.labelMaxLength} characters.`
        : /[<>]/.test(label) || INVISIBLE_OR_CONTROL.test(label)
          ? 'A label cannot contain < or >, or invisible characters.'
          : undefined,
    );
    return label;
  }
  function checkUses(): number {
    const maxUses = Number(maxUsesInput.value);
    const fine = !limited() || (/^\d+$/.test(maxUsesInput.value.trim()) && maxUses >= 1 && maxUses <= LINK_LIMITS.maxUses);
    fields.get('maxUses')!.setError(fine ? undefined : `Enter a whole number from 1 to ${LINK_LIMITS.maxUses.toLocaleString('en-GB')}.`);
    return maxUses;
  }
  // Checked on Copy, then as they type once found wrong; not on blur, which would move the Copy button away from a pointer about to press it.
  const recheck = (control: HTMLElement, check: () => unknown) =>
    control.addEventListener('input', () => control.getAttribute('aria-invalid') === 'true' && check());
  recheck(labelInput, checkLabel);
  recheck(maxUsesInput, checkUses);
  recheck(domainsInput, () => readDomains(false));

  /** The rules for the request body, or undefined (with the mistakes shown at their fields, the first focused). */
  function read(): ChosenRules | undefined {
    const label = checkLabel();
    const maxUses = checkUses();
    const domains = readDomains();
    const invalid = (['label', 'maxUses', 'allowedEmailDomains'] as const).find((f) => fields.get(f)!.control.getAttribute('aria-invalid') === 'true');
    if (invalid) {
      fields.get(invalid)!.control.focus();
      return undefined;
    }
    const life = Number(lifeSelect.value);
    return {
      ...(label ? { label } : {}),
      // The longest is the API's default: left out, so a link never asks for more than the domain allows now.
      ...(life !== longest ? { expiresInSeconds: life } : {}),
      ...(limited() ? { maxUses } : {}),
      ...(domains?.length ? { allowedEmailDomains: domains } : {}),
      notifyCreator: notify.checked,
    };
  }

  /** A 400 naming one of these fields is shown at it; true when it was. */
  function showApiError(error: unknown): boolean {
    if (!(error instanceof ApiError) || error.code !== 'INVALID_REQUEST' || !error.field) return false;
    const field = fields.get(error.field.replace(/[[.].*$/, '') as RuleField);
    if (!field) return false;
    field.setError(`The service says this ${error.fieldMessage}.`);
    field.control.focus();
    return true;
  }

  const section = h(
    'section',
    { class: 'link-rules', 'aria-labelledby': 'link-rules-title' },
    h('h3', { id: 'link-rules-title' }, 'Limits and emails'),
    h('div', { class: 'rules-grid' }, labelRow, lifeRow, usesField, domainsRow),
    notifyRow,
  );
  syncUses();
  return { section, read, showApiError };
}

function radio(name: string, value: string, checked: boolean, label: string, hint?: string): HTMLElement {
  const id = uid(name);
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', id, name, value, checked }),
    h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, ` — ${hint}`) : null),
  );
}

function checkboxes(name: string, legend: string, items: { id: string; name: string }[], note?: string): HTMLElement {
  const children: Child[] = items.map((item) => {
    const id = uid(name);
    return h('div', { class: 'choice' }, h('input', { type: 'checkbox', id, name, value: item.id }), h('label', { for: id }, item.name));
  });
  return h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, legend, ' ', h('span', { class: 'optional' }, '(optional)')),
    items.length === 0 ? h('p', { class: 'muted small' }, 'None to choose from.') : children,
    note ? h('p', { class: 'hint' }, note) : null,
  );
}

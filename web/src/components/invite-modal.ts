/**
 * The invite modal, tab "Invite by link": choose what the link grants, Copy makes it and puts it
 * on the clipboard; the onboarding link; the active links, each revocable. A native <dialog>:
 * showModal() keeps focus inside and Esc closes it.
 */
import { api, ApiError } from '../lib/api.ts';
import { h, render, uid, type Child } from '../lib/dom.ts';
import { pagedList } from '../lib/paging.ts';
import {
  formatDateTime,
  grantableUserTypes,
  plural,
  USER_TYPE_HINT,
  USER_TYPE_LABEL,
  type CreatedLink,
  type Group,
  type InviteLink,
  type LinkSettings,
  type Me,
  type Membership,
  type RoleGroup,
  type Team,
  type UserType,
} from '../lib/model.ts';

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
  const dialog = h(
    'dialog',
    { class: 'modal', id: 'invite-modal', 'aria-labelledby': 'invite-title', onclose: onClose },
    h(
      'div',
      { class: 'modal-head' },
      h('h2', { id: 'invite-title' }, `New users in ${membership.domainName}`),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×'),
    ),
    h(
      'div',
      { role: 'tablist', class: 'tabs', 'aria-label': 'How to invite' },
      h('button', { type: 'button', role: 'tab', id: 'tab-invite-by-link', 'aria-selected': 'true', 'aria-controls': 'invite-by-link' }, 'Invite by link'),
    ),
    panel,
  );

  async function open() {
    render(panel, h('p', { class: 'loading' }, 'Loading…'));
    dialog.showModal();
    try {
      const settings = await api<LinkSettings>('GET', `${base}/settings/invite-links`);
      if (!settings.enabled) {
        render(panel, linksOffNotice(membership));
        return;
      }
      const links = h('section', { class: 'links', 'aria-labelledby': 'active-links-title' });
      const refreshLinks = () => renderActiveLinks(links, directory, base);
      render(panel, linkForm(directory, base, refreshLinks), onboardingSection(directory, base, refreshLinks), links);
      await refreshLinks();
    } catch (error) {
      render(panel, errorNotice(error));
    }
  }

  return { dialog, open };
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

/** The link's configuration: user type, primary team or legacy group, and the optional extras. */
function linkForm(directory: Directory, base: string, refreshLinks: () => Promise<void>): HTMLElement {
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

  const result = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite' });
  const copyButton = h('button', { type: 'submit', class: 'button primary', id: 'copy-link' }, 'Copy link');
  const form = h(
    'form',
    {
      class: 'invite-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const checked = (name: string) => Array.from(form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)).map((i) => i.value);
        const kind = primaryKind();
        const body = {
          userType: (checked('userType')[0] ?? 'STANDARD') as UserType,
          ...(kind === 'team' ? { primaryTeamId: teamSelect.value } : { primaryGroupId: groupSelect.value }),
          additionalTeamIds: checked('additionalTeamIds'),
          roleGroupIds: checked('roleGroupIds'),
          groupIds: checked('groupIds'),
        };
        void makeAndCopy(copyButton, result, () => api<CreatedLink>('POST', `${base}/invite-links`, body), refreshLinks);
      },
    },
    h('h3', {}, 'Link settings'),
    h('p', { class: 'hint' }, 'Everyone who joins through this link gets these settings. Links cannot be changed; to change settings, make a new link.'),
    userTypeField,
    primaryField,
    h('div', { class: 'optional-grid' }, moreTeams, roleGroupField, groups.length > 0 ? groupField : null),
    h('div', { class: 'actions' }, copyButton),
    result,
  );
  syncPrimary();
  teamSelect.addEventListener('change', syncPrimary);
  groupSelect.addEventListener('change', syncPrimary);
  return form;
}

function onboardingSection(directory: Directory, base: string, refreshLinks: () => Promise<void>): HTMLElement {
  const defaultTeam = directory.teams.find((t) => t.isDefault);
  const result = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button', id: 'copy-onboarding-link' }, 'Copy onboarding link');
  button.addEventListener('click', () => void makeAndCopy(button, result, () => api<CreatedLink>('POST', `${base}/invite-links/onboarding`), refreshLinks));
  return h(
    'section',
    { class: 'onboarding', 'aria-labelledby': 'onboarding-title' },
    h('h3', { id: 'onboarding-title' }, 'Onboarding link'),
    h('p', { class: 'hint' }, `One click: adds people as Standard users in ${defaultTeam ? `the ${defaultTeam.name} team` : 'the default team'}.`),
    h('div', { class: 'actions' }, button),
    result,
  );
}

/** Creates a link, copies its URL and says so; if the clipboard refuses, the URL is selected in a box to copy by hand. */
async function makeAndCopy(button: HTMLButtonElement, result: HTMLElement, create: () => Promise<CreatedLink>, refreshLinks: () => Promise<void>) {
  button.disabled = true;
  render(result, h('p', {}, 'Making the link…'));
  try {
    const link = await create();
    let copied = true;
    try {
      await navigator.clipboard.writeText(link.url);
    } catch {
      copied = false;
    }
    const box = h('input', { type: 'text', readonly: true, value: link.url, class: 'link-box', 'aria-label': 'Invite link', onfocus: () => box.select() });
    render(
      result,
      h(
        'div',
        { class: copied ? 'notice success' : 'notice' },
        h('p', { class: 'copied' }, copied ? '✓ Link copied to the clipboard.' : 'Copy the link below (it is selected).'),
        h('p', {}, `Anyone with it can join until ${formatDateTime(link.expiresAt)}. Share it only with the people you mean to invite.`),
        box,
      ),
    );
    if (copied) {
      const label = button.textContent;
      button.textContent = 'Copied ✓';
      setTimeout(() => (button.textContent = label), 2_500);
      result.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    } else box.focus();
    await refreshLinks();
  } catch (error) {
    render(result, errorNotice(error));
  } finally {
    button.disabled = false;
  }
}

async function renderActiveLinks(section: HTMLElement, directory: Directory, base: string) {
  const { me, membership } = directory;
  const status = h('p', { class: 'visually-hidden', role: 'status' });
  const mayRevoke = (link: InviteLink) => membership.isAdmin || link.createdBy === me.userId;
  try {
    await pagedList<InviteLink>(`${base}/invite-links`, ({ items, more }) => showActiveLinks(items, more));
  } catch (error) {
    render(section, errorNotice(error));
  }

  function showActiveLinks(items: InviteLink[], more: HTMLElement | null) {
    render(
      section,
      h('h3', { id: 'active-links-title' }, more ? `Active links (the newest ${items.length})` : `Active links (${items.length})`),
      items.length === 0 ? h('p', { class: 'muted' }, 'No active links.') : null,
      h(
        'ul',
        { class: 'link-list' },
        items.map((link) => {
          const revoke = h('button', { type: 'button', class: 'button danger small' }, 'Revoke');
          revoke.setAttribute('aria-label', `Revoke link: ${describeLink(link, directory)}`);
          revoke.addEventListener('click', async () => {
            revoke.disabled = true;
            try {
              await api('DELETE', `${base}/invite-links/${encodeURIComponent(link.id)}`);
              await renderActiveLinks(section, directory, base);
              section.querySelector('[role=status]')!.textContent = 'Link revoked. It no longer works.';
            } catch (error) {
              revoke.disabled = false;
              revoke.after(errorNotice(error));
            }
          });
          return h(
            'li',
            { class: 'link-item' },
            h(
              'div',
              {},
              h('p', { class: 'link-config' }, link.onboarding ? h('span', { class: 'badge' }, 'Onboarding') : null, describeLink(link, directory)),
              h(
                'p',
                { class: 'muted small' },
                `Created by ${link.createdByEmail ?? link.createdBy} · used ${plural(link.useCount ?? 0, 'time')} · expires ${formatDateTime(link.expiresAt)}`,
              ),
            ),
            mayRevoke(link) ? revoke : null,
          );
        }),
      ),
      more,
      status,
    );
  }
}

/** "Standard · Producers (primary) · + Marketing · role groups: Contributors", in names, not ids. */
function describeLink(link: InviteLink, { teams, roleGroups, groups }: Directory): string {
  const name = (items: { id: string; name: string }[], id: string) => items.find((i) => i.id === id)?.name ?? id;
  const parts = [USER_TYPE_LABEL[link.userType]];
  if (link.primaryTeamId) parts.push(`${name(teams, link.primaryTeamId)} (primary team)`);
  if (link.primaryGroupId) parts.push(`${name(groups, link.primaryGroupId)} (primary legacy group)`);
  if (link.additionalTeamIds.length) parts.push(`+ ${link.additionalTeamIds.map((id) => name(teams, id)).join(', ')}`);
  if (link.roleGroupIds.length) parts.push(`role groups: ${link.roleGroupIds.map((id) => name(roleGroups, id)).join(', ')}`);
  if (link.groupIds.length) parts.push(`legacy groups: ${link.groupIds.map((id) => name(groups, id)).join(', ')}`);
  return parts.join(' · ');
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

function errorNotice(error: unknown): HTMLElement {
  const text =
    error instanceof ApiError
      ? error.code === 'LINKS_DISABLED'
        ? 'Invite links are turned off for this domain. An admin can turn them on in Login Settings.'
        : `${error.title}. ${error.detail}`
      : 'Something went wrong. Try again.';
  return h('div', { class: 'notice error', role: 'alert' }, h('p', {}, text));
}

/**
 * Admin › Settings › Login Settings (/settings?domain=…): the domain's invite-link switch, pausing
 * every link for some hours, the email domains everyone who joins must have, the guard new links
 * get, and DELETE ALL EXISTING LINKS, each destructive step behind a confirmation dialog. Admins
 * of the domain on show only; anyone else is told so, with the domain picker and that domain's Home.
 */
import { api, ApiError } from '../lib/api.ts';
import { failure, showingDomain, startSignedInPage } from '../lib/app.ts';
import { chooseDomain, domainPicker, domainQuery, notAllowedNotice, notMemberNotice, pageHead } from '../lib/domains.ts';
import { confirmDialog } from '../lib/dialog.ts';
import { byId, h, render } from '../lib/dom.ts';
import { formatEmailDomainsInput, parseEmailDomains } from '../lib/email-domains.ts';
import { atDomains, formatDateTime, formatDuration, plural, type LinkSettings, type Me, type Membership } from '../lib/model.ts';
import { defaultGuardSetting } from '../components/settings/default-guard.ts';
import { pauseAllSetting } from '../components/settings/pause-all.ts';

const main = byId('main');

/** Admin (the domain's users, which admins manage) › Settings (these settings, from the top) › Login Settings (here). */
const breadcrumb = (m: Membership) =>
  h(
    'nav',
    { 'aria-label': 'Breadcrumb', class: 'breadcrumb' },
    h(
      'ol',
      {},
      h('li', {}, h('a', { href: `/users${domainQuery(m)}` }, 'Admin')),
      h('li', {}, h('a', { href: `/settings${domainQuery(m)}` }, 'Settings')),
      h('li', { 'aria-current': 'page' }, 'Login Settings'),
    ),
  );

async function start() {
  const me = await startSignedInPage('settings');
  const { membership, notMemberOf } = chooseDomain(me);
  if (notMemberOf) return render(main, h('h1', {}, 'Login Settings'), notMemberNotice(me, notMemberOf, '/settings'));
  if (!membership) return location.replace('/home');
  await show(me, membership);
}

/** The settings of a domain the person is an admin of; elsewhere, why not. */
function show(me: Me, membership: Membership): Promise<void> {
  if (membership.isAdmin) return showDomain(me, membership);
  showingDomain(membership);
  render(
    main,
    pageHead('Login Settings', domainPicker(me, membership, (next) => show(me, next).catch(showFailure))),
    notAllowedNotice(me, membership, {
      id: 'not-admin',
      sentence: 'Login Settings are for domain admins.',
      why: `You're not an admin of ${membership.domainName}: if something here needs changing, ask one of its admins.`,
    }),
  );
  return Promise.resolve();
}

async function showDomain(me: Me, membership: Membership) {
  showingDomain(membership);
  const base = `/v1/domains/${encodeURIComponent(membership.domainId)}`;
  const settings = await api<LinkSettings>('GET', `${base}/settings/invite-links`);

  // How many links work now, which turning links off or DELETE ALL ends: said by both confirmations, and beside DELETE ALL.
  let activeLinks = settings.activeLinkCount;
  const switchStatus = h('p', { role: 'status', class: 'status', id: 'switch-status' });
  const toggle = h('input', { type: 'checkbox', role: 'switch', id: 'links-enabled', checked: settings.enabled, 'aria-describedby': 'links-enabled-hint' });
  const setEnabled = async (enabled: boolean) => {
    toggle.disabled = true;
    try {
      const saved = await api<LinkSettings>('PUT', `${base}/settings/invite-links`, { enabled });
      toggle.checked = saved.enabled;
      // Turning links off ends them all; turning them on brings none back.
      activeLinks = saved.activeLinkCount ?? (activeLinks === undefined ? undefined : 0);
      showCount();
      switchStatus.textContent = saved.enabled
        ? 'Invite links are on. New links can be made; links from before they were turned off stay dead.'
        : 'Invite links are off. Every existing link stopped working.';
    } catch (error) {
      toggle.checked = !enabled;
      switchStatus.textContent = messageOf(error);
    } finally {
      toggle.disabled = false;
    }
  };
  const turnOff = confirmDialog({
    id: 'confirm-turn-off',
    title: 'Turn off invite links?',
    body: () => [
      activeLinks === undefined
        ? `Every active invite link of ${membership.domainName} stops working at once, and nobody can make new ones.`
        : activeLinks === 0
          ? `No invite link of ${membership.domainName} works right now; while links are off, nobody can make new ones.`
          : `${plural(activeLinks, 'active invite link')} of ${membership.domainName}, onboarding links included, ${activeLinks === 1 ? 'stops' : 'stop'} working at once, and nobody can make new ones.`,
      'Turning links back on later does not bring the old links back: people will need new links.',
    ],
    confirm: 'Turn off invite links',
    onConfirm: () => setEnabled(false),
  });
  toggle.addEventListener('change', () => {
    if (toggle.checked) return void setEnabled(true);
    // Stays on until the admin confirms in the dialog.
    toggle.checked = true;
    void openWithCount(turnOff);
  });

  const revokeStatus = h('div', { role: 'status', class: 'status', id: 'revoke-status' });
  const countText = () =>
    activeLinks === undefined
      ? 'Every invite link that works now stops working immediately.'
      : activeLinks === 0
        ? 'No invite link works right now, so there is nothing to delete.'
        : `${plural(activeLinks, 'active link')} ${activeLinks === 1 ? 'stops' : 'stop'} working immediately.`;
  const count = h('p', { class: 'active-link-count', id: 'active-link-count' });
  const showCount = () => (count.textContent = countText());
  showCount();
  const revokeAll = confirmDialog({
    id: 'confirm-revoke-all',
    title: 'Delete all existing links?',
    body: () => [
      activeLinks === undefined
        ? `Every invite link of ${membership.domainName} that exists now stops working immediately, including onboarding links.`
        : `${plural(activeLinks, 'active invite link')} of ${membership.domainName}, onboarding links included, ${activeLinks === 1 ? 'stops' : 'stop'} working immediately.`,
      'New links can be made afterwards.',
    ],
    confirm: 'Delete all existing links',
    onConfirm: async () => {
      try {
        const result = await api<{ revokedAt: string }>('POST', `${base}/invite-links/revoke-all`);
        if (activeLinks !== undefined) activeLinks = 0;
        showCount();
        render(revokeStatus, h('p', { class: 'notice success' }, `All existing links were deleted at ${formatDateTime(result.revokedAt)}. New links can be made.`));
      } catch (error) {
        render(revokeStatus, h('p', { class: 'notice error' }, messageOf(error)));
      }
    },
  });
  const openWithCount = async (confirmation: { open(): void }) => {
    // The count may have changed since the page loaded: ask again, so the confirmation says what happens now.
    try {
      activeLinks = (await api<LinkSettings>('GET', `${base}/settings/invite-links`)).activeLinkCount ?? activeLinks;
      showCount();
    } catch {
      // The count shown stays; the confirmation still asks.
    }
    confirmation.open();
  };
  const openRevokeAll = () => openWithCount(revokeAll);

  render(
    main,
    breadcrumb(membership),
    pageHead('Login Settings', domainPicker(me, membership, (next) => show(me, next).catch(showFailure))),
    h('p', { class: 'muted' }, membership.domainName),
    h(
      'section',
      { class: 'card setting', 'aria-labelledby': 'links-title' },
      h('h2', { id: 'links-title' }, 'Invite links'),
      h(
        'div',
        { class: 'switch-row' },
        h('label', { for: 'links-enabled', class: 'switch' }, toggle, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), h('span', {}, 'Allow invite links')),
      ),
      h(
        'p',
        { class: 'hint', id: 'links-enabled-hint' },
        'When on, people who may invite can make shareable links that let anyone with the link join. Turning this off ends every existing link for good.',
      ),
      h('p', { class: 'muted small' }, `A link works for ${formatDuration(settings.maxLinkLifetimeSeconds)} at most; whoever makes one can choose less.`),
      settings.updatedAt ? h('p', { class: 'muted small' }, `Last changed ${formatDateTime(settings.updatedAt)}.`) : null,
      switchStatus,
    ),
    pauseAllSetting(base, me, membership, settings),
    emailDomainsSetting(base, membership, settings),
    defaultGuardSetting(base, membership, settings),
    h(
      'section',
      { class: 'card setting danger-zone', 'aria-labelledby': 'revoke-title' },
      h('h2', { id: 'revoke-title' }, 'Delete all existing links'),
      h('p', { class: 'hint' }, 'Use this if a link reached the wrong people. Every existing link stops working immediately; new links can be made right after.'),
      count,
      h('button', { type: 'button', class: 'button danger', id: 'delete-all-links', 'aria-haspopup': 'dialog', 'aria-describedby': 'active-link-count', onclick: () => void openRevokeAll() }, 'DELETE ALL EXISTING LINKS'),
      revokeStatus,
    ),
    turnOff.dialog,
    revokeAll.dialog,
  );
}

/** The email domains every joiner must have, domain-wide; links can narrow them further. */
function emailDomainsSetting(base: string, membership: Membership, settings: LinkSettings): HTMLElement {
  const status = h('p', { role: 'status', class: 'status', id: 'email-domains-status' });
  const error = h('p', { class: 'field-error', id: 'email-domains-error', hidden: true });
  const input = h('input', {
    type: 'text',
    id: 'email-domains',
    name: 'allowedEmailDomains',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    inputmode: 'email',
    value: formatEmailDomainsInput(settings.allowedEmailDomains),
    'aria-describedby': 'email-domains-hint email-domains-error',
  });
  const current = h('p', { class: 'muted small', id: 'email-domains-current' });
  const showCurrent = (domains: string[]) =>
    (current.textContent = domains.length ? `Now: only people with an ${atDomains(domains)} email can join.` : 'Now: anyone with a working link can join, whatever their email.');
  const setError = (message?: string) => {
    render(error, message ?? '');
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save email domains');
  const form = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'email-domains-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (save.disabled) return;
        render(status);
        const parsed = parseEmailDomains(input.value);
        if (!parsed.ok) {
          setError(parsed.problem);
          return input.focus();
        }
        setError();
        save.disabled = true;
        try {
          const saved = await api<LinkSettings>('PUT', `${base}/settings/invite-links`, { allowedEmailDomains: parsed.domains });
          input.value = formatEmailDomainsInput(saved.allowedEmailDomains);
          showCurrent(saved.allowedEmailDomains);
          status.textContent = saved.allowedEmailDomains.length
            ? `Saved. From now on, only people with an ${atDomains(saved.allowedEmailDomains)} email can join ${membership.domainName}, through any link.`
            : `Saved. Anyone with a working link can join ${membership.domainName} again, whatever their email.`;
        } catch (failure) {
          if (failure instanceof ApiError && failure.code === 'INVALID_REQUEST' && failure.field?.startsWith('allowedEmailDomains')) {
            setError(`The service says this ${failure.fieldMessage}.`);
            input.focus();
          } else status.textContent = messageOf(failure);
        } finally {
          save.disabled = false;
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'email-domains' }, 'Only for emails at'), input, error),
    h(
      'p',
      { class: 'hint', id: 'email-domains-hint' },
      'Email domains, separated by commas, like example.com, example.org: exact, so sub-domains are not included. Leave it empty to let anyone join. It applies at once to every link, old and new; a link can narrow it further.',
    ),
    current,
    h('div', { class: 'actions start' }, save),
  );
  showCurrent(settings.allowedEmailDomains);
  return h('section', { class: 'card setting', 'aria-labelledby': 'email-domains-title' }, h('h2', { id: 'email-domains-title' }, 'Who can join'), form, status);
}

const messageOf = (error: unknown) => (error instanceof ApiError ? `${error.title}. ${error.detail}` : 'Something went wrong. Try again.');
const showFailure = (error: unknown) => render(main, h('h1', {}, 'Login Settings'), failure(error));
start().catch(showFailure);

/**
 * Admin › Settings › Login Settings (/settings): the domain's invite-link switch and
 * DELETE ALL EXISTING LINKS, each destructive step behind a confirmation dialog. Admins only.
 */
import { api, ApiError } from '../lib/api.ts';
import { chooseDomain, domainPicker, failure, startSignedInPage } from '../lib/app.ts';
import { byId, h, render } from '../lib/dom.ts';
import { formatDateTime, type LinkSettings, type Me, type Membership } from '../lib/model.ts';

const main = byId('main');

const breadcrumb = () =>
  h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumb' }, h('ol', {}, h('li', {}, 'Admin'), h('li', {}, 'Settings'), h('li', { 'aria-current': 'page' }, 'Login Settings')));

async function start() {
  const me = await startSignedInPage('settings');
  const admin = me.memberships.filter((m) => m.isAdmin);
  const current = chooseDomain(admin);
  if (!current) {
    render(
      main,
      breadcrumb(),
      h('h1', {}, 'Login Settings'),
      h('div', { class: 'notice', id: 'not-admin' }, h('p', {}, 'Login Settings are for domain admins. If something here needs changing, ask an admin of your domain.')),
    );
    return;
  }
  await showDomain(me, admin, current);
}

async function showDomain(me: Me, admins: Membership[], membership: Membership) {
  const base = `/v1/domains/${encodeURIComponent(membership.domainId)}`;
  const settings = await api<LinkSettings>('GET', `${base}/settings/invite-links`);

  const switchStatus = h('p', { role: 'status', class: 'status', id: 'switch-status' });
  const toggle = h('input', { type: 'checkbox', role: 'switch', id: 'links-enabled', checked: settings.enabled, 'aria-describedby': 'links-enabled-hint' });
  const setEnabled = async (enabled: boolean) => {
    toggle.disabled = true;
    try {
      const saved = await api<LinkSettings>('PUT', `${base}/settings/invite-links`, { enabled });
      toggle.checked = saved.enabled;
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
    body: [
      `Every active invite link of ${membership.domainName} stops working at once, and nobody can make new ones.`,
      'Turning links back on later does not bring the old links back: people will need new links.',
    ],
    confirm: 'Turn off invite links',
    onConfirm: () => setEnabled(false),
  });
  toggle.addEventListener('change', () => {
    if (toggle.checked) return void setEnabled(true);
    // Stays on until the admin confirms in the dialog.
    toggle.checked = true;
    turnOff.open();
  });

  const revokeStatus = h('div', { role: 'status', class: 'status', id: 'revoke-status' });
  const revokeAll = confirmDialog({
    id: 'confirm-revoke-all',
    title: 'Delete all existing links?',
    body: [`Every invite link of ${membership.domainName} that exists now stops working immediately, including onboarding links.`, 'New links can be made afterwards.'],
    confirm: 'Delete all existing links',
    onConfirm: async () => {
      try {
        const result = await api<{ revokedAt: string }>('POST', `${base}/invite-links/revoke-all`);
        render(revokeStatus, h('p', { class: 'notice success' }, `All existing links were deleted at ${formatDateTime(result.revokedAt)}. New links can be made.`));
      } catch (error) {
        render(revokeStatus, h('p', { class: 'notice error' }, messageOf(error)));
      }
    },
  });

  render(
    main,
    breadcrumb(),
    h('div', { class: 'page-head' }, h('h1', {}, 'Login Settings'), domainPicker(admins, membership, (next) => void showDomain(me, admins, next).catch(showFailure))),
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
      settings.updatedAt ? h('p', { class: 'muted small' }, `Last changed ${formatDateTime(settings.updatedAt)}.`) : null,
      switchStatus,
    ),
    h(
      'section',
      { class: 'card setting danger-zone', 'aria-labelledby': 'revoke-title' },
      h('h2', { id: 'revoke-title' }, 'Delete all existing links'),
      h('p', { class: 'hint' }, 'Use this if a link reached the wrong people. Every existing link stops working immediately; new links can be made right after.'),
      h('button', { type: 'button', class: 'button danger', id: 'delete-all-links', 'aria-haspopup': 'dialog', onclick: () => revokeAll.open() }, 'DELETE ALL EXISTING LINKS'),
      revokeStatus,
    ),
    turnOff.dialog,
    revokeAll.dialog,
  );
}

/** A modal confirmation: Cancel is focused first, so Enter never destroys anything by accident. */
function confirmDialog(options: { id: string; title: string; body: string[]; confirm: string; onConfirm: () => Promise<void> }) {
  const cancel = h('button', { type: 'button', class: 'button', onclick: () => dialog.close() }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'button danger' }, options.confirm);
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    await options.onConfirm();
    confirm.disabled = false;
    dialog.close();
  });
  const dialog = h(
    'dialog',
    { class: 'modal confirm', id: options.id, 'aria-labelledby': `${options.id}-title`, 'aria-describedby': `${options.id}-body` },
    h('h2', { id: `${options.id}-title` }, options.title),
    h('div', { id: `${options.id}-body` }, options.body.map((text) => h('p', {}, text))),
    h('div', { class: 'actions' }, cancel, confirm),
  );
  return {
    dialog,
    open: () => {
      dialog.showModal();
      cancel.focus();
    },
  };
}

const messageOf = (error: unknown) => (error instanceof ApiError ? `${error.title}. ${error.detail}` : 'Something went wrong. Try again.');
const showFailure = (error: unknown) => render(main, breadcrumb(), h('h1', {}, 'Login Settings'), failure(error));
start().catch(showFailure);

/**
 * The invite modal, tab "Invite by link": the settings a link needs, the optional ones folded away,
 * and Copy link (and Share) in view from the start (link-form.ts); the onboarding link; the active
 * links (links-panel.ts). A native <dialog> on every width: focus kept
 * inside, Escape, the close button or a tap outside closes it. It keeps one size while its data
 * loads, so nothing jumps.
 */
import { api } from '../../lib/api.ts';
import { modalDialog } from '../../lib/dialog.ts';
import { h, render } from '../../lib/dom.ts';
import type { Directory, LinkSettings, Membership } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { linkForm } from './link-form.ts';
import { linksPanel } from './links-panel.ts';

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
      render(panel, linkForm(directory, settings, base, links), links.onboarding, links.list);
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

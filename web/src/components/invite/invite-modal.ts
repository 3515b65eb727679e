/**
 * The invite modal, two tabs. "Invite by link": the settings a link needs, the optional ones
 * folded away, and Copy link (and Share) in view from the start (link-form.ts); the onboarding
 * link; the active links (links-panel.ts). "Invite by email": addresses and the same settings,
 * Send invitations, what became of each address (invitation-form.ts), and the pending invitations
 * (invitations-panel.ts); it works with invite links turned off, and then opens first. A native
 * <dialog> on every width: focus kept inside, Escape, the close button or a tap outside closes it.
 * It keeps one size while its data loads, so nothing jumps.
 */
import { api } from '../../lib/api.ts';
import { modalDialog } from '../../lib/dialog.ts';
import { h, render, type Child } from '../../lib/dom.ts';
import type { Directory, LinkSettings, Membership } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { invitationForm } from './invitation-form.ts';
import { invitationsPanel } from './invitations-panel.ts';
import { linkForm } from './link-form.ts';
import { linksPanel } from './links-panel.ts';
import './invite.css';

type Way = 'link' | 'email';
const WAYS: { way: Way; id: string; text: string }[] = [
  { way: 'link', id: 'invite-by-link', text: 'Invite by link' },
  { way: 'email', id: 'invite-by-email', text: 'Invite by email' },
];

export function createInviteModal(directory: Directory, onClose: () => void) {
  const { membership } = directory;
  const base = `/v1/domains/${encodeURIComponent(membership.domainId)}`;
  const panels = new Map(WAYS.map(({ way, id }) => [way, h('div', { role: 'tabpanel', id, 'aria-labelledby': `tab-${id}`, class: 'modal-body' })]));
  const tabs = new Map(
    WAYS.map(({ way, id, text }) => [
      way,
      h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': id, onclick: () => pick(way) }, text),
    ]),
  );
  /** The tab on show, and the one the person last picked in this page (the modal opens on it again). */
  let shown: Way = 'link';
  let picked: Way | undefined;
  /**
   * Each tab's content, kept while the other tab is on show: only the tab on show is in the page,
   * so its form's ids and labels are the only ones (the two forms ask the same questions).
   */
  const content = new Map<Way, Child[]>();
  function choose(way: Way) {
    shown = way;
    for (const [each, tab] of tabs) {
      tab.setAttribute('aria-selected', String(each === way));
      tab.tabIndex = each === way ? 0 : -1;
      const panel = panels.get(each)!;
      panel.hidden = each !== way;
      if (each === way) render(panel, ...(content.get(each) ?? []));
      else render(panel);
    }
  }
  function fill(way: Way, ...children: Child[]) {
    content.set(way, children);
    if (way === shown) render(panels.get(way)!, ...children);
  }
  function pick(way: Way) {
    picked = way;
    choose(way);
    tabs.get(way)!.focus();
  }
  // Arrow keys, Home and End move between the tabs (and choose), as a tab list does.
  const tablist = h('div', { role: 'tablist', class: 'tabs', 'aria-label': 'How to invite' }, [...tabs.values()]);
  tablist.addEventListener('keydown', (event) => {
    const at = WAYS.findIndex(({ way }) => way === shown);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: WAYS.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    pick(WAYS[(to + WAYS.length) % WAYS.length]!.way);
  });
  const modal = modalDialog(
    { id: 'invite-modal', labelledBy: 'invite-title', className: 'modal invite', onClose },
    h(
      'div',
      { class: 'modal-head' },
      h('h2', { id: 'invite-title' }, `New users in ${membership.domainName}`),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => modal.close() }, '×'),
    ),
    tablist,
    [...panels.values()],
  );

  /** `reissue`: a link's id whose Re-issue opens once the links are shown (the warning email's button). */
  async function open(options: { reissue?: string } = {}) {
    for (const [way, panel] of panels) {
      content.set(way, [skeleton()]);
      panel.setAttribute('aria-busy', 'true');
    }
    choose(picked ?? 'link');
    modal.open();
    try {
      // The settings, the first page of links and the first page of invitations are asked for together.
      const links = linksPanel(directory, base);
      const listed = links.load();
      listed.catch(() => undefined);
      const invitations = invitationsPanel(directory, base);
      const pending = invitations.load();
      pending.catch(() => undefined);
      const settings = await api<LinkSettings>('GET', `${base}/settings/invite-links`);
      // With links off, email is the way to invite: it is shown, unless the person picked the other tab.
      if (!settings.enabled && !picked) choose('email');
      fill('link', settings.enabled ? [linkForm(directory, settings, base, links), links.onboarding, links.list, links.ended] : linksOffNotice(membership));
      fill('email', invitationForm(directory, settings, base, () => void invitations.load()), invitations.list);
      await Promise.all([listed, pending]);
      if (options.reissue && settings.enabled) {
        choose('link');
        if (!links.reissueById(options.reissue)) fill('link', [h('p', { class: 'notice', id: 'reissue-not-found' }, 'That link is not among the active or recently ended links you may re-issue.'), linkForm(directory, settings, base, links), links.onboarding, links.list, links.ended]);
      }
    } catch (error) {
      for (const way of panels.keys()) fill(way, errorNotice(error));
    } finally {
      for (const panel of panels.values()) panel.removeAttribute('aria-busy');
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
    h('p', {}, 'You can still invite people by email: see ', h('strong', {}, 'Invite by email'), '.'),
  );
}

/**
 * The invite modal's links: making a link and copying it, the standing onboarding link, and the
 * active links, each with what it grants, its label, creator, times and uses.
 *
 * The API gives a link's URL only in the answer that created it, so Copy on a listed link works
 * from the URL this browser kept when it made the link (lib/link-store.ts); other rows say why
 * they have no Copy. Revoke asks first, then leaves a few seconds to undo before the DELETE is
 * sent (at once, with keepalive, if the page is left meanwhile).
 */
import { api, ApiError } from '../lib/api.ts';
import { confirmDialog } from '../lib/dialog.ts';
import { h, render, type Child } from '../lib/dom.ts';
import { linkStore } from '../lib/link-store.ts';
import { pagedList } from '../lib/paging.ts';
import { atDomains, formatDateTime, plural, USER_TYPE_LABEL, type CreatedLink, type InviteLink } from '../lib/model.ts';
import type { Directory } from './invite-modal.ts';

/** How long "Revoked — Undo" stays before the link is really revoked. */
export const UNDO_SECONDS = 5;

/** Makes a link (`create`), copies it and says so in `result`; a refusal `showAtField` places at its field is shown there. */
export type MakeAndCopy = (button: HTMLButtonElement, result: HTMLElement, create: () => Promise<CreatedLink>, showAtField?: (error: unknown) => boolean) => Promise<void>;

interface PendingRevoke {
  timer: ReturnType<typeof setTimeout>;
  send: (keepalive: boolean) => void;
}

/** Revokes waiting out their undo window, across re-renders and re-opened modals; sent at once if the page goes away. */
const pendingRevokes = new Map<string, PendingRevoke>();
/** The panel on show now: a revoke started in an earlier opening of the modal redraws it when it lands. */
let onShow: { revoked(linkId: string): void } | undefined;
addEventListener('pagehide', () => {
  for (const [linkId, pending] of pendingRevokes) {
    clearTimeout(pending.timer);
    pendingRevokes.delete(linkId);
    pending.send(true);
  }
});

export function linksPanel(directory: Directory, base: string) {
  const { me, membership } = directory;
  const store = linkStore(me.userId, membership.domainId);
  const mayRevoke = (link: InviteLink) => membership.isAdmin || link.createdBy === me.userId;

  const status = h('p', { class: 'visually-hidden', role: 'status', id: 'links-status' });
  const list = h('section', { class: 'links', 'aria-labelledby': 'active-links-title', id: 'active-links' });
  const onboardingBody = h('div', { class: 'onboarding-link' });
  const onboardingResult = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite' });
  const onboarding = h(
    'section',
    { class: 'onboarding', 'aria-labelledby': 'onboarding-title' },
    h('h3', { id: 'onboarding-title' }, 'Onboarding link'),
    h('p', { class: 'hint' }, `Adds people as Standard users in ${defaultTeamName(directory)}. One link is kept for this: copy it as often as you like.`),
    onboardingBody,
    onboardingResult,
  );

  let links: InviteLink[] = [];
  let more: HTMLElement | null = null;
  let loaded = false;
  /** The green "copied" box on show, and the link it is for: it goes when that link is revoked. */
  let shown: { linkId: string; result: HTMLElement; content: Node[] } | undefined;

  async function load() {
    await pagedList<InviteLink>(`${base}/invite-links`, (page) => {
      links = page.items;
      more = page.more;
      loaded = true;
      show();
    });
  }
  const refresh = () => load().catch((error: unknown) => render(list, errorNotice(error)));

  /** The standing onboarding link: the newest live one (the list is newest first). */
  const standing = () => links.find((l) => l.onboarding && !pendingRevokes.has(l.id));

  function show() {
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
    showOnboarding();
    render(
      list,
      h('h3', { id: 'active-links-title', tabindex: '-1' }, more ? `Active links (the newest ${links.length})` : `Active links (${links.length})`),
      links.length === 0 ? h('p', { class: 'muted' }, 'No active links.') : null,
      h('ul', { class: 'link-list' }, links.map(row)),
      more,
      status,
    );
    // A row drawn again keeps the focus it had (its buttons have stable ids).
    if (focusedId && !document.activeElement?.isConnected) document.getElementById(focusedId)?.focus();
  }

  function showOnboarding() {
    if (!loaded) return render(onboardingBody, h('p', { class: 'muted small' }, 'Looking for the onboarding link…'));
    const link = standing();
    const newButton = h('button', { type: 'button', class: 'button', id: 'new-onboarding-link' }, link ? 'New onboarding link' : 'Copy onboarding link');
    newButton.addEventListener('click', () => void makeAndCopy(newButton, onboardingResult, () => api<CreatedLink>('POST', `${base}/invite-links/onboarding`)));
    if (!link) return render(onboardingBody, h('p', { class: 'muted small' }, 'There is none yet: the button makes one.'), h('div', { class: 'actions start' }, newButton));
    const kept = store.get(link.id);
    const copied = h('div', { class: 'row-copy-result', role: 'status' });
    const copy = kept ? copyButton(link, kept.url, 'copy-onboarding-link', 'Copy onboarding link', copied) : null;
    render(
      onboardingBody,
      h('p', { class: 'small link-meta', id: 'onboarding-link-meta' }, `Made by ${link.createdByEmail} on ${formatDateTime(link.createdAt)} · ${usesText(link)} · expires ${formatDateTime(link.expiresAt)}`),
      kept ? null : h('p', { class: 'hint no-copy' }, noCopyReason(link)),
      h('div', { class: 'actions start' }, copy, newButton),
      copied,
    );
  }

  function row(link: InviteLink): HTMLElement {
    const pending = pendingRevokes.has(link.id);
    const describe = describeLink(link, directory);
    const name = link.label ?? describe;
    const badge = link.onboarding ? h('span', { class: 'badge' }, 'Onboarding') : null;
    const kept = store.get(link.id);
    const limits = [link.allowedEmailDomains.length ? `Only ${atDomains(link.allowedEmailDomains)} emails` : null, link.notifyCreator ? null : 'No signup emails'].filter((t) => t !== null);
    const details = h(
      'div',
      { class: 'link-details' },
      link.label ? h('p', { class: 'link-label' }, badge, link.label) : null,
      h('p', { class: link.label ? 'link-config muted small' : 'link-config' }, link.label ? null : badge, describe),
      h('p', { class: 'muted small link-meta' }, `Created by ${link.createdByEmail} on `, h('time', { datetime: link.createdAt }, formatDateTime(link.createdAt))),
      h('p', { class: 'muted small link-meta' }, h('span', { class: 'link-uses' }, usesText(link)), ' · expires ', h('time', { datetime: link.expiresAt }, formatDateTime(link.expiresAt))),
      limits.length ? h('p', { class: 'muted small link-limits' }, limits.join(' · ')) : null,
      kept || pending ? null : h('p', { class: 'hint no-copy' }, noCopyReason(link)),
    );
    if (pending) {
      const undo = h('button', { type: 'button', class: 'button small', id: `undo-${link.id}`, 'aria-label': `Undo revoking ${name}` }, 'Undo');
      undo.addEventListener('click', () => undoRevoke(link));
      return h(
        'li',
        { class: 'link-item revoking', 'data-link-id': link.id },
        details,
        h('div', { class: 'link-actions' }, h('span', { class: 'revoked-note' }, 'Revoked — '), undo),
      );
    }
    const revoke = mayRevoke(link)
      ? h('button', { type: 'button', class: 'button danger small', id: `revoke-${link.id}`, 'aria-haspopup': 'dialog', 'aria-label': `Revoke link: ${name}` }, 'Revoke')
      : null;
    revoke?.addEventListener('click', () => confirmRevoke(link));
    const result = h('div', { class: 'row-copy-result', role: 'status' });
    return h(
      'li',
      { class: 'link-item', 'data-link-id': link.id },
      details,
      h('div', { class: 'link-actions' }, kept ? copyButton(link, kept.url, `copy-${link.id}`, 'Copy', result) : null, revoke),
      result,
    );
  }

  /** Copies a kept URL again; where the clipboard refuses, the URL is shown selected to copy by hand. */
  function copyButton(link: InviteLink, url: string, id: string, text: string, result: HTMLElement): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button small copy-link', id, 'aria-label': text === 'Copy' ? `Copy: ${link.label ?? describeLink(link, directory)}` : undefined }, text);
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(url);
        button.textContent = 'Copied ✓';
        setTimeout(() => (button.textContent = text), 2_500);
        render(result);
        status.textContent = `Link copied. Anyone with it can join until ${formatDateTime(link.expiresAt)}.`;
      } catch {
        const box = h('input', { type: 'text', readonly: true, value: url, class: 'link-box', 'aria-label': 'Invite link', onfocus: () => box.select() });
        render(result, box);
        box.focus();
      }
    });
    return button;
  }

  function confirmRevoke(link: InviteLink) {
    const name = link.label ? `“${link.label}”` : 'this link';
    let started = false;
    const dialog = confirmDialog({
      id: 'confirm-revoke-link',
      title: `Revoke ${name}?`,
      body: [
        `${describeLink(link, directory)}. Made by ${link.createdByEmail}, ${usesText(link)}.`,
        `Nobody can join through it any more. You can undo this for ${UNDO_SECONDS} seconds.`,
      ],
      confirm: 'Revoke link',
      onConfirm: async () => {
        startRevoke(link);
        started = true;
      },
      onClose: () => {
        dialog.dialog.remove();
        if (started) document.getElementById(`undo-${link.id}`)?.focus();
      },
    });
    dialog.open();
  }

  function startRevoke(link: InviteLink) {
    const send = (keepalive: boolean) => void commitRevoke(link, keepalive);
    pendingRevokes.set(link.id, { timer: setTimeout(() => finishRevoke(link), UNDO_SECONDS * 1000), send });
    if (shown?.linkId === link.id) render(shown.result);
    show();
    status.textContent = `Link revoked. Undo within ${UNDO_SECONDS} seconds.`;
  }

  function undoRevoke(link: InviteLink) {
    const pending = pendingRevokes.get(link.id);
    if (!pending) return;
    clearTimeout(pending.timer);
    pendingRevokes.delete(link.id);
    if (shown?.linkId === link.id) render(shown.result, ...shown.content);
    show();
    document.getElementById(`revoke-${link.id}`)?.focus();
    status.textContent = 'Not revoked: the link still works.';
  }

  function finishRevoke(link: InviteLink) {
    if (!pendingRevokes.delete(link.id)) return;
    void commitRevoke(link, false);
  }

  async function commitRevoke(link: InviteLink, keepalive: boolean) {
    const hadFocus = list.contains(document.activeElement);
    try {
      await api('DELETE', `${base}/invite-links/${encodeURIComponent(link.id)}`, undefined, { keepalive });
    } catch (error) {
      // Gone already (revoked elsewhere, or expired) is what was wanted.
      if (!(error instanceof ApiError && (error.status === 404 || error.status === 410))) {
        if (!list.isConnected) return;
        show();
        list.querySelector(`[data-link-id="${CSS.escape(link.id)}"]`)?.append(errorNotice(error));
        return;
      }
    }
    store.forget(link.id);
    if (shown?.linkId === link.id) shown = undefined;
    if (!list.isConnected) return onShow?.revoked(link.id);
    const at = links.findIndex((l) => l.id === link.id);
    links = links.filter((l) => l.id !== link.id);
    show();
    status.textContent = 'Link revoked. It no longer works.';
    // Focus was on Undo, now gone: it goes to the next row's first button, or the list's heading.
    if (hadFocus && !list.contains(document.activeElement)) {
      const next = links[at] ?? links[at - 1];
      const target = next ? list.querySelector<HTMLElement>(`[data-link-id="${CSS.escape(next.id)}"] button`) : null;
      (target ?? list.querySelector<HTMLElement>('#active-links-title'))?.focus();
    }
  }

  const makeAndCopy: MakeAndCopy = async (button, result, create, showAtField = () => false) => {
    // The button stays enabled (aria-disabled while busy): disabling it would drop the focus to the page.
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    render(result, h('p', {}, 'Making the link…'));
    try {
      const link = await create();
      store.keep(link.id, link);
      let copied = true;
      try {
        await navigator.clipboard.writeText(link.url);
      } catch {
        copied = false;
      }
      const box = h('input', { type: 'text', readonly: true, value: link.url, class: 'link-box', 'aria-label': 'Invite link', onfocus: () => box.select() });
      const who = link.allowedEmailDomains.length ? `Anyone with an ${atDomains(link.allowedEmailDomains)} email who has it` : 'Anyone with it';
      const limit = link.maxUses === undefined ? '' : ` (${plural(link.maxUses, 'person', 'people')} at most)`;
      const notice = h(
        'div',
        { class: copied ? 'notice success' : 'notice', 'data-link-id': link.id },
        h('p', { class: 'copied' }, copied ? '✓ Link copied to the clipboard.' : 'Copy the link below (it is selected).'),
        h('p', {}, `${who} can join until ${formatDateTime(link.expiresAt)}${limit}. Share it only with the people you mean to invite.`),
        box,
      );
      if (shown && shown.result !== result) render(shown.result);
      render(result, notice);
      shown = { linkId: link.id, result, content: [notice] };
      if (copied) {
        const label = button.textContent;
        button.textContent = 'Copied ✓';
        setTimeout(() => (button.textContent = label), 2_500);
        result.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      } else box.focus();
      await refresh();
    } catch (error) {
      if (showAtField(error)) render(result);
      else render(result, errorNotice(error));
    } finally {
      button.removeAttribute('aria-disabled');
    }
  };

  showOnboarding();
  render(list, h('h3', { id: 'active-links-title', tabindex: '-1' }, 'Active links'), h('p', { class: 'muted' }, 'Loading the active links…'));
  onShow = {
    revoked(linkId) {
      if (!list.isConnected) return;
      links = links.filter((l) => l.id !== linkId);
      show();
    },
  };
  return { onboarding, list, load: refresh, makeAndCopy };

  function noCopyReason(link: InviteLink): string {
    return link.createdBy === me.userId
      ? 'No Copy: this link was made in another browser, and a link can be copied only where it was made. Make a new one to share it from here.'
      : `No Copy: only ${link.createdByEmail}, who made it, has the link itself.`;
  }
}

const defaultTeamName = ({ teams }: Directory) => {
  const team = teams.find((t) => t.isDefault);
  return team ? `the ${team.name} team` : 'the default team';
};

/** "used 2 times", or for a link with a limit "used 1 of 3 · 2 left". */
export function usesText(link: InviteLink): string {
  if (link.maxUses === undefined) return `used ${plural(link.useCount, 'time')}`;
  const left = link.remainingUses ?? Math.max(0, link.maxUses - link.useCount);
  return `used ${link.useCount} of ${link.maxUses} · ${left} left`;
}

/** "Standard · Producers (primary team) · + Marketing · role groups: Contributors", in names, not ids. */
export function describeLink(link: InviteLink, { teams, roleGroups, groups }: Directory): string {
  const name = (items: { id: string; name: string }[], id: string) => items.find((i) => i.id === id)?.name ?? id;
  const parts = [USER_TYPE_LABEL[link.userType]];
  if (link.primaryTeamId) parts.push(`${name(teams, link.primaryTeamId)} (primary team)`);
  if (link.primaryGroupId) parts.push(`${name(groups, link.primaryGroupId)} (primary legacy group)`);
  if (link.additionalTeamIds.length) parts.push(`+ ${link.additionalTeamIds.map((id) => name(teams, id)).join(', ')}`);
  if (link.roleGroupIds.length) parts.push(`role groups: ${link.roleGroupIds.map((id) => name(roleGroups, id)).join(', ')}`);
  if (link.groupIds.length) parts.push(`legacy groups: ${link.groupIds.map((id) => name(groups, id)).join(', ')}`);
  return parts.join(' · ');
}

export function errorNotice(error: unknown): HTMLElement {
  const text: Child =
    error instanceof ApiError
      ? error.code === 'LINKS_DISABLED'
        ? 'Invite links are turned off for this domain. An admin can turn them on in Login Settings.'
        : `${error.title}. ${error.detail}`
      : 'Something went wrong. Try again.';
  return h('div', { class: 'notice error', role: 'alert' }, h('p', {}, text));
}

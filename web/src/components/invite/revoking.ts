/**
 * Revoking a link, with a few seconds to undo: Revoke asks first, then the row says "Revoked — Undo"
 * until UNDO_SECONDS are over, and only then is the DELETE sent (at once, with keepalive, if the
 * page is left meanwhile). A revoke outlives the modal it was started in: closed and opened again,
 * the modal's new panel drops the link when the revoke lands.
 */
import { api, ApiError } from '../../lib/api.ts';
import { confirmDialog } from '../../lib/dialog.ts';
import type { LinkStore } from '../../lib/link-store.ts';
import type { Directory, InviteLink } from '../../lib/model.ts';
import type { CopiedBox } from './copying.ts';
import { errorNotice } from './error-notice.ts';
import { describeLink, usesText } from './link-words.ts';

/** How long "Revoked — Undo" stays before the link is really revoked. */
export const UNDO_SECONDS = 5;

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

/** Whether this link is waiting out its undo window: its row offers Undo, and it is no longer the standing onboarding link. */
export const isRevoking = (linkId: string) => pendingRevokes.has(linkId);

/** The links panel, as revoking sees it. */
export interface RevokingPanel {
  /** The active links: where the focus was, and where a refusal is shown in the link's row. */
  list: HTMLElement;
  store: LinkStore;
  copied: CopiedBox;
  /** Draws the links again, the rows waiting to be revoked with their Undo. */
  show(): void;
  /** Says it in the panel's status line. */
  announce(text: string): void;
  /** Takes a revoked link off the list and draws it again; returns the link now in its place (or before it, if it was last). */
  drop(linkId: string): InviteLink | undefined;
}

export function linkRevoking(directory: Directory, base: string, panel: RevokingPanel) {
  const { list, store, copied, announce } = panel;

  function confirm(link: InviteLink) {
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
        start(link);
        started = true;
      },
      onClose: () => {
        dialog.dialog.remove();
        if (started) document.getElementById(`undo-${link.id}`)?.focus();
      },
    });
    dialog.open();
  }

  function start(link: InviteLink) {
    const send = (keepalive: boolean) => void commit(link, keepalive);
    pendingRevokes.set(link.id, { timer: setTimeout(() => finish(link), UNDO_SECONDS * 1000), send });
    copied.hide(link.id);
    panel.show();
    announce(`Link revoked. Undo within ${UNDO_SECONDS} seconds.`);
  }

  function undo(link: InviteLink) {
    const pending = pendingRevokes.get(link.id);
    if (!pending) return;
    clearTimeout(pending.timer);
    pendingRevokes.delete(link.id);
    copied.restore(link.id);
    panel.show();
    document.getElementById(`revoke-${link.id}`)?.focus();
    announce('Not revoked: the link still works.');
  }

  function finish(link: InviteLink) {
    if (!pendingRevokes.delete(link.id)) return;
    void commit(link, false);
  }

  async function commit(link: InviteLink, keepalive: boolean) {
    const hadFocus = list.contains(document.activeElement);
    try {
      await api('DELETE', `${base}/invite-links/${encodeURIComponent(link.id)}`, undefined, { keepalive });
    } catch (error) {
      // Gone already (revoked elsewhere, or expired) is what was wanted.
      if (!(error instanceof ApiError && (error.status === 404 || error.status === 410))) {
        if (!list.isConnected) return;
        panel.show();
        list.querySelector(`[data-link-id="${CSS.escape(link.id)}"]`)?.append(errorNotice(error));
        return;
      }
    }
    store.forget(link.id);
    copied.forget(link.id);
    if (!list.isConnected) return onShow?.revoked(link.id);
    const next = panel.drop(link.id);
    announce('Link revoked. It no longer works.');
    // Focus was on Undo, now gone: it goes to the next row's first button, or the list's heading.
    if (hadFocus && !list.contains(document.activeElement)) {
      const target = next ? list.querySelector<HTMLElement>(`[data-link-id="${CSS.escape(next.id)}"] button`) : null;
      (target ?? list.querySelector<HTMLElement>('#active-links-title'))?.focus();
    }
  }

  onShow = {
    // Also while the other tab is on show (the list is out of the page then): it comes back without the link.
    revoked(linkId) {
      panel.drop(linkId);
    },
  };
  return { confirm, undo };
}

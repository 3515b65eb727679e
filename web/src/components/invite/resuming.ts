/**
 * Resume on a paused link (one that paused itself when too many joined at once, or that someone
 * paused), for its creator and admins: the link works again at once, and its row says so.
 */
import { api, ApiError } from '../../lib/api.ts';
import type { InviteLink } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';

/** The links panel, as resuming sees it. */
export interface ResumingPanel {
  list: HTMLElement;
  /** The link is no longer paused: its row is drawn again without the mark. */
  resumed(linkId: string): void;
  /** The link is gone (revoked, expired meanwhile): the list is asked for again. */
  refresh(): void;
  announce(text: string): void;
}

export function linkResuming(base: string, panel: ResumingPanel) {
  /** `focusAfter`: where the focus goes when it was on Resume, which is gone once the link works. */
  return async function resume(link: InviteLink, button: HTMLButtonElement, name: string, focusAfter: () => HTMLElement | null | undefined) {
    // aria-disabled while busy, not disabled: that would drop the focus to the page.
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      await api<unknown>('POST', `${base}/invite-links/${encodeURIComponent(link.id)}/resume`);
    } catch (error) {
      button.removeAttribute('aria-disabled');
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
        panel.announce(`${name} no longer works, so there is nothing to resume.`);
        return panel.refresh();
      }
      panel.list.querySelector(`[data-link-id="${CSS.escape(link.id)}"]`)?.append(errorNotice(error));
      return;
    }
    const hadFocus = document.activeElement === button;
    panel.resumed(link.id);
    panel.announce(`Resumed: ${name} lets people join again.`);
    if (hadFocus) focusAfter()?.focus();
  };
}

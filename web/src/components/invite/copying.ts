/**
 * Making a link and handing it over: the new link goes to the clipboard (or, by Share, to the
 * system share sheet), and a green box says who can join through it until when (where the clipboard
 * refuses, the box holds the link, selected, to copy by hand). The API gives a link's URL only in
 * the answer that created it and, for its creator or an admin, when revealed (revealing.ts); this
 * page keeps what it had in memory (lib/link-store.ts), so Copy on a listed link asks once.
 */
import { h, render } from '../../lib/dom.ts';
import type { LinkStore } from '../../lib/link-store.ts';
import { atDomains, formatDateTime, plural, type CreatedLink, type Directory, type InviteLink } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { qrCode, qrFileName } from './qr-code.ts';
import { describeLink } from './link-words.ts';

/** A link `obtain` gave: one it just made, or (`again`) the one it made before, handed over again. */
export interface Obtained {
  link: CreatedLink;
  again: boolean;
}
/** How the link is handed over; a refusal `showAtField` places at its field is shown there. */
export interface Handing {
  share?: boolean;
  showAtField?: (error: unknown) => boolean;
}
/** Makes a link (`obtain`), copies or shares it and says so in `result`. */
export type MakeAndCopy = (button: HTMLButtonElement, result: HTMLElement, obtain: () => Promise<CreatedLink | Obtained>, handing?: Handing) => Promise<void>;

/** Whether this browser has a system share sheet to offer. */
export const canShare = () => typeof navigator.share === 'function';

/** The green "copied" box on show: it goes while its link is being revoked, comes back on Undo, and is forgotten once the link is revoked. */
export interface CopiedBox {
  hide(linkId: string): void;
  restore(linkId: string): void;
  forget(linkId: string): void;
}

/** `announce` speaks in the panel's status line; `refresh` lists the links again once a new one is made. */
export function linkCopying(directory: Directory, store: LinkStore, announce: (text: string) => void, refresh: () => Promise<unknown>) {
  /** The box on show, and the link it is for. */
  let shown: { linkId: string; result: HTMLElement; content: Node[] } | undefined;

  const makeAndCopy: MakeAndCopy = async (button, result, obtain, { share = false, showAtField = () => false } = {}) => {
    // The button stays enabled (aria-disabled while busy): disabling it would drop the focus to the page.
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    render(result, h('p', {}, 'Making the link…'));
    try {
      const got = await obtain();
      const { link, again } = 'url' in got ? { link: got, again: false } : got;
      store.keep(link.id, link);
      const handed = share ? await shareLink(link.url) : await copyLink(link.url);
      const done = handed === 'copied' || handed === 'shared';
      const box = h('input', { type: 'text', readonly: true, value: link.url, class: 'link-box', 'aria-label': 'Invite link', onfocus: () => box.select() });
      const who = link.allowedEmailDomains.length ? `Anyone with an ${atDomains(link.allowedEmailDomains)} email who has it` : 'Anyone with it';
      const limit = link.maxUses === undefined ? '' : ` (${plural(link.maxUses, 'person', 'people')} at most)`;
      const notice = h(
        'div',
        { class: done ? 'notice success' : 'notice', 'data-link-id': link.id },
        h('p', { class: 'copied' }, HANDED[handed]),
        again ? h('p', { class: 'same-link' }, 'The same link as before: its settings did not change. Change any setting to make a new one.') : null,
        h('p', {}, `${who} can join until ${formatDateTime(link.expiresAt)}${limit}. Share it only with the people you mean to invite.`),
        box,
        qrCode(link.url, qrFileName(link)),
      );
      if (shown && shown.result !== result) render(shown.result);
      render(result, notice);
      shown = { linkId: link.id, result, content: [notice] };
      if (done) {
        const label = button.textContent;
        button.textContent = handed === 'shared' ? 'Shared ✓' : 'Copied ✓';
        setTimeout(() => (button.textContent = label), 2_500);
        result.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      } else box.focus();
      // A link handed over again is on the list already (obtain asked).
      if (!again) await refresh();
    } catch (error) {
      if (showAtField(error)) render(result);
      else render(result, errorNotice(error));
    } finally {
      button.removeAttribute('aria-disabled');
    }
  };

  /** Copies a link's URL, given or asked for when pressed (a reveal: revealing.ts); where the clipboard refuses, the URL is shown selected to copy by hand. */
  function copyButton(link: InviteLink, url: string | (() => Promise<string>), id: string, text: string, result: HTMLElement): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button small copy-link', id, 'aria-label': text === 'Copy' ? `Copy: ${link.label ?? describeLink(link, directory)}` : undefined }, text);
    button.addEventListener('click', async () => {
      // Busy while the address is asked for: aria-disabled, so the focus stays on the button.
      if (button.getAttribute('aria-disabled') === 'true') return;
      let address: string;
      try {
        button.setAttribute('aria-disabled', 'true');
        address = typeof url === 'string' ? url : await url();
      } catch (error) {
        render(result, errorNotice(error));
        return;
      } finally {
        button.removeAttribute('aria-disabled');
      }
      try {
        await navigator.clipboard.writeText(address);
        // The name says what the button shows, for a moment: "Copied ✓: <link>".
        const name = button.getAttribute('aria-label');
        button.textContent = 'Copied ✓';
        if (name) button.setAttribute('aria-label', name.replace(/^Copy/, 'Copied ✓'));
        setTimeout(() => {
          button.textContent = text;
          if (name) button.setAttribute('aria-label', name);
        }, 2_500);
        render(result);
        announce(`Link copied. Anyone with it can join until ${formatDateTime(link.expiresAt)}.`);
      } catch {
        const box = h('input', { type: 'text', readonly: true, value: address, class: 'link-box', 'aria-label': 'Invite link', onfocus: () => box.select() });
        render(result, box);
        box.focus();
      }
    });
    return button;
  }

  const copied: CopiedBox = {
    hide(linkId) {
      if (shown?.linkId === linkId) render(shown.result);
    },
    restore(linkId) {
      if (shown?.linkId === linkId) render(shown.result, ...shown.content);
    },
    forget(linkId) {
      if (shown?.linkId === linkId) shown = undefined;
    },
  };

  /** To the system share sheet; a person who closes the sheet has the link in the box instead. */
  async function shareLink(url: string): Promise<Handed> {
    try {
      await navigator.share({ title: `Join ${directory.membership.domainName}`, url });
      return 'shared';
    } catch (error) {
      return error instanceof DOMException && error.name === 'AbortError' ? 'not-shared' : 'not-handed';
    }
  }

  return { makeAndCopy, copyButton, copied };
}

type Handed = 'copied' | 'shared' | 'not-shared' | 'not-handed';
const HANDED: Record<Handed, string> = {
  copied: '✓ Link copied to the clipboard.',
  shared: '✓ Link shared.',
  'not-shared': 'Not shared. The link is below (selected) to copy instead.',
  'not-handed': 'Copy the link below (it is selected).',
};

async function copyLink(url: string): Promise<Handed> {
  try {
    await navigator.clipboard.writeText(url);
    return 'copied';
  } catch {
    return 'not-handed';
  }
}

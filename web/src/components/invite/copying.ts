/**
 * Making a link and copying it: the new link goes to the clipboard, and a green box says who can
 * join through it until when (where the clipboard refuses, the box holds the link, selected, to copy
 * by hand). The API gives a link's URL only in the answer that created it, so this browser keeps it
 * (lib/link-store.ts) and Copy on a listed link works from there.
 */
import { h, render } from '../../lib/dom.ts';
import type { LinkStore } from '../../lib/link-store.ts';
import { atDomains, formatDateTime, plural, type CreatedLink, type Directory, type InviteLink } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { describeLink } from './link-words.ts';

/** Makes a link (`create`), copies it and says so in `result`; a refusal `showAtField` places at its field is shown there. */
export type MakeAndCopy = (button: HTMLButtonElement, result: HTMLElement, create: () => Promise<CreatedLink>, showAtField?: (error: unknown) => boolean) => Promise<void>;

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

  /** Copies a kept URL again; where the clipboard refuses, the URL is shown selected to copy by hand. */
  function copyButton(link: InviteLink, url: string, id: string, text: string, result: HTMLElement): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button small copy-link', id, 'aria-label': text === 'Copy' ? `Copy: ${link.label ?? describeLink(link, directory)}` : undefined }, text);
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(url);
        button.textContent = 'Copied ✓';
        setTimeout(() => (button.textContent = text), 2_500);
        render(result);
        announce(`Link copied. Anyone with it can join until ${formatDateTime(link.expiresAt)}.`);
      } catch {
        const box = h('input', { type: 'text', readonly: true, value: url, class: 'link-box', 'aria-label': 'Invite link', onfocus: () => box.select() });
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

  return { makeAndCopy, copyButton, copied };
}

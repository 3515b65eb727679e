/**
 * Re-issue on a link, for its creator and admins: a new link with the same settings and a fresh
 * lifetime, made and copied in one press; "Revoke this link now" (on unless unticked) ends the old
 * one in the same request, so a link that was shared too far is replaced without a gap.
 */
import { api } from '../../lib/api.ts';
import { confirmDialog } from '../../lib/dialog.ts';
import { h } from '../../lib/dom.ts';
import type { CreatedLink, Directory, InviteLink } from '../../lib/model.ts';
import type { MakeAndCopy } from './copying.ts';
import { describeLink } from './link-words.ts';

/** `result`: where the new link's "copied" box goes (it stays while the list is drawn again). */
export function linkReissuing(directory: Directory, base: string, makeAndCopy: MakeAndCopy, result: HTMLElement) {
  return function confirm(link: Pick<InviteLink, 'id' | 'label'> & Parameters<typeof describeLink>[0], button: HTMLButtonElement, options: { ended?: boolean } = {}) {
    const revokeOld = h('input', { type: 'checkbox', id: 'reissue-revoke-old', checked: !options.ended });
    const dialog = confirmDialog({
      id: 'confirm-reissue-link',
      title: `Re-issue ${link.label ? `“${link.label}”` : 'this link'}?`,
      body: [
        `A new link with the same settings (${describeLink(link, directory)}), working for as long as this one was made to, from now. It is copied as soon as it is made.`,
        // An ended link has nothing left to revoke.
        options.ended ? null : h('label', { class: 'check', for: 'reissue-revoke-old' }, revokeOld, ' Revoke this link now: nobody can join through it once the new one is made'),
      ],
      confirm: 'Re-issue and copy',
      tone: 'primary',
      onConfirm: () =>
        makeAndCopy(button, result, () => api<CreatedLink>('POST', `${base}/invite-links/${encodeURIComponent(link.id)}/reissue`, { revokeOld: revokeOld.checked })),
      onClose: () => {
        dialog.dialog.remove();
        result.scrollIntoView({ block: 'nearest' });
      },
    });
    dialog.open();
  };
}

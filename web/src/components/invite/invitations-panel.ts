/**
 * The invite modal's pending invitations, a page at a time like the active links: each with its
 * address, what it grants, who sent it and when, until when it works and how often it was sent,
 * and, for its sender or an admin, Resend (a new link; the earlier email's stops working) and
 * Revoke (confirmed). Admins also revoke every pending invitation at once; links stay as they are.
 */
import { api, ApiError } from '../../lib/api.ts';
import { confirmDialog } from '../../lib/dialog.ts';
import { h, render } from '../../lib/dom.ts';
import { pagedList } from '../../lib/paging.ts';
import { formatDateTime, plural, type Directory, type Invitation } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { refusalWords } from './invitation-words.ts';
import { describeLink } from './link-words.ts';

/** The one line above the list when some rows have no buttons: why, once. */
export const MANAGE_RULE = 'Only the person who sent an invitation, or an admin, can resend or revoke it.';

export function invitationsPanel(directory: Directory, base: string) {
  const { me, membership } = directory;
  const path = `${base}/invitations`;
  const mayManage = (invitation: Invitation) => membership.isAdmin || invitation.createdBy === me.userId;

  const status = h('p', { class: 'visually-hidden', role: 'status', id: 'invitations-status' });
  const list = h('section', { class: 'links invitations', 'aria-labelledby': 'pending-invitations-title', id: 'pending-invitations' });
  let invitations: Invitation[] = [];
  let more: HTMLElement | null = null;
  /** What a row said after its last press (sent again, or refused), kept across redraws. */
  const rowNotes = new Map<string, HTMLElement>();
  const announce = (text: string) => {
    status.textContent = text;
  };

  async function load() {
    await pagedList<Invitation>(path, (page) => {
      invitations = page.items;
      more = page.more;
      show();
    });
  }
  const refresh = () => load().catch((error: unknown) => render(list, heading(), errorNotice(error)));

  const heading = (text = 'Pending invitations') => h('h3', { id: 'pending-invitations-title', tabindex: '-1' }, text);

  function show() {
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
    const revokeAll = membership.isAdmin && invitations.length > 0 ? h('button', { type: 'button', class: 'button danger small', id: 'revoke-all-invitations', 'aria-haspopup': 'dialog' }, 'Revoke all pending invitations') : null;
    revokeAll?.addEventListener('click', confirmRevokeAll);
    render(
      list,
      heading(more ? `Pending invitations (the newest ${invitations.length})` : `Pending invitations (${invitations.length})`),
      invitations.length === 0 ? h('p', { class: 'muted' }, 'No pending invitations.') : null,
      invitations.some((i) => !mayManage(i)) ? h('p', { class: 'hint', id: 'manage-rule' }, MANAGE_RULE) : null,
      h('ul', { class: 'link-list invitation-list' }, invitations.map(row)),
      more,
      revokeAll ? h('div', { class: 'actions start' }, revokeAll) : null,
      status,
    );
    // A row drawn again keeps the focus it had (its buttons have stable ids).
    if (focusedId && !document.activeElement?.isConnected) document.getElementById(focusedId)?.focus();
  }

  function row(invitation: Invitation): HTMLElement {
    const id = invitation.invitationId;
    const sentTimes = invitation.sendCount > 1 ? `sent ${plural(invitation.sendCount, 'time')}, last on ${formatDateTime(invitation.lastSentAt)}` : 'sent once';
    const details = h(
      'div',
      { class: 'link-details' },
      h('p', { class: 'link-label invitation-email' }, invitation.email),
      h('p', { class: 'link-config muted small' }, describeLink(invitation, directory)),
      h('p', { class: 'muted small link-meta' }, `Invited by ${invitation.createdByEmail} on `, h('time', { datetime: invitation.createdAt }, formatDateTime(invitation.createdAt))),
      h('p', { class: 'muted small link-meta' }, `${sentTimes} · expires `, h('time', { datetime: invitation.expiresAt }, formatDateTime(invitation.expiresAt))),
    );
    const note = rowNotes.get(id) ?? h('div', { class: 'row-copy-result', role: 'status' });
    rowNotes.set(id, note);
    if (!mayManage(invitation)) return h('li', { class: 'link-item', 'data-invitation-id': id }, details, note);
    const resend = h('button', { type: 'button', class: 'button small', id: `resend-${id}`, 'aria-label': `Resend the invitation to ${invitation.email}` }, 'Resend');
    resend.addEventListener('click', () => void resendOne(invitation, resend, note));
    const revoke = h('button', { type: 'button', class: 'button danger small', id: `revoke-invitation-${id}`, 'aria-haspopup': 'dialog', 'aria-label': `Revoke the invitation to ${invitation.email}` }, 'Revoke');
    revoke.addEventListener('click', () => confirmRevoke(invitation));
    return h('li', { class: 'link-item', 'data-invitation-id': id }, details, h('div', { class: 'link-actions' }, resend, revoke), note);
  }

  /** A new link by email; the earlier email's link stops working at once. */
  async function resendOne(invitation: Invitation, button: HTMLButtonElement, note: HTMLElement) {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      const fresh = await api<Invitation>('POST', `${path}/${encodeURIComponent(invitation.invitationId)}/resend`);
      invitations = invitations.map((i) => (i.invitationId === fresh.invitationId ? fresh : i));
      const said = `Sent again to ${invitation.email}. The link in the earlier email no longer works.`;
      render(note, h('p', { class: 'notice success' }, `✓ ${said}`));
      show();
      announce(said);
    } catch (error) {
      render(note, error instanceof ApiError && error.status === 429 && error.code !== 'RATE_LIMITED' ? h('div', { class: 'notice error', role: 'alert' }, h('p', {}, refusalWords(error.code, membership.domainName))) : errorNotice(error));
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }

  function confirmRevoke(invitation: Invitation) {
    let next: Invitation | undefined;
    const dialog = confirmDialog({
      id: 'confirm-revoke-invitation',
      title: `Revoke the invitation to ${invitation.email}?`,
      body: [
        `${describeLink(invitation, directory)}. Sent by ${invitation.createdByEmail}.`,
        `The link in the email stops working at once. You can invite ${invitation.email} again afterwards.`,
      ],
      confirm: 'Revoke invitation',
      onConfirm: async () => {
        try {
          await api('DELETE', `${path}/${encodeURIComponent(invitation.invitationId)}`);
        } catch (error) {
          // Gone already (revoked elsewhere, accepted, or expired): it is no longer pending either way.
          if (!(error instanceof ApiError && (error.status === 404 || error.status === 410))) throw error;
        }
        next = drop(invitation.invitationId);
        announce(`Invitation to ${invitation.email} revoked. Its link no longer works.`);
      },
      failureMessage: (error) => (error instanceof ApiError ? `${error.title}. ${error.detail}` : 'Something went wrong. Try again.'),
      onClose: () => {
        dialog.dialog.remove();
        // Its row is gone: the focus goes to the next row's first button, or the list's heading.
        if (list.contains(document.activeElement)) return;
        const target = next ? list.querySelector<HTMLElement>(`[data-invitation-id="${CSS.escape(next.invitationId)}"] button`) : null;
        (target ?? list.querySelector<HTMLElement>('#pending-invitations-title'))?.focus();
      },
    });
    dialog.open();
  }

  function confirmRevokeAll() {
    const count = more ? 'Every pending invitation' : plural(invitations.length, 'pending invitation');
    const dialog = confirmDialog({
      id: 'confirm-revoke-all-invitations',
      title: `Revoke all pending invitations to ${membership.domainName}?`,
      body: [`${count} of ${membership.domainName}, whoever sent ${invitations.length === 1 && !more ? 'it' : 'them'}, stop${invitations.length === 1 && !more ? 's' : ''} working at once.`, 'Invite links are not affected. You can invite the same people again afterwards.'],
      confirm: 'Revoke all invitations',
      onConfirm: async () => {
        const { revoked } = await api<{ revoked: number }>('POST', `${path}/revoke-all`);
        rowNotes.clear();
        await refresh();
        announce(`${plural(revoked, 'invitation')} revoked.`);
      },
      failureMessage: (error) => (error instanceof ApiError ? `${error.title}. ${error.detail}` : 'Something went wrong. Try again.'),
      onClose: () => {
        dialog.dialog.remove();
        if (!list.contains(document.activeElement)) list.querySelector<HTMLElement>('#pending-invitations-title')?.focus();
      },
    });
    dialog.open();
  }

  /** Takes a revoked invitation off the list; returns the one now in its place (or before it, if it was last). */
  function drop(invitationId: string): Invitation | undefined {
    const at = invitations.findIndex((i) => i.invitationId === invitationId);
    invitations = invitations.filter((i) => i.invitationId !== invitationId);
    rowNotes.delete(invitationId);
    show();
    return invitations[at] ?? invitations[at - 1];
  }

  render(list, heading(), h('p', { class: 'muted' }, 'Loading the pending invitations…'));
  return { list, load: refresh };
}

/**
 * A link's detail view, from Details on its row: what it grants, who made it and when, when it
 * ends, its uses, its rules, its funnel (link-stats.ts), and its QR code. The code holds the
 * link's address, so it is drawn only when asked for, by its creator or an admin, through the
 * same reveal as Copy (revealing.ts: each reveal is in the activity); others are told why not.
 */
import { modalDialog } from '../../lib/dialog.ts';
import { h, render } from '../../lib/dom.ts';
import { atDomains, endsIn, formatDateTime, plural, type Directory, type InviteLink } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { linkFunnel } from './link-stats.ts';
import { describeLink, pauseAfterText, usesText } from './link-words.ts';
import { qrCode, qrFileName } from './qr-code.ts';
import { COPY_RULE, mayReveal } from './revealing.ts';

/** `addressOf`: the panel's reveal (revealing.ts), so an address this page has is not asked for again. */
export function linkDetail(directory: Directory, addressOf: (link: InviteLink) => Promise<string>) {
  /** Opens the view of `link`; closed, the focus goes back to `button` (or the button drawn in its place). */
  return function open(link: InviteLink, button: HTMLButtonElement) {
    const describe = describeLink(link, directory);
    const modal = modalDialog(
      {
        id: 'link-detail',
        labelledBy: 'link-detail-title',
        className: 'modal link-detail',
        onClose: () => {
          modal.dialog.remove();
          // The list may have been drawn again meanwhile: its Details button has the same id.
          if (!button.isConnected) document.getElementById(button.id)?.focus();
        },
      },
      h(
        'div',
        { class: 'modal-head' },
        h('h2', { id: 'link-detail-title' }, link.label ?? describe),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => modal.close() }, '×'),
      ),
      h(
        'div',
        { class: 'modal-body' },
        facts('link-detail-facts', 'About this link', [
          ['Grants', describe],
          ['Made by', [`${link.createdByEmail} on `, h('time', { datetime: link.createdAt }, formatDateTime(link.createdAt))]],
          ['Ends', [`${endsIn(link.expiresAt)}, `, h('time', { datetime: link.expiresAt }, formatDateTime(link.expiresAt))]],
          ['Uses', usesText(link)],
          link.pausedAt ? ['Paused', [h('time', { datetime: link.pausedAt }, formatDateTime(link.pausedAt)), ' · nobody can join until it is resumed']] : null,
        ]),
        facts('link-detail-rules', 'Rules', [
          ['Email addresses', link.allowedEmailDomains.length ? `Only ${atDomains(link.allowedEmailDomains)} emails` : 'Any'],
          ['Signup emails', link.notifyCreator ? `${link.createdByEmail} is emailed for each join` : 'None'],
          ['Approval', link.requireApproval ? 'Needed: people ask to join, the creator or an admin approves them' : 'Not needed: people join at once'],
          ['Guard', pauseAfterText(link) ?? 'None'],
          link.membershipDays ? ['Membership', `Ends ${plural(link.membershipDays, 'day')} after joining`] : null,
        ]),
        h('section', { class: 'link-detail-funnel', 'aria-labelledby': 'link-detail-funnel-title' }, h('h3', { id: 'link-detail-funnel-title' }, 'Who saw it and who came'), linkFunnel(link, 'detail-funnel')),
        qrSection(),
      ),
    );

    function qrSection(): HTMLElement {
      const section = h('section', { class: 'link-detail-qr', 'aria-labelledby': 'link-detail-qr-title' }, h('h3', { id: 'link-detail-qr-title' }, 'Scan with a phone'));
      if (!mayReveal(directory, link)) {
        section.append(h('p', { class: 'hint', id: 'link-detail-qr-rule' }, `${COPY_RULE} The QR code holds the link, so only they can show it.`));
        return section;
      }
      const result = h('div', { class: 'link-detail-qr-result' });
      const show = h('button', { type: 'button', class: 'button small', id: 'link-detail-show-qr', 'aria-describedby': 'link-detail-qr-hint' }, 'Show QR code');
      const hint = h('p', { class: 'hint', id: 'link-detail-qr-hint' }, 'Showing it reveals the link’s address, as Copy does; the activity records it.');
      const actions = h('div', { class: 'actions start' }, show);
      show.addEventListener('click', async () => {
        // Busy while the address is asked for: aria-disabled, so the focus stays on the button.
        if (show.getAttribute('aria-disabled') === 'true') return;
        show.setAttribute('aria-disabled', 'true');
        render(result);
        try {
          const url = await addressOf(link);
          const code = qrCode(url, qrFileName(link), { open: true });
          hint.remove();
          actions.replaceWith(code);
          code.querySelector('summary')?.focus();
        } catch (error) {
          render(result, errorNotice(error));
        } finally {
          show.removeAttribute('aria-disabled');
        }
      });
      section.append(hint, actions, result);
      return section;
    }

    modal.open();
  };
}

type Fact = [string, string | (Node | string)[]];

/** A titled list of what a link is: one term and its value a line. */
function facts(id: string, title: string, rows: (Fact | null)[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    h('dl', { class: 'link-facts', id }, rows.filter((r) => r !== null).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))),
  );
}

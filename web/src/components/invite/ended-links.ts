/**
 * "Recently ended": the links that ended within 30 days (expired, used up, revoked, or ended by a
 * delete-all or the switch), each saying why and when, with its uses and stats, and Re-issue for
 * its creator and admins: a new link with the same settings, copied at once (reissuing.ts).
 */
import { h, render } from '../../lib/dom.ts';
import { pagedList } from '../../lib/paging.ts';
import { formatDateTime, type Directory, type EndedLink } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { describeLink, usesText } from './link-words.ts';

const BECAUSE: Record<EndedLink['endedBecause'], string> = {
  expired: 'Expired',
  'used-up': 'Used up',
  revoked: 'Revoked',
  'all-deleted': 'Deleted with all links',
  'creator-links-revoked': 'Revoked with all its creator’s links',
  'turned-off': 'Ended when links were turned off',
};

export type Reissue = (link: EndedLink, button: HTMLButtonElement, options: { ended: true }) => void;

export function endedLinks(directory: Directory, base: string, reissue: Reissue) {
  const { me, membership } = directory;
  const mayReissue = (link: EndedLink) => membership.isAdmin || link.createdBy === me.userId;
  const section = h('section', { class: 'links ended-links', 'aria-labelledby': 'ended-links-title', id: 'ended-links' });
  let links: EndedLink[] = [];

  function row(link: EndedLink): HTMLElement {
    const name = link.label ?? describeLink(link, directory);
    const button = mayReissue(link) ? h('button', { type: 'button', class: 'button small', id: `reissue-ended-${link.id}`, 'aria-haspopup': 'dialog', 'aria-label': `Re-issue ended link: ${name}` }, 'Re-issue') : null;
    button?.addEventListener('click', () => reissue(link, button, { ended: true }));
    return h(
      'li',
      { class: 'link-item', 'data-link-id': link.id },
      h(
        'div',
        { class: 'link-details' },
        link.label ? h('p', { class: 'link-label' }, link.label) : null,
        h('p', { class: link.label ? 'link-config muted small' : 'link-config' }, describeLink(link, directory)),
        h(
          'p',
          { class: 'muted small link-meta ended-because' },
          BECAUSE[link.endedBecause],
          link.endedAt ? [' ', h('time', { datetime: link.endedAt }, formatDateTime(link.endedAt))] : null,
          ` · ${usesText(link)} · made by ${link.createdByEmail}`,
        ),
      ),
      h('div', { class: 'link-actions' }, button),
    );
  }

  async function load() {
    await pagedList<EndedLink>(`${base}/ended-invite-links`, (page) => {
      links = page.items;
      render(
        section,
        h('h3', { id: 'ended-links-title' }, `Recently ended (${links.length}${page.more ? '+' : ''})`),
        h('p', { class: 'hint' }, 'Links that ended in the last 30 days. Re-issue one to send a new link with the same settings.'),
        links.length === 0 ? h('p', { class: 'muted' }, 'None.') : h('ul', { class: 'link-list' }, links.map(row)),
        page.more,
      );
    });
  }

  return {
    section,
    load: () => load().catch((error: unknown) => render(section, errorNotice(error))),
    /** The ended link with this id, if it is listed. */
    find: (linkId: string) => links.find((l) => l.id === linkId),
    /** Opens Re-issue on the listed ended link with this id; false if it is not listed (or the viewer may not). */
    reissueById(linkId: string): boolean {
      const button = document.getElementById(`reissue-ended-${linkId}`);
      if (!(button instanceof HTMLButtonElement)) return false;
      button.click();
      return true;
    },
  };
}

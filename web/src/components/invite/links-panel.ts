/**
 * The invite modal's links: the standing onboarding link, and the active links a page at a time,
 * each with what it grants, its label, creator, times and uses, Copy on the links the viewer may
 * copy in any browser (their own; every link for an admin: revealing.ts; one line above the list
 * says why the others have none) and Revoke with a few seconds to undo (revoking.ts). A link that
 * needs approval says so; a paused one says since when, with Resume for its creator and admins
 * (resuming.ts); Re-issue makes and copies a new link with the same settings (reissuing.ts). Each
 * row says how many viewed it, started to sign in, joined and were refused, its funnel folded under that (link-stats.ts),
 * and when it ends; Details opens all of that in one view, with its QR code for those who may reveal
 * it (link-detail.ts). Below them, the links that ended within 30 days, with Re-issue (ended-links.ts).
 */
import { api } from '../../lib/api.ts';
import { h, render } from '../../lib/dom.ts';
import { linkStore } from '../../lib/link-store.ts';
import { pagedList } from '../../lib/paging.ts';
import { atDomains, endsIn, formatDateTime, type CreatedLink, type Directory, type InviteLink } from '../../lib/model.ts';
import { linkCopying } from './copying.ts';
import { errorNotice } from './error-notice.ts';
import { defaultTeamName, describeLink, distinctNames, pauseAfterText, usesText } from './link-words.ts';
import { endedLinks } from './ended-links.ts';
import { linkDetail } from './link-detail.ts';
import { linkReissuing } from './reissuing.ts';
import { linkStats } from './link-stats.ts';
import { linkResuming } from './resuming.ts';
import { COPY_RULE, linkRevealing, mayReveal } from './revealing.ts';
import { isRevoking, linkRevoking } from './revoking.ts';

export function linksPanel(directory: Directory, base: string) {
  const { me, membership } = directory;
  const store = linkStore(me.userId, membership.domainId);
  const mayRevoke = (link: InviteLink) => membership.isAdmin || link.createdBy === me.userId;

  const status = h('p', { class: 'visually-hidden', role: 'status', id: 'links-status' });
  /** A re-issued link's "copied" box: above the list, kept while the list is drawn again. */
  const reissued = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite', id: 'reissued-link' });
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
  /** Each row's name for its buttons, told apart where labels repeat. */
  let names = new Map<string, string>();
  let more: HTMLElement | null = null;
  let loaded = false;
  const announce = (text: string) => {
    status.textContent = text;
  };

  async function load() {
    await pagedList<InviteLink>(`${base}/invite-links`, (page) => {
      links = page.items;
      more = page.more;
      loaded = true;
      show();
    });
  }
  const refresh = () => load().catch((error: unknown) => render(list, errorNotice(error)));
  const copying = linkCopying(directory, store, announce, refresh);
  const { makeAndCopy, copyButton } = copying;
  const addressOf = linkRevealing(base, store);
  const revoking = linkRevoking(directory, base, { list, store, copied: copying.copied, show, announce, drop });
  const resume = linkResuming(base, { list, resumed, refresh: () => void refresh(), announce });
  const reissue = linkReissuing(directory, base, makeAndCopy, reissued);
  const ended = endedLinks(directory, base, reissue);
  const openDetail = linkDetail(directory, addressOf);

  /** The standing onboarding link: the newest live one (the list is newest first). */
  const standing = () => links.find((l) => l.onboarding && !isRevoking(l.id));

  function show() {
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
    names = distinctNames(links, directory);
    showOnboarding();
    render(
      list,
      h('h3', { id: 'active-links-title', tabindex: '-1' }, more ? `Active links (the newest ${links.length})` : `Active links (${links.length})`),
      reissued,
      links.length === 0 ? h('p', { class: 'muted' }, 'No active links.') : null,
      links.some((l) => !mayReveal(directory, l)) ? h('p', { class: 'hint', id: 'copy-rule' }, COPY_RULE) : null,
      h('ul', { class: 'link-list' }, links.map(row)),
      more,
      status,
    );
    // A row drawn again keeps the focus it had (its buttons have stable ids).
    if (focusedId && !document.activeElement?.isConnected) document.getElementById(focusedId)?.focus();
  }

  function drop(linkId: string): InviteLink | undefined {
    const at = links.findIndex((l) => l.id === linkId);
    links = links.filter((l) => l.id !== linkId);
    show();
    return links[at] ?? links[at - 1];
  }

  /** The link works again: drawn without its paused mark (the API's view of it says the same). */
  function resumed(linkId: string) {
    links = links.map((l) => (l.id === linkId ? { ...l, pausedAt: undefined } : l));
    show();
  }

  /** "Paused 5 Dec 2026, 20:31 UTC", and Resume where the viewer may: the row's paused mark. */
  function pausedMark(link: InviteLink, name: string, resumeId: string, focusAfter: () => HTMLElement | null) {
    if (!link.pausedAt) return { mark: null, button: null };
    const mark = h('p', { class: 'link-paused' }, h('span', { class: 'badge paused' }, 'Paused'), ' ', h('time', { datetime: link.pausedAt }, formatDateTime(link.pausedAt)), ' · nobody can join until it is resumed');
    const button = mayRevoke(link) ? h('button', { type: 'button', class: 'button small primary', id: resumeId, 'aria-label': `Resume ${name}` }, 'Resume') : null;
    button?.addEventListener('click', () => void resume(link, button, name, focusAfter));
    return { mark, button };
  }

  function showOnboarding() {
    if (!loaded) return render(onboardingBody, h('p', { class: 'muted small' }, 'Looking for the onboarding link…'));
    const link = standing();
    const newButton = h('button', { type: 'button', class: 'button', id: 'new-onboarding-link' }, link ? 'New onboarding link' : 'Copy onboarding link');
    newButton.addEventListener('click', () => void makeAndCopy(newButton, onboardingResult, () => api<CreatedLink>('POST', `${base}/invite-links/onboarding`)));
    if (!link) return render(onboardingBody, h('p', { class: 'muted small' }, 'There is none yet: the button makes one.'), h('div', { class: 'actions start' }, newButton));
    const copied = h('div', { class: 'row-copy-result', role: 'status' });
    const copy = mayReveal(directory, link) ? copyButton(link, () => addressOf(link), 'copy-onboarding-link', 'Copy onboarding link', copied) : null;
    const paused = pausedMark(link, 'the onboarding link', 'resume-onboarding-link', () => document.getElementById('copy-onboarding-link') ?? document.getElementById('new-onboarding-link'));
    render(
      onboardingBody,
      h('p', { class: 'small link-meta', id: 'onboarding-link-meta' }, `Made by ${link.createdByEmail} on ${formatDateTime(link.createdAt)} · ${usesText(link)} · expires ${formatDateTime(link.expiresAt)}`),
      paused.mark,
      copy ? null : h('p', { class: 'hint' }, `${COPY_RULE} New onboarding link makes one you can copy.`),
      paused.button ? h('div', { class: 'actions start' }, paused.button) : null,
      h('div', { class: 'actions start pair' }, copy, newButton),
      copied,
    );
  }

  function row(link: InviteLink): HTMLElement {
    const pending = isRevoking(link.id);
    const describe = describeLink(link, directory);
    const name = names.get(link.id) ?? link.label ?? describe;
    const badge = [link.onboarding ? h('span', { class: 'badge' }, 'Onboarding') : null, link.requireApproval ? h('span', { class: 'badge approval' }, 'Needs approval') : null];
    const limits = [
      link.allowedEmailDomains.length ? `Only ${atDomains(link.allowedEmailDomains)} emails` : null,
      link.notifyCreator ? null : 'No signup emails',
      pauseAfterText(link),
    ].filter((t) => t !== null);
    // Resume gone, the focus goes to the row's next button.
    const paused = pausedMark(link, name, `resume-${link.id}`, () => list.querySelector<HTMLElement>(`[data-link-id="${CSS.escape(link.id)}"] .link-actions button`));
    const details = h(
      'div',
      { class: 'link-details' },
      link.label ? h('p', { class: 'link-label' }, badge, link.label) : null,
      h('p', { class: link.label ? 'link-config muted small' : 'link-config' }, link.label ? null : badge, describe),
      h('p', { class: 'muted small link-meta' }, `Created by ${link.createdByEmail} on `, h('time', { datetime: link.createdAt }, formatDateTime(link.createdAt))),
      h('p', { class: 'muted small link-meta' }, h('span', { class: 'link-uses' }, usesText(link)), ` · `, h('span', { class: 'link-ends' }, endsIn(link.expiresAt)), ', ', h('time', { datetime: link.expiresAt }, formatDateTime(link.expiresAt))),
      limits.length ? h('p', { class: 'muted small link-limits' }, limits.join(' · ')) : null,
      paused.mark,
      linkStats(link),
    );
    if (pending) {
      const undo = h('button', { type: 'button', class: 'button small', id: `undo-${link.id}`, 'aria-label': `Undo revoking ${name}` }, 'Undo');
      undo.addEventListener('click', () => revoking.undo(link));
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
    revoke?.addEventListener('click', () => revoking.confirm(link));
    const again = mayRevoke(link)
      ? h('button', { type: 'button', class: 'button small', id: `reissue-${link.id}`, 'aria-haspopup': 'dialog', 'aria-label': `Re-issue link: ${name}` }, 'Re-issue')
      : null;
    again?.addEventListener('click', () => reissue(link, again));
    const detail = h('button', { type: 'button', class: 'button small', id: `details-${link.id}`, 'aria-haspopup': 'dialog', 'aria-label': `Details: ${name}` }, 'Details');
    detail.addEventListener('click', () => openDetail(link, detail));
    const result = h('div', { class: 'row-copy-result', role: 'status' });
    return h(
      'li',
      { class: link.pausedAt ? 'link-item paused' : 'link-item', 'data-link-id': link.id },
      details,
      h('div', { class: 'link-actions' }, paused.button, detail, mayReveal(directory, link) ? copyButton(link, () => addressOf(link), `copy-${link.id}`, 'Copy', result) : null, again, revoke),
      result,
    );
  }

  showOnboarding();
  render(list, h('h3', { id: 'active-links-title', tabindex: '-1' }, 'Active links'), h('p', { class: 'muted' }, 'Loading the active links…'));
  /** Whether a link is on the active list as the API has it now (asked again): not revoked, expired or used up. */
  async function isActive(linkId: string): Promise<boolean> {
    try {
      await load();
    } catch {
      return false;
    }
    return links.some((l) => l.id === linkId) && !isRevoking(linkId);
  }

  /**
   * Opens Re-issue on a link, as the warning email's "Re-issue the link" asks (`?reissue=<id>`): on
   * its row among the active links, else among the recently ended; false if neither lists it.
   */
  function reissueById(linkId: string): boolean {
    const button = document.getElementById(`reissue-${linkId}`);
    if (button instanceof HTMLButtonElement) {
      button.scrollIntoView({ block: 'nearest' });
      button.click();
      return true;
    }
    return ended.reissueById(linkId);
  }

  return { onboarding, list, ended: ended.section, load: () => Promise.all([refresh(), ended.load()]), makeAndCopy, isActive, reissueById };
}

/**
 * What the join page shows of the invitation at every step: the organisation's name up top, and a
 * card with what the link gives and until when, and whose emails it admits.
 */
import { byId, h, render, type Child } from '../../lib/dom.ts';
import { atDomains, formatDateTime, USER_TYPE_LABEL, type LinkLookup } from '../../lib/model.ts';
import { emailDomainOf } from '../../../../shared/domain/email.ts';

/** The organisation's name in the top bar and the tab's title, so people know who invites them. */
export function nameOrganisation(domainName: string | undefined) {
  document.title = domainName ? `Join ${domainName} — Invite links` : 'Join · Invite links';
  render(byId('topbar'), h('span', { class: 'brand' }, 'Invite links'), domainName ? h('span', { class: 'org-name', id: 'org-name' }, domainName) : null);
}

/** The card every step shares: who invites, what the link gives, until when; then this step's part. */
export function invitation(link: LinkLookup, ...step: Child[]): HTMLElement {
  return h(
    'article',
    { class: 'card join' },
    h('p', { class: 'eyebrow' }, 'You are invited'),
    h('h1', {}, `Join ${link.domainName}`),
    link.label ? h('p', { class: 'invite-label' }, h('span', { class: 'muted' }, 'Invitation: '), link.label) : null,
    h('p', {}, 'This invite link gives you:'),
    grants(link),
    h('p', { class: 'muted small expiry' }, `The link works until ${formatDateTime(link.expiresAt)}.`),
    h('section', { class: 'join-step' }, ...step),
  );
}

/** The link's grants as a definition list, in the words the person will see in the product. */
function grants(link: LinkLookup): HTMLElement {
  const rows: [string, string | undefined][] = [
    ['User type', USER_TYPE_LABEL[link.userType]],
    ['Primary team', link.primaryTeamName],
    ['Primary legacy group', link.primaryGroupName],
    ['Also in teams', link.additionalTeamNames?.join(', ')],
    ['Role groups', link.roleGroupNames?.join(', ')],
    ['Legacy groups', link.groupNames?.join(', ')],
  ];
  return h(
    'dl',
    { class: 'grants' },
    rows.filter(([, value]) => value).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value!))),
  );
}

/** "example.com" for "pat@Example.com": the part the link's list is matched against (exact, case-insensitive). */
export const admits = (link: LinkLookup, email: string) => link.allowedEmailDomains.length === 0 || link.allowedEmailDomains.includes(emailDomainOf(email));

/** Said before anyone makes an account, so nobody makes one with an email the link will refuse. */
export function whoMayJoin(link: LinkLookup): HTMLElement | null {
  if (link.allowedEmailDomains.length === 0) return null;
  return h(
    'div',
    { class: 'notice email-domains', id: 'allowed-email-domains' },
    h('p', {}, h('strong', {}, `This link is for people with an ${atDomains(link.allowedEmailDomains)} email.`)),
    h('p', {}, `Create your account, or sign in, with your ${atDomains(link.allowedEmailDomains)} address.`),
  );
}

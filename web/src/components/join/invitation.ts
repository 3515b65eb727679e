/**
 * What the join page shows of the invitation at every step: the organisation's name up top, and a
 * compact card (who invites, for an invitation by email the address it is for, what it gives in
 * one sentence with the whole list a click away, until when), so the step's own buttons are in
 * view on a phone's first screen; an invitation's message comes after them.
 */
import { byId, h, render, type Child } from '../../lib/dom.ts';
import { atDomains, formatDateTime, plural, USER_TYPE_LABEL, type Lookup } from '../../lib/model.ts';
import { emailDomainOf, normalizeEmail } from '../../../../shared/domain/email.ts';

/** The organisation's name in the top bar and the tab's title, so people know who invites them. */
export function nameOrganisation(domainName: string | undefined) {
  document.title = domainName ? `Join ${domainName} — Invite links` : 'Join · Invite links';
  render(byId('topbar'), h('span', { class: 'brand' }, 'Invite links'), domainName ? h('span', { class: 'org-name', id: 'org-name' }, domainName) : null);
}

/** "link" or "invitation", as the page names what the person opened. */
export const whatItIs = (link: Lookup) => (link.kind === 'invitation' ? 'invitation' : 'link');

/** The card every step shares: who invites (and for whom), what it gives, until when; then this step's part. */
export function invitation(link: Lookup, ...step: Child[]): HTMLElement {
  return h(
    'article',
    { class: 'card join', 'data-kind': link.kind },
    h('p', { class: 'eyebrow' }, 'You are invited'),
    h('h1', {}, `Join ${link.domainName}`),
    link.kind === 'link'
      ? h('p', { class: 'invited-by', id: 'invited-by' }, 'Invited by ', h('strong', {}, link.invitedBy), link.label ? [' · ', h('span', { class: 'invite-label' }, link.label)] : null)
      : [
          h('p', { class: 'invited-by', id: 'invited-by' }, 'Invited by ', h('strong', {}, link.invitedBy.name ?? link.invitedBy.email), link.invitedBy.name ? ` (${link.invitedBy.email})` : null),
          h('p', { class: 'invited-email', id: 'invited-email' }, 'For ', h('strong', {}, link.invitedEmail)),
        ],
    grantSummary(link),
    h('p', { class: 'muted small expiry' }, `The ${whatItIs(link)} works until ${formatDateTime(link.expiresAt)}.`),
    h('section', { class: 'join-step' }, ...step),
    link.kind === 'invitation' && link.message
      ? h(
          'section',
          { class: 'invitation-message', 'aria-labelledby': 'invitation-message-title' },
          h('h2', { id: 'invitation-message-title' }, `A message from ${link.invitedBy.name ?? link.invitedBy.email}`),
          h('blockquote', {}, link.message.split(/\n+/).map((line) => h('p', {}, line))),
        )
      : null,
  );
}

/** "As a Standard user in Producers, with 2 more teams and 1 role group": the whole list behind a disclosure when there is more. */
function grantSummary(link: Lookup): HTMLElement[] {
  const primary = link.primaryTeamName ?? link.primaryGroupName;
  const more = [
    link.additionalTeamNames.length ? plural(link.additionalTeamNames.length, 'more team') : '',
    link.roleGroupNames.length ? plural(link.roleGroupNames.length, 'role group') : '',
    link.groupNames.length ? plural(link.groupNames.length, 'legacy group') : '',
  ].filter(Boolean);
  const sentence = h(
    'p',
    { class: 'grant-summary', id: 'grant-summary' },
    'As a ',
    h('strong', {}, USER_TYPE_LABEL[link.userType]),
    ' user',
    primary ? [link.primaryTeamName ? ' in ' : ' in the legacy group ', h('strong', {}, primary)] : null,
    more.length ? `, with ${new Intl.ListFormat('en-GB').format(more)}.` : '.',
  );
  if (!more.length) return [sentence];
  return [sentence, h('details', { class: 'grant-details', id: 'grant-details' }, h('summary', {}, `Everything this ${whatItIs(link)} gives you`), grants(link))];
}

/** The link's grants as a definition list, in the words the person will see in the product. */
function grants(link: Lookup): HTMLElement {
  const rows: [string, string | undefined][] = [
    ['User type', USER_TYPE_LABEL[link.userType]],
    ['Primary team', link.primaryTeamName],
    ['Primary legacy group', link.primaryGroupName],
    ['Also in teams', link.additionalTeamNames.join(', ')],
    ['Role groups', link.roleGroupNames.join(', ')],
    ['Legacy groups', link.groupNames.join(', ')],
  ];
  return h(
    'dl',
    { class: 'grants' },
    rows.filter(([, value]) => value).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value!))),
  );
}

/**
 * Whether this email may join: an invitation's own address (case-folded), or for a link an email at
 * one of its domains ("example.com" for "pat@Example.com": exact, case-insensitive).
 */
export const admits = (link: Lookup, email: string) =>
  link.kind === 'invitation' ? normalizeEmail(email) === link.invitedEmail : link.allowedEmailDomains.length === 0 || link.allowedEmailDomains.includes(emailDomainOf(email));

/** Said before anyone makes an account, so nobody makes one with an email the link or invitation will refuse. */
export function whoMayJoin(link: Lookup): HTMLElement | null {
  if (link.kind === 'invitation') {
    return h(
      'p',
      { class: 'notice email-domains', id: 'invited-email-rule' },
      h('strong', {}, `Use ${link.invitedEmail}.`),
      ' Create your account, or sign in, with that address: the invitation works for it only.',
    );
  }
  if (link.allowedEmailDomains.length === 0) return null;
  const domains = atDomains(link.allowedEmailDomains);
  return h(
    'p',
    { class: 'notice email-domains', id: 'allowed-email-domains' },
    h('strong', {}, `This link is for people with an ${domains} email.`),
    ` Create your account, or sign in, with your ${domains} address.`,
  );
}

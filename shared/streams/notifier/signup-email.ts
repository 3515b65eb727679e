/** The email a link's creator gets when someone joins through the link. Pure: no AWS, no clock. */
import { USER_TYPE_LABEL, type JoinRecord } from '../../domain/types.ts';
import type { GrantNames, SignupAudience, UsesLeft } from './recipients.ts';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

/** Where the email points: the domain's users (where links are revoked) and its activity, in the deployment's pages. */
export interface SignupLinks {
  users: string;
  activity: string;
}

export function signupEmail(join: JoinRecord, audience: SignupAudience, links: SignupLinks): Email {
  const { grant, domainName } = audience;
  const joiner = `${join.firstName} ${join.lastName}`.trim();
  // The link is named the way the pages name it: its label, or what it grants and until when (its id appears nowhere there).
  const linkName = join.linkLabel ? `“${join.linkLabel}”` : `${grantSummary(grant)}, valid until ${when(join.linkExpiresAt)}`;
  const rows: [string, string][] = [
    ['Email', join.email],
    ['Name', joiner || '(not given)'],
    ['Domain', domainName],
    ['Joined', when(join.joinedAt)],
    ...grantRows(grant),
    ['Invite link', linkName],
    ['Link expires', when(join.linkExpiresAt)],
    ...(audience.usesLeft ? [['Uses left', usesLeftText(audience.usesLeft)] as [string, string]] : []),
  ];
  const subject = `${join.email} joined ${domainName} through your invite link${join.linkLabel ? ` “${join.linkLabel}”` : ''}`;
  const intro = `${joiner ? `${joiner} (${join.email})` : join.email} signed up to ${domainName} using an invite link you created.`;
  const stop = 'You get this email because you created the link. To stop sign-ups through it, revoke it under + New Users › Active links on the Users page:';
  const text = [
    `Hello ${audience.recipient.firstName},`,
    '',
    intro,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `See the domain's users: ${links.users}`,
    `See who joined and what changed (Activity): ${links.activity}`,
    '',
    `${stop} ${links.users}`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>Hello ${escapeHtml(audience.recipient.firstName)},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(links.users)}">See the domain's users</a> · <a href="${escapeHtml(links.activity)}">See the activity</a></p>`,
    `<p>${escapeHtml(stop)} <a href="${escapeHtml(links.users)}">Users page</a>.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** What a link hands out, as rows: user type in words, primary first. */
export function grantRows(grant: GrantNames): [string, string][] {
  return [
    ['User type', USER_TYPE_LABEL[grant.userType]],
    ...(grant.primaryTeam !== undefined ? [['Primary team', grant.primaryTeam] as [string, string]] : []),
    ...(grant.primaryGroup !== undefined ? [['Primary legacy group', grant.primaryGroup] as [string, string]] : []),
    ['Additional teams', list(grant.additionalTeams)],
    ['Role groups', list(grant.roleGroups)],
    ['Legacy groups', list(grant.groups)],
  ];
}

/** "Standard, Producers": a link without a label, named by what it grants. */
const grantSummary = (grant: GrantNames) => [USER_TYPE_LABEL[grant.userType], grant.primaryTeam ?? grant.primaryGroup].filter(Boolean).join(', ');

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

/** "2 of 5", or "none of 5: the link is used up". */
const usesLeftText = ({ left, of }: UsesLeft) => (left === 0 ? `none of ${of}: the link is used up` : `${left} of ${of}`);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Mar 2026, 14:05 UTC": the pages' way of writing a time, in UTC with the zone named, the same for every recipient. */
export const when = (iso: string) => {
  const at = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
};

/** The email a link's creator gets when someone joins through the link. Pure: no AWS, no clock. */
import type { JoinRecord } from '../domain/types.ts';
import type { SignupAudience } from './recipients.ts';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

export function signupEmail(join: JoinRecord, audience: SignupAudience, usersUrl: string): Email {
  const { grant, domainName } = audience;
  const joiner = `${join.firstName} ${join.lastName}`.trim();
  const rows: [string, string][] = [
    ['Email', join.email],
    ['Name', joiner || '(not given)'],
    ['Domain', domainName],
    ['Joined', when(join.joinedAt)],
    ['User type', grant.userType],
    ...(grant.primaryTeam !== undefined ? [['Primary team', grant.primaryTeam] as [string, string]] : []),
    ...(grant.primaryGroup !== undefined ? [['Primary group', grant.primaryGroup] as [string, string]] : []),
    ['Additional teams', list(grant.additionalTeams)],
    ['Role groups', list(grant.roleGroups)],
    ['Legacy groups', list(grant.groups)],
    ['Invite link', join.linkLabel ? `“${join.linkLabel}” (${join.linkId})` : join.linkId],
    ['Link expires', when(join.linkExpiresAt)],
  ];
  const subject = `${join.email} joined ${domainName} through your invite link${join.linkLabel ? ` “${join.linkLabel}”` : ''}`;
  const intro = `${joiner ? `${joiner} (${join.email})` : join.email} signed up to ${domainName} using an invite link you created.`;
  const text = [
    `Hello ${audience.recipient.firstName},`,
    '',
    intro,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `See the domain's users: ${usersUrl}`,
    '',
    'You get this email because you created the link. To stop sign-ups through it, revoke the link.',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>Hello ${escapeHtml(audience.recipient.firstName)},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(usersUrl)}">See the domain's users</a></p>`,
    '<p>You get this email because you created the link. To stop sign-ups through it, revoke the link.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

/** "2026-05-01 14:03 UTC": the same reading for every recipient, whatever their time zone. */
const when = (iso: string) => {
  const utc = new Date(iso).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
};

/** The email an inviter gets when the person they invited by email has joined. Pure: no AWS, no clock. */
import type { JoinRecord } from '../../domain/types.ts';
import type { SignupAudience } from './recipients.ts';
import { escapeHtml, grantRows, when, type Email, type SignupLinks } from './signup-email.ts';

export function acceptedEmail(join: JoinRecord, audience: SignupAudience, links: SignupLinks): Email {
  const { grant, domainName } = audience;
  const joiner = `${join.firstName} ${join.lastName}`.trim();
  const rows: [string, string][] = [['Email', join.email], ['Name', joiner || '(not given)'], ['Organisation', domainName], ['Joined', when(join.joinedAt)], ...grantRows(grant)];
  const subject = `${joiner || join.email} accepted your invitation to ${domainName}`;
  const intro = `${joiner ? `${joiner} (${join.email})` : join.email} accepted the invitation you sent and joined ${domainName}.`;
  const why = 'You get this email because you sent the invitation; it has now been used and works no more.';
  const text = [
    `Hello ${audience.recipient.firstName},`,
    '',
    intro,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `See the organisation's users: ${links.users}`,
    `See who joined and what changed (Activity): ${links.activity}`,
    '',
    why,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>Hello ${escapeHtml(audience.recipient.firstName)},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(links.users)}">See the users</a> · <a href="${escapeHtml(links.activity)}">See the activity</a></p>`,
    `<p>${escapeHtml(why)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The email a person gets once they have joined a domain: what they got, who invited them, where to sign in. Pure. */
import type { JoinRecord } from '../../domain/types.ts';
import type { JoinContext } from './recipients.ts';
import { escapeHtml, grantRows, when, type Email } from './signup-email.ts';

export function welcomeEmail(join: JoinRecord, context: JoinContext, homeUrl: string): Email {
  const { domainName, grant, creator } = context;
  const invitedBy = creator ? `${`${creator.firstName} ${creator.lastName}`.trim() || creator.email} (${creator.email})` : undefined;
  const rows: [string, string][] = [['Domain', domainName], ...grantRows(grant), ['Joined', when(join.joinedAt)], ...(invitedBy ? [['Invited by', invitedBy] as [string, string]] : [])];
  const subject = `Welcome to ${domainName}`;
  const why = `You get this email once, because you joined through ${join.via === 'invitation' ? 'an invitation' : 'an invite link'}. If that was not you, tell the person who invited you.`;
  const intro = `You have joined ${domainName}${invitedBy ? ` at the invitation of ${invitedBy}` : ''}. Your account is ready: sign in with this email address whenever you come back.`;
  const text = [
    `Hello ${join.firstName || 'there'},`,
    '',
    intro,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `Sign in: ${homeUrl}`,
    '',
    why,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>Hello ${escapeHtml(join.firstName || 'there')},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(homeUrl)}">Sign in to ${escapeHtml(domainName)}</a></p>`,
    `<p>${escapeHtml(why)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

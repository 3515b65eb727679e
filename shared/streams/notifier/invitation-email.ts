/** The email an invited person gets: who invites them where, with what, until when, and the link. Pure: no AWS, no clock. */
import type { InvitationEmail } from '../../domain/types.ts';
import type { GrantNames } from './recipients.ts';
import { escapeHtml, grantRows, when, type Email } from './signup-email.ts';

/** `joinUrl` holds the token in its fragment: the email is its only copy outside the person's browser. */
export function invitationEmail(invitation: InvitationEmail, joinUrl: string): Email {
  const { domainName, invitedBy } = invitation;
  const inviter = invitedBy.name?.trim() ? `${invitedBy.name.trim()} (${invitedBy.email})` : invitedBy.email;
  const expires = when(invitation.expiresAt);
  const rows: [string, string][] = [['Organisation', domainName], ...grantRows(grantNamesOf(invitation.grant)), ['For', invitation.email], ['Expires', expires]];
  const subject = `${invitedBy.name?.trim() || invitedBy.email} invited you to ${domainName}`;
  const intro = `${inviter} invited you to join ${domainName}.`;
  const accept = 'Accept the invitation';
  const bound = `The invitation is for ${invitation.email} only and works once, until ${expires}: sign in, or create an account, with this address to join.`;
  const unexpected = 'If you were not expecting it, ignore this email: nothing happens unless you open the link and join.';
  const text = [
    'Hello,',
    '',
    intro,
    ...(invitation.message ? ['', `Their message: “${invitation.message}”`] : []),
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `${accept}: ${joinUrl}`,
    '',
    bound,
    unexpected,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    '<p>Hello,</p>',
    `<p>${escapeHtml(intro)}</p>`,
    ...(invitation.message ? [`<p>Their message:</p><blockquote>${escapeHtml(invitation.message).replace(/\r?\n/g, '<br>')}</blockquote>`] : []),
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(joinUrl)}">${escapeHtml(accept)}</a></p>`,
    `<p>${escapeHtml(bound)}</p>`,
    `<p>${escapeHtml(unexpected)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The outbox's names for the grant (written as the invitation was made), in the shape the join emails use. */
export function grantNamesOf(grant: InvitationEmail['grant']): GrantNames {
  return {
    userType: grant.userType,
    ...(grant.primaryTeamName !== undefined ? { primaryTeam: grant.primaryTeamName } : {}),
    ...(grant.primaryGroupName !== undefined ? { primaryGroup: grant.primaryGroupName } : {}),
    additionalTeams: grant.additionalTeamNames,
    roleGroups: grant.roleGroupNames,
    groups: grant.groupNames,
  };
}

/** The email a person gets once they have joined a domain: what they got, who invited them (or approved their request), where to sign in. Pure. */
import type { JoinRecord } from '../../domain/types.ts';
import { composeEmail, grantRows, when, type Email } from './email-layout.ts';
import type { JoinContext } from './recipients.ts';

export function welcomeEmail(join: JoinRecord, context: JoinContext, homeUrl: string): Email {
  const { domainName, grant, creator } = context;
  const invitedBy = creator ? `${`${creator.firstName} ${creator.lastName}`.trim() || creator.email} (${creator.email})` : undefined;
  const approved = join.approvedBy !== undefined;
  const rows: [string, string][] = [['Domain', domainName], ...grantRows(grant), ['Joined', when(join.joinedAt)], ...(invitedBy ? [['Invited by', invitedBy] as [string, string]] : [])];
  const how = approved ? 'your request to join through an invite link was approved' : `you joined through ${join.via === 'invitation' ? 'an invitation' : 'an invite link'}`;
  return composeEmail(approved ? `Welcome to ${domainName}: your request was approved` : `Welcome to ${domainName}`, [
    { p: `Hello ${join.firstName || 'there'},` },
    ...(approved ? [{ p: `Your request to join ${domainName} was approved.` }] : []),
    { p: `You have joined ${domainName}${invitedBy ? ` at the invitation of ${invitedBy}` : ''}. Your account is ready: sign in with this email address whenever you come back.` },
    { rows },
    { links: [{ label: `Sign in to ${domainName}`, textLabel: 'Sign in', href: homeUrl }] },
    { p: `You get this email once, because ${how}. If that was not you, tell the person who invited you.` },
  ]);
}

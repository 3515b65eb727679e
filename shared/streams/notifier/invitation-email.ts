/** The email an invited person gets: who invites them where, with what, until when, and the link. Pure: no AWS, no clock. */
import type { InvitationEmail } from '../../domain/types.ts';
import type { GrantNames } from './recipients.ts';
import { composeEmail, grantRows, when, type Email } from './email-layout.ts';

/** `joinUrl` holds the token in its fragment: the email is its only copy outside the person's browser. */
export function invitationEmail(invitation: InvitationEmail, joinUrl: string): Email {
  const { domainName, invitedBy } = invitation;
  const inviter = invitedBy.name?.trim() ? `${invitedBy.name.trim()} (${invitedBy.email})` : invitedBy.email;
  const expires = when(invitation.expiresAt);
  const rows: [string, string][] = [['Organisation', domainName], ...grantRows(grantNamesOf(invitation.grant)), ['For', invitation.email], ['Expires', expires]];
  return composeEmail(`${invitedBy.name?.trim() || invitedBy.email} invited you to ${domainName}`, [
    { p: 'Hello,' },
    { p: `${inviter} invited you to join ${domainName}.` },
    ...(invitation.message ? [{ quote: invitation.message, label: 'Their message:' }] : []),
    { rows },
    { links: [{ label: 'Accept the invitation', href: joinUrl }] },
    { p: `The invitation is for ${invitation.email} only and works once, until ${expires}: sign in, or create an account, with this address to join.` },
    { p: 'If you were not expecting it, ignore this email: nothing happens unless you open the link and join.' },
  ]);
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

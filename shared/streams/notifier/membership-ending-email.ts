/** The emails three days before a membership ends: to the member, and to the creator of the link they joined through. Pure. */
import { composeEmail, when, type Email } from './email-layout.ts';
import type { Recipient } from './recipients.ts';

export interface MembershipEnding {
  domainName: string;
  member: Recipient;
  memberUntil: string;
  /** The Users page of the domain. */
  usersPage: string;
}

export function membershipEndingEmail({ domainName, member, memberUntil, usersPage }: MembershipEnding, reader: { role: 'member' } | { role: 'link creator'; recipient: Recipient }): Email {
  const date = when(memberUntil);
  if (reader.role === 'member') {
    return composeEmail(`Your membership of ${domainName} ends on ${date}`, [
      { p: `Hello ${member.firstName || 'there'},` },
      { p: `Your membership of ${domainName} ends on ${date}: from then on you no longer have access to ${domainName}, and any invite link you made there stops working.` },
      { p: 'If you still need access after that, ask an admin of the domain to extend your membership.', link: { label: 'Users page', href: usersPage } },
      { p: `You get this email because you joined ${domainName} through a link whose memberships end after a set time.` },
    ]);
  }
  return composeEmail(`${member.email}'s membership ends on ${date}`, [
    { p: `Hello ${reader.recipient.firstName || 'there'},` },
    { p: `${member.firstName} ${member.lastName} (${member.email}), who joined ${domainName} through an invite link you made, stops being a member on ${date}.` },
    { p: 'An admin can extend or end the membership on the Users page.', link: { label: 'Users page', href: usersPage } },
    { p: 'You get this email because you made the link they joined through.' },
  ]);
}

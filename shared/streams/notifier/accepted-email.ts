/** The email an inviter gets when the person they invited by email has joined. Pure: no AWS, no clock. */
import type { JoinRecord } from '../../domain/types.ts';
import { composeEmail, grantRows, when, type Email } from './email-layout.ts';
import type { SignupAudience } from './recipients.ts';
import { domainPageLinks, type SignupLinks } from './signup-email.ts';

export function acceptedEmail(join: JoinRecord, audience: SignupAudience, links: SignupLinks): Email {
  const { grant, domainName } = audience;
  const joiner = `${join.firstName} ${join.lastName}`.trim();
  const rows: [string, string][] = [['Email', join.email], ['Name', joiner || '(not given)'], ['Organisation', domainName], ['Joined', when(join.joinedAt)], ...grantRows(grant)];
  return composeEmail(`${joiner || join.email} accepted your invitation to ${domainName}`, [
    { p: `Hello ${audience.recipient.firstName},` },
    { p: `${joiner ? `${joiner} (${join.email})` : join.email} accepted the invitation you sent and joined ${domainName}.` },
    { rows },
    { links: domainPageLinks(links, 'organisation') },
    { p: 'You get this email because you sent the invitation; it has now been used and works no more.' },
  ]);
}

/** The email warning a link's creator that it ends soon: a day before it expires, or at 80 % of its uses. Pure. */
import type { LinkEndingEmail } from '../../domain/types.ts';
import { composeEmail, when, type Email } from './email-layout.ts';
import type { Recipient } from './recipients.ts';

export interface EndingEmailLinks {
  /** The Users page with the link's Re-issue dialog open (signed in). */
  reissue: string;
  /** The Users page showing who joined through the link. */
  joinedThroughLink: string;
}

export function endingEmail(ending: LinkEndingEmail, domainName: string, recipient: Recipient, links: EndingEmailLinks): Email {
  const { link, useCount } = ending;
  const named = link.label ? `invite link “${link.label}”` : 'invite link';
  const joined = `${useCount} ${useCount === 1 ? 'person has' : 'people have'} joined through it`;
  const maxUses = link.maxUses ?? useCount;
  const full = ending.kind === 'uses' && useCount >= maxUses;
  const subject =
    ending.kind === 'expiring'
      ? `Your ${named} to ${domainName} expires ${when(link.expiresAt)}`
      : full
        ? `Your ${named} to ${domainName} is used up: all ${maxUses} uses taken`
        : `Your ${named} to ${domainName} has ${maxUses - useCount} of ${maxUses} uses left`;
  const what =
    ending.kind === 'expiring'
      ? `Your ${named} to ${domainName} expires at ${when(link.expiresAt)}, within a day. So far ${joined}${link.maxUses !== undefined ? ` (of ${link.maxUses})` : ''}.`
      : full
        ? `Your ${named} to ${domainName} has taken all its ${maxUses} uses: ${joined}. It lets nobody else in.`
        : `Your ${named} to ${domainName} has taken ${useCount} of its ${maxUses} uses: ${joined}. When they are all taken it lets nobody else in.`;
  return composeEmail(subject, [
    { p: `Hello ${recipient.firstName || 'there'},` },
    { p: what },
    { p: 'If people still need it, re-issue it: a new link with the same settings and a fresh lifetime, which you can send on in place of this one.' },
    {
      links: [
        { label: 'Re-issue the link', textLabel: 'Re-issue it (sign in, + New Users › Active links)', href: links.reissue },
        { label: 'See who joined through it', href: links.joinedThroughLink },
      ],
    },
    { p: 'You get this email because you made the link. To get none about a link, make it with signup emails off.' },
  ]);
}

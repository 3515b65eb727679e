/**
 * The emails about join requests: to an approver, the requests that arrived together (one email
 * however many), pointing to the Requests page and never approving anything itself; to the person
 * who asked, that their request was declined. Pure: no AWS, no clock.
 */
import type { JoinRequestEmail } from '../../domain/types.ts';
import { composeEmail, when, type Block, type Email } from './email-layout.ts';
import type { Recipient } from './recipients.ts';

const nameOf = ({ firstName, lastName }: { firstName: string; lastName: string }) => `${firstName} ${lastName}`.trim();
const linkName = (link: JoinRequestEmail['link']) => (link.label ? `“${link.label}”` : 'your link without a label');

/** One email listing every request of `requests` (all to the same approver, in one domain), oldest first. */
export function requestsEmail(requests: readonly JoinRequestEmail[], approver: Recipient, requestsUrl: string): Email {
  const ordered = [...requests].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const [first] = ordered;
  const domainName = first!.domainName;
  const who = ordered.length === 1 ? nameOf(first!.requester) || first!.requester.email : `${ordered.length} people`;
  const each: Block[] = ordered.map(({ requester, link, requestedAt }) => ({
    rows: [
      ['Name', nameOf(requester) || '(not given)'],
      ['Email', requester.email],
      ['Invite link', linkName(link)],
      ['Asked', when(requestedAt)],
    ],
  }));
  return composeEmail(`${who} asked to join ${domainName}`, [
    { p: `Hello ${approver.firstName || 'there'},` },
    {
      p: `${who} asked to join ${domainName} through ${ordered.length === 1 ? 'an invite link' : 'invite links'} you made that ${ordered.length === 1 ? 'needs' : 'need'} approval. Nobody joins until you or an admin approve them.`,
    },
    ...each,
    { links: [{ label: ordered.length === 1 ? 'Review the request' : 'Review the requests', href: requestsUrl }] },
    { p: 'You get this email because you made the link. Approve or decline on the Requests page; nothing in this email does either.' },
  ]);
}

/** The person who asked: their request was declined, with the approver's reason if they gave one. */
export function declinedEmail(declined: JoinRequestEmail): Email {
  const { domainName, requester, reason } = declined;
  return composeEmail(`Your request to join ${domainName} was declined`, [
    { p: `Hello ${requester.firstName || 'there'},` },
    { p: `Your request to join ${domainName}, made on ${when(declined.requestedAt)} through an invite link, was declined. You have not been added to ${domainName}.` },
    ...(reason ? [{ quote: reason, label: 'The reason given:' }] : []),
    { p: 'If you think this is a mistake, ask the person who shared the link with you.' },
  ]);
}

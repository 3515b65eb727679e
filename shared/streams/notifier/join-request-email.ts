/**
 * The emails about join requests: to an approver, the requests that arrived together (one email
 * however many), pointing to the Requests page and never approving anything itself; to the person
 * who asked, that their request was declined. Pure: no AWS, no clock.
 */
import type { JoinRequestEmail } from '../../domain/types.ts';
import { composeEmail, when, type Block, type Email } from './email-layout.ts';
import type { Recipient } from './recipients.ts';

const nameOf = ({ firstName, lastName }: { firstName: string; lastName: string }) => `${firstName} ${lastName}`.trim();

/** Whom the email is for: their names, and what makes them an approver (links of their own, or being an admin). */
export type Approver = Recipient & { userId: string; isAdmin: boolean };

/**
 * One email listing every request of `requests` (all to the same approver, in one domain), oldest
 * first. A request through someone else's link names its creator (`creatorNames`, by user id).
 */
export function requestsEmail(requests: readonly JoinRequestEmail[], approver: Approver, creatorNames: ReadonlyMap<string, string>, requestsUrl: string): Email {
  const ordered = [...requests].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const [first] = ordered;
  const domainName = first!.domainName;
  const who = ordered.length === 1 ? nameOf(first!.requester) || first!.requester.email : `${ordered.length} people`;
  const mine = (link: JoinRequestEmail['link']) => link.createdBy === approver.userId;
  const linkName = (link: JoinRequestEmail['link']) => {
    if (mine(link)) return link.label ? `“${link.label}” (yours)` : 'your link without a label';
    const by = creatorNames.get(link.createdBy) ?? 'someone no longer in the domain';
    return link.label ? `“${link.label}”, made by ${by}` : `a link without a label, made by ${by}`;
  };
  const allMine = ordered.every((r) => mine(r.link));
  const anyMine = ordered.some((r) => mine(r.link));
  const links = ordered.length === 1 ? 'an invite link' : 'invite links';
  const each: Block[] = ordered.map(({ requester, link, requestedAt }) => ({
    rows: [
      ['Name', nameOf(requester) || '(not given)'],
      ['Email', requester.email],
      ['Invite link', linkName(link)],
      ['Asked', when(requestedAt)],
    ],
  }));
  const why = [anyMine ? 'you made the link' : undefined, approver.isAdmin ? `you are an admin of ${domainName}` : undefined].filter(Boolean).join(' and ');
  return composeEmail(`${who} asked to join ${domainName}`, [
    { p: `Hello ${approver.firstName || 'there'},` },
    {
      p: `${who} asked to join ${domainName} through ${links} ${allMine ? 'you made ' : ''}that ${ordered.length === 1 ? 'needs' : 'need'} approval. Nobody joins until you or another approver approve them.`,
    },
    ...each,
    { links: [{ label: ordered.length === 1 ? 'Review the request' : 'Review the requests', href: requestsUrl }] },
    { p: `You get this email because ${why || 'you may approve these requests'}. Approve or decline on the Requests page; nothing in this email does either. The first approver to decide settles a request.` },
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

/** The email a link's creator gets the moment its guard paused it: the rule, who joined in the burst, where to see them and resume. Pure. */
import type { InviteLink, LinkPausedEmail, PauseAfter } from '../../domain/types.ts';
import { composeEmail, when, type Email } from './email-layout.ts';
import type { Recipient } from './recipients.ts';

export interface PausedEmailLinks {
  /** The Users page showing only who joined through the link. */
  joinedThroughLink: string;
  /** The Users page, where + New Users › Active links resumes or revokes it. */
  users: string;
}

export function pausedEmail(
  link: Pick<InviteLink, 'label'>,
  { joins, withinMinutes }: PauseAfter,
  pause: { domainName: string; pausedAt: string; burst: LinkPausedEmail['burst']; joinsInBurst: number },
  creator: Recipient,
  links: PausedEmailLinks,
): Email {
  const { domainName, pausedAt, burst, joinsInBurst } = pause;
  const yourLink = link.label ? `your invite link “${link.label}”` : 'your invite link';
  const listed = burst.length < joinsInBurst ? `the first ${burst.length} of ${joinsInBurst}` : `${joinsInBurst}`;
  return composeEmail(`${link.label ? `Your invite link “${link.label}”` : 'Your invite link'} to ${domainName} paused itself: ${joinsInBurst} people joined within ${withinMinutes} minutes`, [
    { p: `Hello ${creator.firstName || 'there'},` },
    {
      p: `More than ${joins} people joined ${domainName} through ${yourLink} within ${withinMinutes} minutes, so the link paused itself at ${when(pausedAt)}. It lets nobody in until you or an admin resume it; nobody was removed.`,
    },
    { p: `Who joined in that burst (${listed}):` },
    { rows: burst.map(({ email, joinedAt }): [string, string] => [email, when(joinedAt)]) },
    {
      links: [
        { label: 'See everyone who joined through the link', href: links.joinedThroughLink },
        { label: 'Resume or revoke the link (+ New Users › Active links)', textLabel: 'Resume or revoke it under + New Users › Active links', href: links.users },
      ],
    },
    { p: 'If they should not be there, select them on the Users page and remove them. If the link was shared further than you meant, revoke it rather than resume it.' },
  ]);
}

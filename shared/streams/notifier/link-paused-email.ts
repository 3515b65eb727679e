/** The email a link's creator and each admin get the moment its guard paused it: the rule, who joined in the burst, where to see them and resume. Pure. */
import type { InviteLink, LinkPausedEmail, PauseAfter } from '../../domain/types.ts';
import { composeEmail, when, type Email } from './email-layout.ts';
import type { AudienceRole, Recipient } from './recipients.ts';

export interface PausedEmailLinks {
  /** The Users page showing only who joined through the link. */
  joinedThroughLink: string;
  /** The Users page, where + New Users › Active links resumes or revokes it. */
  users: string;
}

/** Whom the email is for beside their names: why they hear of it, and who made the link (for an admin's email). */
export interface PausedEmailReader {
  role: AudienceRole;
  creatorName?: string;
}

export function pausedEmail(
  link: Pick<InviteLink, 'label'>,
  { joins, withinMinutes }: PauseAfter,
  pause: { domainName: string; pausedAt: string; burst: LinkPausedEmail['burst']; joinsInBurst: number },
  recipient: Recipient,
  { role, creatorName }: PausedEmailReader,
  links: PausedEmailLinks,
): Email {
  const { domainName, pausedAt, burst, joinsInBurst } = pause;
  const theirs = role !== 'admin';
  const by = creatorName ?? 'someone no longer in the domain';
  const named = link.label ? `invite link “${link.label}”` : 'invite link';
  const theLink = theirs ? `your ${named}` : `the ${named} made by ${by}`;
  const listed = burst.length < joinsInBurst ? `the first ${burst.length} of ${joinsInBurst}` : `${joinsInBurst}`;
  const subject = `${theirs ? 'Your' : 'An'} ${named} to ${domainName} paused itself: ${joinsInBurst} people joined within ${withinMinutes} minutes`;
  return composeEmail(subject, [
    { p: `Hello ${recipient.firstName || 'there'},` },
    {
      p: `More than ${joins} people joined ${domainName} through ${theLink} within ${withinMinutes} minutes, so the link paused itself at ${when(pausedAt)}. It lets nobody in until ${theirs ? 'you or an admin resume it' : creatorName ? 'its creator or an admin resume it' : 'an admin resumes it'}; nobody was removed.`,
    },
    { p: `Who joined in that burst (${listed}):` },
    { rows: burst.map(({ email, joinedAt }): [string, string] => [email, when(joinedAt)]) },
    {
      links: [
        { label: 'See everyone who joined through the link', href: links.joinedThroughLink },
        { label: 'Resume or revoke the link (+ New Users › Active links)', textLabel: 'Resume or revoke it under + New Users › Active links', href: links.users },
      ],
    },
    { p: 'If they should not be there, select them on the Users page and remove them. If the link was shared further than meant, revoke it rather than resume it.' },
    { p: `You get this email because ${role === 'creator' ? 'you made the link' : role === 'admin' ? `you are an admin of ${domainName}` : `you made the link and are an admin of ${domainName}`}.` },
  ]);
}

/** Every way an invite link ends, in the words of the join page that says so. */
import { LINK_END_REASONS, type LinkEndReason } from '../../../shared/domain/errors.ts';

/** Why a link does not work, as the API's 410 says (`reason`), or as its code says when there is no reason. A paused link has not ended: components/join/approval.ts says so. */
export type Reason = Exclude<LinkEndReason, 'paused' | 'links-paused'> | 'not-found';
const REASON_OF_CODE: Record<string, Reason> = {
  LINK_EXPIRED: 'expired',
  LINK_USED_UP: 'used-up',
  LINK_REVOKED: 'revoked',
  LINKS_DISABLED: 'links-disabled',
  LINK_NOT_FOUND: 'not-found',
};
const REASONS = new Set<string>([...LINK_END_REASONS.filter((r) => r !== 'paused' && r !== 'links-paused'), 'not-found']);

/** An answer that says a link no longer works (or never did). */
export const isLinkEnd = (code: string, reason: string | undefined) => code in REASON_OF_CODE || REASONS.has(reason ?? '');

export const linkEndOf = (code: string, reason: string | undefined): Reason => (reason && REASONS.has(reason) ? (reason as Reason) : (REASON_OF_CODE[code] ?? 'not-found'));

export interface Problem {
  title: string;
  body: string[];
  action?: { href: string; text: string };
}

/**
 * How an invitation by email stopped working. The API answers an ended invitation with a link's
 * codes (a token is a token); its `detail` says which end (used, withdrawn, sent again), in words.
 */
function invitationProblem(reason: Reason, org: string | undefined, detail: string | undefined): Problem | undefined {
  const them = org ?? 'the organisation';
  const again = 'Ask the person who invited you for a new invitation.';
  switch (reason) {
    case 'expired':
      return { title: org ? `Your invitation to ${org} has expired` : 'This invitation has expired', body: ['Invitations work for a set time, and this one has run out.', again] };
    case 'creator-links-revoked':
      return {
        title: org ? `This invitation to ${org} no longer works` : 'This invitation no longer works',
        body: [`The person who sent it can no longer invite people to ${them}, so their invitations stopped working.`, `Ask someone else at ${them} to invite you.`],
      };
    case 'revoked':
      return {
        title: org ? `This invitation to ${org} no longer works` : 'This invitation no longer works',
        body: [detail ?? 'It was used, withdrawn, or sent again with a new link.', 'If you joined with it already, you are in: sign in instead.'],
        action: { href: '/signin', text: 'Sign in' },
      };
    default:
      return undefined;
  }
}

/** Every way a link (or an invitation by email) can stop working, in the words of the page that says so, naming the organisation when known. */
export function problemFor(reason: Reason, org: string | undefined, invitation?: { detail?: string }): Problem {
  const fromInvitation = invitation ? invitationProblem(reason, org, invitation.detail) : undefined;
  if (fromInvitation) return fromInvitation;
  const them = org ?? 'the organisation';
  const newLink = `Ask the person who sent it, or someone else at ${them}, for a new link.`;
  switch (reason) {
    case 'expired':
      return {
        title: org ? `Your invite to ${org} has expired` : 'This invite link has expired',
        body: ['Invite links work for a set time, and this one has run out.', newLink],
      };
    case 'used-up':
      return {
        title: org ? `Your invite to ${org} has been used up` : 'This invite link has been used up',
        body: [
          'The link was made for a set number of people, and that many have joined already.',
          'Ask the person who sent it for a new link. If you joined through this link before, you are in already: sign in instead.',
        ],
        action: { href: '/signin', text: 'Sign in' },
      };
    case 'revoked':
      return {
        title: org ? `This invite to ${org} was withdrawn` : 'This invite link was withdrawn',
        body: [`Someone at ${them} revoked this link, so it no longer works.`, `If you still mean to join, ${newLink.charAt(0).toLowerCase()}${newLink.slice(1)}`],
      };
    case 'all-deleted':
      return {
        title: org ? `${org} replaced its invite links` : 'This invite link was replaced',
        body: [
          `An admin of ${them} ended every invite link that existed at the time, this one among them. Links made since then work.`,
          newLink,
        ],
      };
    case 'creator-links-revoked':
      return {
        title: org ? `This invite to ${org} no longer works` : 'This invite link no longer works',
        body: [`The person who made this link can no longer invite people to ${them}, so the links they made stopped working.`, `Ask someone else at ${them} for a new link.`],
      };
    case 'turned-off':
      return {
        title: org ? `This invite to ${org} no longer works` : 'This invite link no longer works',
        body: [
          `${org ?? 'The organisation'} turned invite links off after this link was made. Links work again now, but links made before that stay off for good.`,
          newLink,
        ],
      };
    case 'links-disabled':
      return {
        title: org ? `Joining ${org} by link is turned off` : 'Joining by link is turned off',
        body: [`${org ?? 'The organisation'} has turned invite links off for now, so no invite link works.`, 'Ask the person who invited you for another way in, or for a new link once links are on again.'],
      };
    case 'not-found':
      return {
        title: 'We can’t find this invite link',
        body: [
          'The link may be incomplete: check that you opened or copied the whole link.',
          'If it came in an invitation email that was sent again since, only the newest email’s link works.',
          'If it still does not work, ask the person who sent it for a new link.',
        ],
      };
  }
}

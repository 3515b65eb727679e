/**
 * The notifier's port for its once-only emails: one claim per email that says whether it was sent,
 * so a replayed stream record finds it and sends nothing. shared/store/dynamodb/ implements it on
 * the table; docs/notifications.md gives the guarantees it carries.
 */

/** Which email of a join: the signup email to the link's creator, or the welcome to the person who joined. */
export type EmailKind = 'creator' | 'welcome';

/** One sending of an invitation's email: its first, or a resend. */
export type InvitationSending = { invitationId: string; sendCount: number };
/**
 * One email about a join request: to one approver (`to`, their user id) when it was made, or to the
 * person who asked when it was declined. Without `to`, the outbox item itself.
 */
export type JoinRequestSending = { requestId: string; kind: 'requested' | 'declined'; writtenAt: string; to?: string };
/** The email to the link's creator or an admin (`to`, their user id) that its guard paused it, once per pause and person. Without `to`, the outbox item. */
export type LinkPauseSending = { linkId: string; pausedAt: string; to?: string };

/** The warning to a link's creator that it ends soon (a day before its end, or at 80 % of its uses), once per link and kind; also its outbox item. */
export type LinkEndingSending = { linkId: string; ending: 'expiring' | 'uses' };

/** The warning that a membership ends at `memberUntil`, to the member or the link's creator (`to`, their user id), once each; its outbox item stays (the mark that it was written). */
export type MembershipEndingSending = { domainId: string; userId: string; memberUntil: string; to: string };

/** One email sent at most once: one of a join's two, one sending of an invitation, one about a join request, a guard's pause, a link's warning, or a membership's. */
export type ClaimedEmail = { joinId: string; kind: EmailKind } | InvitationSending | JoinRequestSending | LinkPauseSending | LinkEndingSending | MembershipEndingSending;

/** Where an email's claim stands. */
export type ClaimStatus = 'sending' | 'sent' | 'no-recipient' | 'failed';

/** What claiming found: ours to send, or already settled (or being sent right now) by another attempt. */
export type ClaimOutcome = 'claimed' | 'already-settled' | 'in-flight';

export interface NotificationClaims {
  /** Takes the claim if there is none, the last attempt failed, or a 'sending' claim is old enough to be a crash's leftover. */
  claim(email: ClaimedEmail, now: Date): Promise<ClaimOutcome>;
  /** SES accepted the email: replays send it no more. */
  sent(email: ClaimedEmail, to: string, messageId: string, now: Date): Promise<void>;
  /** Nobody to send it to (the creator left, the link said not to, the invitation ended): handled, never sent. */
  noRecipient(email: ClaimedEmail, now: Date): Promise<void>;
  /** Lets the next attempt take the claim again; the record itself is reported failed. */
  failed(email: ClaimedEmail, reason: string, now: Date): Promise<void>;
  /** Deletes an email's outbox item once its claim is settled: no sealed token, no request's or pause's email, stays in the table. */
  clearOutbox(email: InvitationSending | JoinRequestSending | LinkPauseSending | LinkEndingSending): Promise<void>;
}

/**
 * The notifier's port for its once-only emails: one claim per email that says whether it was sent,
 * so a replayed stream record finds it and sends nothing. shared/store/dynamodb/ implements it on
 * the table; docs/notifications.md gives the guarantees it carries.
 */

/** Which email of a join: the signup email to the link's creator, or the welcome to the person who joined. */
export type EmailKind = 'creator' | 'welcome';

/** One email sent at most once: one of a join's two, or one sending of an invitation (its first, or a resend). */
export type ClaimedEmail = { joinId: string; kind: EmailKind } | { invitationId: string; sendCount: number };

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
  /** Deletes an invitation email's outbox item once its claim is settled, so no sealed token stays in the table. */
  clearOutbox(invitationId: string, sendCount: number): Promise<void>;
}

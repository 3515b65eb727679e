/**
 * The notifier's port for its once-only emails: one claim per join and email that says whether it
 * was sent, so a replayed stream record finds it and sends nothing. shared/store/dynamodb/
 * implements it on the table; docs/notifications.md gives the guarantees it carries.
 */

/** Which email of a join: the signup email to the link's creator, or the welcome to the person who joined. */
export type EmailKind = 'creator' | 'welcome';

/** Where an email's claim stands. */
export type ClaimStatus = 'sending' | 'sent' | 'no-recipient' | 'failed';

/** What claiming found: ours to send, or already settled (or being sent right now) by another attempt. */
export type ClaimOutcome = 'claimed' | 'already-settled' | 'in-flight';

export interface NotificationClaims {
  /** Takes the claim if there is none, the last attempt failed, or a 'sending' claim is old enough to be a crash's leftover. */
  claim(joinId: string, kind: EmailKind, now: Date): Promise<ClaimOutcome>;
  /** SES accepted the email: replays of this join send it no more. */
  sent(joinId: string, kind: EmailKind, to: string, messageId: string, now: Date): Promise<void>;
  /** Nobody to send it to (the creator left, the link said not to): handled, never sent. */
  noRecipient(joinId: string, kind: EmailKind, now: Date): Promise<void>;
  /** Lets the next attempt take the claim again; the record itself is reported failed. */
  failed(joinId: string, kind: EmailKind, reason: string, now: Date): Promise<void>;
}

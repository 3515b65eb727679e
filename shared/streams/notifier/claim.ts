/**
 * The notifier's rules for its once-only emails; the claims themselves are kept by the store
 * (shared/store/notification-claims.ts). docs/notifications.md: the guarantees and the one window
 * in which an email can be sent twice.
 */
export type { EmailKind } from '../../store/notification-claims.ts';

/**
 * A claim still 'sending' after this long was left by a crash and may be taken again. Well above
 * the function's timeout (shared/streams/consumers.ts), so a live attempt never loses its claim.
 */
export const CLAIM_STALE_AFTER_SECONDS = 300;

/** Another attempt is sending this email right now: the record fails and is retried later. */
export class ClaimInFlight extends Error {
  override readonly name = 'ClaimInFlight';
}

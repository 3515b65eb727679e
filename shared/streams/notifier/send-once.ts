/**
 * One email at most once: claimed before anything is read or sent, settled after. The claims are
 * the store's (NotificationClaims); docs/notifications.md gives the guarantees and the one window
 * in which an email can be sent twice.
 */
import { count } from '../../observability/metrics.ts';
import { METRIC } from '../../observability/names.ts';
import { logger } from '../../observability/logger.ts';
import type { ClaimedEmail, NotificationClaims } from '../../store/notification-claims.ts';
import { ClaimInFlight } from './claim.ts';
import { sendEmail } from './mailer.ts';
import type { Email } from './email-layout.ts';

/** Who gets the email and what it says, or why nobody does. */
export type Composed = { to: string; email: Email } | { none: string };

/**
 * `label` names the email in logs and errors ("creator email", "invitation email"); `log` is what
 * every line about it carries: ids only, never an address's token. Resolves once the email is settled.
 */
export async function sendOnce(
  claims: NotificationClaims,
  which: ClaimedEmail,
  label: string,
  compose: () => Promise<Composed>,
  now: () => Date,
  log: Record<string, unknown>,
): Promise<void> {
  const claim = await claims.claim(which, now());
  if (claim === 'already-settled') {
    logger.info(`${label} already settled, skipping the replay`, log);
    return;
  }
  if (claim === 'in-flight') throw new ClaimInFlight(`the ${label} (${JSON.stringify(which)}) is being sent by another attempt`);

  let sent: { to: string; messageId: string };
  try {
    const message = await compose();
    if ('none' in message) {
      await claims.noRecipient(which, now());
      logger.info(`no ${label}: ${message.none}`, log);
      return;
    }
    sent = { to: message.to, messageId: await sendEmail(message.to, message.email) };
  } catch (error) {
    count(METRIC.emailsFailed);
    // Release the claim so the retry of this record can take it again.
    await claims.failed(which, (error as Error).message, now()).catch((release: unknown) =>
      logger.error('could not release the claim; it becomes takeable once stale', { ...log, error: release as Error }),
    );
    throw error;
  }
  // SES has accepted: a crash before this write is the one window that can duplicate the email.
  count(METRIC.emailsSent);
  await claims.sent(which, sent.to, sent.messageId, now());
  logger.info(`${label} sent`, { ...log, messageId: sent.messageId });
}

/** How one of the emails sent together ended: settled (sent now, before, or to nobody), or the error its record fails with. */
export type TogetherOutcome = { settled: true } | { settled: false; error: Error };

/**
 * Several once-only emails sent as ONE: each claimed, and those this attempt holds composed into
 * a single email and settled together (the others were sent before, or are being sent right now:
 * their records fail and come again). Same guarantees and window as sendOnce, for each of them.
 */
export async function sendOnceTogether(
  claims: NotificationClaims,
  which: readonly ClaimedEmail[],
  label: string,
  compose: (held: number[]) => Promise<Composed>,
  now: () => Date,
  log: Record<string, unknown>,
): Promise<TogetherOutcome[]> {
  const found = await Promise.all(which.map((w) => claims.claim(w, now()).catch((error: unknown) => error as Error)));
  const outcomes: TogetherOutcome[] = found.map((claim, i) => {
    if (claim instanceof Error) return { settled: false, error: claim };
    if (claim === 'in-flight') return { settled: false, error: new ClaimInFlight(`the ${label} (${JSON.stringify(which[i])}) is being sent by another attempt`) };
    return { settled: true };
  });
  const held = found.flatMap((claim, i) => (claim === 'claimed' ? [i] : []));
  if (found.some((claim) => claim === 'already-settled')) logger.info(`${label}: some already settled, skipping the replays`, log);
  if (held.length === 0) return outcomes;

  const settleAll = (settle: (w: ClaimedEmail) => Promise<void>) => Promise.all(held.map((i) => settle(which[i]!)));
  let sent: { to: string; messageId: string };
  try {
    const message = await compose(held);
    if ('none' in message) {
      await settleAll((w) => claims.noRecipient(w, now()));
      logger.info(`no ${label}: ${message.none}`, { ...log, emails: held.length });
      return outcomes;
    }
    sent = { to: message.to, messageId: await sendEmail(message.to, message.email) };
  } catch (error) {
    count(METRIC.emailsFailed);
    await settleAll((w) => claims.failed(w, (error as Error).message, now())).catch((release: unknown) =>
      logger.error('could not release the claims; they become takeable once stale', { ...log, error: release as Error }),
    );
    for (const i of held) outcomes[i] = { settled: false, error: error as Error };
    return outcomes;
  }
  // SES has accepted: a crash before these writes is the one window that can duplicate the email.
  count(METRIC.emailsSent);
  await settleAll((w) => claims.sent(w, sent.to, sent.messageId, now()));
  logger.info(`${label} sent`, { ...log, messageId: sent.messageId, emails: held.length });
  return outcomes;
}

/**
 * Stream-triggered: for each join, emails the link's creator (the signup email) and the person who
 * joined (the welcome), each exactly once. It only ever sees join INSERTs (its filter in
 * shared/streams/consumers.ts, in AWS and in the local stream reader). Delivery guarantees and the
 * one duplicate window: docs/notifications.md.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { JoinRecord } from '#shared/domain/types.ts';
import { logger } from '#shared/observability/logger.ts';
import { count } from '#shared/observability/metrics.ts';
import { METRIC } from '#shared/observability/names.ts';
import { watchedHandler } from '#shared/observability/watch.ts';
import { STREAM_CONSUMERS } from '#shared/streams/consumers.ts';
import { CLAIM_STALE_AFTER_SECONDS, ClaimInFlight, type EmailKind } from '#shared/streams/notifier/claim.ts';
import { joinOf } from '#shared/streams/notifier/join-image.ts';
import { appPageUrl, sendEmail } from '#shared/streams/notifier/mailer.ts';
import { audienceOf, joinContextOf, type JoinContext } from '#shared/streams/notifier/recipients.ts';
import { signupEmail, type Email } from '#shared/streams/notifier/signup-email.ts';
import { welcomeEmail } from '#shared/streams/notifier/welcome-email.ts';
import { notificationClaims, store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const claims = notificationClaims({ staleAfterSeconds: CLAIM_STALE_AFTER_SECONDS });

/** Who gets which email of a join, or why nobody does. */
function compose(kind: EmailKind, join: JoinRecord, context: JoinContext | undefined): { to: string; email: Email } | { none: string } {
  if (!context) return { none: 'the domain no longer exists' };
  if (kind === 'welcome') return { to: join.email, email: welcomeEmail(join, context, appPageUrl('home', join.domainId)) };
  if (join.notifyCreator === false) return { none: 'the link was made with notifyCreator false' };
  const audience = audienceOf(context);
  if (!audience) return { none: 'the link creator is no longer a member of the domain' };
  const links = { users: appPageUrl('users', join.domainId), activity: appPageUrl('activity', join.domainId) };
  return { to: audience.recipient.email, email: signupEmail(join, audience, links) };
}

/** One email of a join, at most once: claimed before sending, settled after. */
async function sendOnce(kind: EmailKind, join: JoinRecord, context: () => Promise<JoinContext | undefined>, log: Record<string, unknown>): Promise<void> {
  const claim = await claims.claim(join.joinId, kind, now());
  if (claim === 'already-settled') {
    logger.info('email already settled, skipping the replay', { ...log, kind });
    return;
  }
  if (claim === 'in-flight') throw new ClaimInFlight(`the ${kind} email of join ${join.joinId} is being sent by another attempt`);

  let sent: { to: string; messageId: string };
  try {
    const message = compose(kind, join, await context());
    if ('none' in message) {
      await claims.noRecipient(join.joinId, kind, now());
      logger.info(`no ${kind} email: ${message.none}`, log);
      return;
    }
    sent = { to: message.to, messageId: await sendEmail(message.to, message.email) };
  } catch (error) {
    count(METRIC.emailsFailed);
    // Release the claim so the retry of this record can take it again.
    await claims.failed(join.joinId, kind, (error as Error).message, now()).catch((release: unknown) =>
      logger.error('could not release the claim; it becomes takeable once stale', { ...log, kind, error: release as Error }),
    );
    throw error;
  }
  // SES has accepted: a crash before this write is the one window that can duplicate the email.
  count(METRIC.emailsSent);
  await claims.sent(join.joinId, kind, sent.to, sent.messageId, now());
  logger.info(`${kind} email sent`, { ...log, kind, messageId: sent.messageId });
}

async function notifyJoin(record: DynamoDBRecord): Promise<void> {
  const join = joinOf(record);
  const log = { joinId: join.joinId, linkId: join.linkId, domainId: join.domainId, sequenceNumber: record.dynamodb?.SequenceNumber };
  // Read once, and only if an email is still to be sent.
  let context: Promise<JoinContext | undefined> | undefined;
  const read = () => (context ??= joinContextOf(join, store));
  await sendOnce('creator', join, read, log);
  await sendOnce('welcome', join, read, log);
}

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  try {
    await notifyJoin(record);
  } catch (error) {
    // A warning: the record is retried; only the dead-letter destination means it was given up.
    logger.warn('a join email failed; the record is reported in batchItemFailures', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      error: error as Error,
    });
    throw error;
  }
}

export const handler = watchedHandler(STREAM_CONSUMERS.notifier.name, (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false }),
);

/**
 * Stream-triggered: emails a link's creator each time someone joins through the link.
 * It only ever sees join INSERTs (JOIN_RECORD_FILTER, in AWS and in the local stream reader).
 * Delivery guarantees and the one duplicate window: docs/notifications.md.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { tableName } from '#shared/config.ts';
import { logger } from '#shared/http/logger.ts';
import { ClaimInFlight, NotificationClaims } from '#shared/notify/claim.ts';
import { joinOf } from '#shared/notify/join-image.ts';
import { sendEmail, usersPageUrl } from '#shared/notify/mailer.ts';
import { audienceOf } from '#shared/notify/recipients.ts';
import { signupEmail } from '#shared/notify/signup-email.ts';
import { dynamoDb } from '#shared/store/dynamodb/client.ts';
import { store } from '#shared/store/dynamodb/index.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const claims = new NotificationClaims(dynamoDb, tableName());

async function notifyCreator(record: DynamoDBRecord): Promise<void> {
  const join = joinOf(record);
  const log = { joinId: join.joinId, linkId: join.linkId, domainId: join.domainId, sequenceNumber: record.dynamodb?.SequenceNumber };

  const claim = await claims.claim(join.joinId, new Date());
  if (claim === 'already-settled') {
    logger.info('join already notified, skipping the replay', log);
    return;
  }
  if (claim === 'in-flight') throw new ClaimInFlight(`join ${join.joinId} is being notified by another attempt`);

  let messageId: string;
  let to: string;
  try {
    if (join.notifyCreator === false) {
      await claims.noRecipient(join.joinId, new Date());
      logger.info('the link was made with notifyCreator false: join recorded, no email', log);
      return;
    }
    const audience = await audienceOf(join, store);
    if (!audience) {
      await claims.noRecipient(join.joinId, new Date());
      logger.info('link creator is no longer a member of the domain: join recorded, no email', log);
      return;
    }
    to = audience.recipient.email;
    messageId = await sendEmail(to, signupEmail(join, audience, usersPageUrl(join.domainId)));
  } catch (error) {
    // Release the claim so the retry of this record can take it again.
    await claims.failed(join.joinId, (error as Error).message, new Date()).catch((release: unknown) =>
      logger.error('could not release the claim; it becomes takeable once stale', { ...log, error: release as Error }),
    );
    throw error;
  }
  // SES has accepted: a crash before this write is the one window that can duplicate the email.
  await claims.sent(join.joinId, to, messageId, new Date());
  logger.info('signup notification sent', { ...log, messageId });
}

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  try {
    await notifyCreator(record);
  } catch (error) {
    // A warning: the record is retried; only the dead-letter destination means it was given up.
    logger.warn('signup notification failed; the record is reported in batchItemFailures', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      error: error as Error,
    });
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });

/**
 * Stream-triggered: for each join, emails the link's creator (the signup email) or the inviter (the
 * accepted email) and the person who joined (the welcome); for each invitation email in the outbox,
 * emails the invited person their link. Each email exactly once. It only ever sees join and
 * invitation-email INSERTs (its filter in shared/streams/consumers.ts, in AWS and in the local
 * stream reader). Delivery guarantees and the one duplicate window: docs/notifications.md.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/observability/logger.ts';
import { watchedHandler } from '#shared/observability/watch.ts';
import { STREAM_CONSUMERS } from '#shared/streams/consumers.ts';
import { CLAIM_STALE_AFTER_SECONDS } from '#shared/streams/notifier/claim.ts';
import { notifyInvitation } from '#shared/streams/notifier/invitation-emails.ts';
import { invitationEmailOf } from '#shared/streams/notifier/invitation-image.ts';
import { notifyJoin } from '#shared/streams/notifier/join-emails.ts';
import { joinOf } from '#shared/streams/notifier/join-image.ts';
import { ENTITY } from '#shared/store/dynamodb/table.ts';
import { notificationClaims, store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';
import { now } from '#shared/clock.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const claims = notificationClaims({ staleAfterSeconds: CLAIM_STALE_AFTER_SECONDS });
const deps = { store, claims, now, vault: tokenVault };

async function notify(record: DynamoDBRecord): Promise<void> {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (record.dynamodb?.NewImage?.entityType?.S === ENTITY.InvitationEmail) {
    const outbox = invitationEmailOf(record);
    await notifyInvitation(outbox, deps, { invitationId: outbox.invitationId, sendCount: outbox.sendCount, domainId: outbox.domainId, sequenceNumber });
    return;
  }
  const join = joinOf(record);
  await notifyJoin(join, deps, { joinId: join.joinId, linkId: join.linkId, invitationId: join.invitationId, domainId: join.domainId, sequenceNumber });
}

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  try {
    await notify(record);
  } catch (error) {
    // A warning: the record is retried; only the dead-letter destination means it was given up.
    logger.warn('an email failed; the record is reported in batchItemFailures', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      error: error as Error,
    });
    throw error;
  }
}

export const handler = watchedHandler(STREAM_CONSUMERS.notifier.name, (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false }),
);

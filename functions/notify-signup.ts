/**
 * Stream-triggered: for each join, emails the link's creator (the signup email) or the inviter (the
 * accepted email) and the person who joined (the welcome); for each invitation email in the outbox,
 * emails the invited person their link; for each join-request email, the approver (one email for
 * all of a batch's requests to them) or the person declined; for each link its guard paused (the
 * events feed wrote the outbox item with the pause), its creator; for each link's warning (a day
 * before its end, or at 80 % of its uses), its creator; for each membership ending in three days, the
 * member and the link's creator. Each email exactly once. It only ever sees join and outbox INSERTs (its filter in
 * shared/streams/consumers.ts, in AWS and in the local stream reader). Delivery guarantees and the
 * one duplicate window: docs/notifications.md.
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
import { notifyLinkEnding } from '#shared/streams/notifier/link-ending-emails.ts';
import { notifyLinkPaused } from '#shared/streams/notifier/link-paused-emails.ts';
import { notifyMembershipEnding } from '#shared/streams/notifier/membership-ending-emails.ts';
import { notifyDeclined, startRequestEmails } from '#shared/streams/notifier/join-request-emails.ts';
import { ENTITY } from '#shared/store/dynamodb/table.ts';
import { notificationClaims, store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';
import { now } from '#shared/clock.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const claims = notificationClaims({ staleAfterSeconds: CLAIM_STALE_AFTER_SECONDS });
const deps = { store, claims, now, vault: tokenVault };

const entityOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.entityType?.S;

/** What a record's handler awaits that was started for the whole batch, by its sequence number: its share of an approver's email. */
type Started = Map<string | undefined, () => Promise<void>>;

async function notify(record: DynamoDBRecord): Promise<void> {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (entityOf(record) === ENTITY.JoinRequestEmail) {
    await notifyDeclined(record, deps, { sequenceNumber });
    return;
  }
  if (entityOf(record) === ENTITY.InvitationEmail) {
    const outbox = invitationEmailOf(record);
    await notifyInvitation(outbox, deps, { invitationId: outbox.invitationId, sendCount: outbox.sendCount, domainId: outbox.domainId, sequenceNumber });
    return;
  }
  if (entityOf(record) === ENTITY.LinkPausedEmail) {
    await notifyLinkPaused(record, deps, { sequenceNumber });
    return;
  }
  if (entityOf(record) === ENTITY.LinkEndingEmail) {
    await notifyLinkEnding(record, deps, { sequenceNumber });
    return;
  }
  if (entityOf(record) === ENTITY.MembershipEndingEmail) {
    await notifyMembershipEnding(record, deps, { sequenceNumber });
    return;
  }
  const join = joinOf(record);
  await notifyJoin(join, deps, { joinId: join.joinId, linkId: join.linkId, invitationId: join.invitationId, domainId: join.domainId, sequenceNumber });
}

async function recordHandler(record: DynamoDBRecord, requests: Started): Promise<void> {
  try {
    await (requests.get(record.dynamodb?.SequenceNumber) ?? (() => notify(record)))();
  } catch (error) {
    // A warning: the record is retried; only the dead-letter destination means it was given up.
    logger.warn('an email failed; the record is reported in batchItemFailures', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      error: error as Error,
    });
    throw error;
  }
}

export const handler = watchedHandler(STREAM_CONSUMERS.notifier.name, (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  // Started for the whole batch at once, each record then reporting its own outcome: the batch's requests to each approver go as one email.
  const requests = startRequestEmails(event.Records.filter((r) => entityOf(r) === ENTITY.JoinRequestEmail), deps);
  return processPartialResponse(event, (record: DynamoDBRecord) => recordHandler(record, requests), processor, { context, throwOnFullBatchFailure: false });
});

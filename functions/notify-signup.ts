/**
 * Stream-triggered: for each join, runs the link's guard (shared/streams/guard/) and emails the
 * link's creator (the signup email) or the inviter (the accepted email) and the person who joined
 * (the welcome); for each invitation email in the outbox, emails the invited person their link; for
 * each join-request email, the approver (one email for all of a batch's requests to them) or the
 * person declined. Each email exactly once. It only ever sees join and outbox INSERTs (its filter in
 * shared/streams/consumers.ts, in AWS and in the local stream reader). Delivery guarantees and the
 * one duplicate window: docs/notifications.md.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/observability/logger.ts';
import { watchedHandler } from '#shared/observability/watch.ts';
import { STREAM_CONSUMERS } from '#shared/streams/consumers.ts';
import { CLAIM_STALE_AFTER_SECONDS } from '#shared/streams/notifier/claim.ts';
import { startGuards } from '#shared/streams/guard/guard.ts';
import { notifyInvitation } from '#shared/streams/notifier/invitation-emails.ts';
import { invitationEmailOf } from '#shared/streams/notifier/invitation-image.ts';
import { notifyJoin } from '#shared/streams/notifier/join-emails.ts';
import { joinOf } from '#shared/streams/notifier/join-image.ts';
import { notifyDeclined, startRequestEmails } from '#shared/streams/notifier/join-request-emails.ts';
import { ENTITY } from '#shared/store/dynamodb/table.ts';
import { linkGuardCounts, notificationClaims, store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';
import { now } from '#shared/clock.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const claims = notificationClaims({ staleAfterSeconds: CLAIM_STALE_AFTER_SECONDS });
const deps = { store, claims, now, vault: tokenVault, counts: linkGuardCounts() };

const entityOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.entityType?.S;
/** A join record as the guard takes it; one that does not parse is left to its handler, which reports why. */
const parsedJoin = (record: DynamoDBRecord) => {
  try {
    return [{ sequenceNumber: record.dynamodb?.SequenceNumber, join: joinOf(record) }];
  } catch {
    return [];
  }
};

/** What a record's handler awaits that was started for the whole batch, by its sequence number: its link's guard, or its share of an approver's email. */
type Started = Map<string | undefined, () => Promise<void>>;

async function notify(record: DynamoDBRecord, guards: Started): Promise<void> {
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
  const join = joinOf(record);
  const log = { joinId: join.joinId, linkId: join.linkId, invitationId: join.invitationId, domainId: join.domainId, sequenceNumber };
  // The guard first: a burst is stopped before its emails go out.
  await guards.get(sequenceNumber)?.();
  await notifyJoin(join, deps, log);
}

async function recordHandler(record: DynamoDBRecord, requests: Started, guards: Started): Promise<void> {
  try {
    await (requests.get(record.dynamodb?.SequenceNumber) ?? (() => notify(record, guards)))();
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
  // Started for the whole batch at once, each record then reporting its own outcome: the batch's requests to each approver
  // go as one email, and each guarded link's joins are counted together, before their emails.
  const requests = startRequestEmails(event.Records.filter((r) => entityOf(r) === ENTITY.JoinRequestEmail), deps);
  const guards = startGuards(event.Records.filter((r) => entityOf(r) === ENTITY.Join).flatMap(parsedJoin), deps);
  return processPartialResponse(event, (record: DynamoDBRecord) => recordHandler(record, requests, guards), processor, { context, throwOnFullBatchFailure: false });
});

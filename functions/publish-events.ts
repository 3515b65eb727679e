/**
 * Stream-triggered: publishes every activity entry (its filter in shared/streams/consumers.ts, in
 * AWS and in the local stream reader) as an EventBridge event on the service's bus, and runs each
 * guarded link's guard on its join records (shared/streams/guard/), which never waits on email; it
 * adds links' stats up from join records and the marks lookups and refused joins leave
 * (shared/streams/link-stats/; marks are not published). One of the stream's two readers;
 * integrations and any later consumer subscribe on the bus (docs/events.md).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBusName } from '#shared/config.ts';
import { activityOfRecord, eventBridge, eventEntry, putEvent } from '#shared/streams/events-feed/feed.ts';
import { logger } from '#shared/observability/logger.ts';
import { count } from '#shared/observability/metrics.ts';
import { METRIC } from '#shared/observability/names.ts';
import { watchedHandler } from '#shared/observability/watch.ts';
import { STREAM_CONSUMERS } from '#shared/streams/consumers.ts';
import { startGuards } from '#shared/streams/guard/guard.ts';
import { startUseChecks } from '#shared/streams/link-ends/uses.ts';
import { now } from '#shared/clock.ts';
import { isStatsMark, startLinkStats } from '#shared/streams/link-stats/link-stats.ts';
import { linkGuardCounts, linkStats, store, timerStore } from '#shared/store/dynamodb/index.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const guardDeps = { store, counts: linkGuardCounts() };
const linkEndDeps = { timers: timerStore(), now };

/** What a join record's handler awaits of its link's guard, started for the whole batch, by its sequence number. */
type Guards = Map<string | undefined, () => Promise<void>>;

/** The guard first: a join's MemberJoined event on the bus says its link's guard has counted it. */
async function guard(record: DynamoDBRecord, guards: Guards): Promise<void> {
  try {
    await guards.get(record.dynamodb?.SequenceNumber)?.();
  } catch (error) {
    logger.warn('the link\'s guard failed; the record is reported in batchItemFailures', { sequenceNumber: record.dynamodb?.SequenceNumber, error: error as Error });
    throw error;
  }
}

async function publish(record: DynamoDBRecord): Promise<void> {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  try {
    const entry = activityOfRecord(record);
    const busEventId = await putEvent(eventBridge, eventEntry(entry, eventBusName()));
    count(METRIC.eventsPublished);
    logger.info('event published', { type: entry.type, eventId: entry.eventId, domainId: entry.domainId, busEventId, sequenceNumber });
  } catch (error) {
    count(METRIC.eventsFailed);
    // A warning: the record is retried; only the dead-letter queue means it was given up.
    logger.warn('publishing the event failed; the record is reported in batchItemFailures', { sequenceNumber, error: error as Error });
    throw error;
  }
}

export const handler = watchedHandler(STREAM_CONSUMERS.eventsFeed.name, (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  // Each guarded link's joins of the batch are counted together, at once.
  const guards = startGuards(event.Records, guardDeps);
  // Each link with a use limit is checked once for the batch: its creator's warning at 80 %, InviteLinkUsedUp at the last use.
  const useChecks = startUseChecks(event.Records, linkEndDeps);
  // Each link's counts of the batch are added in one write, at once.
  const counts = startLinkStats(event.Records, linkStats);
  return processPartialResponse(event, async (record: DynamoDBRecord) => {
    await guard(record, guards);
    await useChecks.get(record.dynamodb?.SequenceNumber)?.();
    await counts.get(record.dynamodb?.SequenceNumber)?.();
    if (isStatsMark(record)) return;
    await publish(record);
  }, processor, { context, throwOnFullBatchFailure: false });
});

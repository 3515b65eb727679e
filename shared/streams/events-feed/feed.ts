/**
 * The events feed: an activity entry from the table's stream becomes one EventBridge event.
 * PutEvents answers per entry; a failed entry is retried here a few times, then the record is
 * reported failed, so the stream retries it and finally dead-letters it. Redeliveries carry the
 * same eventId (it is written in the entry), so consumers drop repeats.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { activityOfItem } from '../../store/dynamodb/activity-items.ts';
import { EVENT_DETAILS, type ActivityEntry } from '../../contract/event-schemas.ts';
import { EVENT_SOURCE, type EventType } from '../../contract/event-types.ts';
import { traced } from '../../observability/tracer.ts';

/** EventBridge, once per cold start. */
export const eventBridge = traced(new EventBridgeClient({}));

/** A record that can never become an event: retrying will not help, the dead-letter queue gets it. */
export class MalformedActivityRecord extends Error {
  override readonly name = 'MalformedActivityRecord';
}

export function activityOfRecord(record: DynamoDBRecord): ActivityEntry {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new MalformedActivityRecord(`record ${record.dynamodb?.SequenceNumber} has no new image`);
  let entry: ActivityEntry;
  try {
    entry = activityOfItem(unmarshall(image as Record<string, AttributeValue>));
  } catch (error) {
    throw new MalformedActivityRecord(`record ${record.dynamodb?.SequenceNumber}: ${(error as Error).message}`);
  }
  const { type, ...detail } = entry;
  const schema = EVENT_DETAILS[type as EventType];
  const parsed = schema?.safeParse(detail);
  if (!parsed?.success) {
    const fields = parsed ? parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ') : `unknown type "${String(type)}"`;
    throw new MalformedActivityRecord(`record ${record.dynamodb?.SequenceNumber} is not a valid activity entry: ${fields}`);
  }
  return entry;
}

/** The PutEvents entry for an activity entry: the event's time is when the change was made. */
export function eventEntry(entry: ActivityEntry, eventBusName: string): PutEventsRequestEntry {
  const { type, ...detail } = entry;
  return { Source: EVENT_SOURCE, DetailType: type, Detail: JSON.stringify(detail), EventBusName: eventBusName, Time: new Date(entry.occurredAt) };
}

const ATTEMPTS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Puts one event, retrying the entry EventBridge refused (throttling, internal failure) with backoff. */
export async function putEvent(bus: EventBridgeClient, entry: PutEventsRequestEntry): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const { Entries, FailedEntryCount } = await bus.send(new PutEventsCommand({ Entries: [entry] }));
    const result = Entries?.[0];
    if (!FailedEntryCount && result?.EventId) return result.EventId;
    if (attempt >= ATTEMPTS) throw new Error(`PutEvents refused the event: ${result?.ErrorCode ?? 'no result'} ${result?.ErrorMessage ?? ''}`.trim());
    await sleep(100 * 2 ** attempt + Math.random() * 100);
  }
}

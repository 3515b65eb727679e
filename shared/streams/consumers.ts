/**
 * THE stream consumer table: each function the table's stream feeds, once, with everything about
 * it: which records it gets, how the stream delivers them, what it may do in the table, which
 * settings it is told, what it may do elsewhere, and what its alarms say. Its code is
 * functions/<name>.ts and its own folder here. The CDK (one function, event source mapping,
 * dead-letter queue and alarms per entry), the local stack (one stream reader per entry), the
 * bench and the IAM emulation all read it; docs/adding-a-stream-consumer.md is the checklist.
 * Importing this module needs no environment variable.
 */
import { SETTINGS } from '../config.ts';
import type { TableAction } from '../contract/operations.ts';
import { ENTITY } from '../store/dynamodb/table.ts';

/**
 * AWS advises no more than two processes reading a DynamoDB stream shard at once; more are
 * throttled. Both are taken: the next consumers subscribe on the service's bus (docs/events.md).
 */
export const STREAM_READERS_PER_SHARD = 2;

/** A Lambda FilterCriteria pattern: nested keys down to arrays of exact values, one of which must match. */
export type RecordFilter = { readonly [key: string]: RecordFilter | readonly (string | number | boolean | null)[] };

/** The event source mapping's settings; the local stream reader follows the same numbers. */
export interface StreamDelivery {
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  /** Retries of a failed batch (from its first failed record) before it goes to the dead-letter queue. */
  maxRetryAttempts: number;
  /** Older records skip the function and go straight to the dead-letter queue. */
  maxRecordAgeSeconds: number;
  reportBatchItemFailures: boolean;
  /** In AWS a batch whose invocation fails as a whole is split in half to isolate the bad record; the local reader does not bisect. */
  bisectBatchOnFunctionError: boolean;
  parallelizationFactor: number;
  functionTimeoutSeconds: number;
}

/** A setting a consumer may be told, by its variable's name (SETTINGS); the construct's props give the value. */
export type ConsumerSetting = (typeof SETTINGS)['notifyFrom' | 'publicBaseUrl' | 'eventBusName'];

/**
 * What a consumer may do outside the table, in words the infra turns into policy:
 * `send-email-as-sender` is ses:SendEmail only with the configured sender as From, to anyone;
 * `put-events-on-bus` is events:PutEvents on the service's bus only;
 * `open-sealed-tokens` is kms:Decrypt on the link key, only for a token sealed for one link or
 * invitation (the seal context's keys), with the key's ARN in INVITE_LINK_KEY_ARN.
 */
export type ConsumerGrant = 'send-email-as-sender' | 'put-events-on-bus' | 'open-sealed-tokens';

export interface StreamConsumer {
  /** Its file under functions/, without `.ts`. */
  name: string;
  /** The Lambda function's description. */
  description: string;
  filter: RecordFilter;
  delivery: StreamDelivery;
  /** Its own DynamoDB calls (reading the stream comes with the mapping); with none it is not told the table's name. */
  tableActions: readonly TableAction[];
  environment: readonly ConsumerSetting[];
  grants: readonly ConsumerGrant[];
  /** Its dead-letter queue: the dashboard's `label`, the stack `output` naming its URL, what it `holds`. */
  deadLetters: { label: string; output: string; holds: string };
  /** What each alarm says when it fires. */
  alarms: { deadLetters: string; errors: string; iteratorAge: string };
}

export const STREAM_CONSUMERS = {
  /** One email to the link's creator (or inviter) and one welcome to the person who joined; each invitation, join-request and link-paused email (docs/notifications.md). */
  notifier: {
    name: 'notify-signup',
    description: 'invite-links: emails a link\'s creator and the person who joined, for each join, each invitation, each join request and each link its guard paused (table stream)',
    // Join and outbox (invitation, join-request, link-paused, link-ending and membership-ending email) inserts only: not the notifier's own claims, not updates, not TTL removals.
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: [ENTITY.Join, ENTITY.InvitationEmail, ENTITY.JoinRequestEmail, ENTITY.LinkPausedEmail, ENTITY.LinkEndingEmail, ENTITY.MembershipEndingEmail] } } } },
    delivery: {
      // A new mapping also sends for the joins already in the stream (24 h).
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      maxRetryAttempts: 5,
      // An email much later than this is noise; the dead-letter queue says it was never sent.
      maxRecordAgeSeconds: 6 * 3600,
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      parallelizationFactor: 1,
      // Long enough for SES's own retries (4 attempts, 5 s request timeout each) on a full batch.
      functionTimeoutSeconds: 60,
    },
    // It claims each email with a conditional write, then reads the creator's membership and the domain's directory together
    // (for an invitation, the invitation itself), for a join request or a paused link the domain's admins too (a Query of its
    // members on the by-domain index), and deletes an outbox item once sent.
    tableActions: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'QueryByDomain'],
    // PUBLIC_BASE_URL gives the emails their links to the domain's pages and the invitation's join link.
    environment: [SETTINGS.notifyFrom, SETTINGS.publicBaseUrl],
    // It opens each invitation's sealed token to put it in the email's link.
    grants: ['send-email-as-sender', 'open-sealed-tokens'],
    deadLetters: { label: 'signup notifications', output: 'NotifierDlqUrl', holds: 'Join notifications, invitation, join-request and link-paused emails that failed every retry' },
    alarms: {
      deadLetters: 'A join notification, invitation, join-request or link-paused email failed every retry and waits in the dead-letter queue.',
      errors: 'The notifier function failed (a whole invocation, not one record).',
      iteratorAge: 'The notifier is falling behind the table stream.',
    },
  },
  /** Every activity entry as an EventBridge event on the service's bus (docs/events.md), and the link's guard on every join (docs/notifications.md). */
  eventsFeed: {
    name: 'publish-events',
    description: 'invite-links: publishes each change (activity entry on the table stream) on the event bus; pauses a link past its join-rate guard; counts links\' stats',
    // Every activity entry as it is written, join records (MemberJoined) included; entries are only inserted, and their TTL removals are not events.
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: [ENTITY.Activity, ENTITY.Join, ENTITY.LinkVisit, ENTITY.LinkRefusal] } } } },
    delivery: {
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      maxRetryAttempts: 10,
      // An integration would rather know than get day-old news late.
      maxRecordAgeSeconds: 24 * 3600,
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      parallelizationFactor: 1,
      functionTimeoutSeconds: 30,
    },
    // Everything it publishes is in the record's new image. For a guarded link's join it adds the join to its one-second bucket
    // (UpdateItem), reads the window's buckets (Query), and past the threshold reads the link (GetItem), the burst's join records
    // (BatchGetItem) and pauses it: a transaction of UpdateItem on the link and PutItem of the entry and the creator's email, then
    // one per counter (UpdateItem, with ConditionCheckItem on the link still carrying that pause). It adds each link's stats of the
    // batch (its joins, and the visit and refusal marks it lets through only for this) to the link's stats item (UpdateItem).
    tableActions: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem', 'Query', 'ConditionCheckItem'],
    environment: [SETTINGS.eventBusName],
    grants: ['put-events-on-bus'],
    deadLetters: { label: 'events', output: 'EventsDlqUrl', holds: 'Activity records that failed every retry to become events (or a guarded link\'s join its guard failed to count)' },
    alarms: {
      deadLetters: 'An event (or a join its link\'s guard must count) failed every retry and waits, unpublished, in the events feed\'s dead-letter queue.',
      errors: 'The events feed function failed (a whole invocation, not one record).',
      iteratorAge: 'The events feed is falling behind the table stream.',
    },
  },
} as const satisfies Record<string, StreamConsumer>;

export type ConsumerKey = keyof typeof STREAM_CONSUMERS;
export type ConsumerName = (typeof STREAM_CONSUMERS)[ConsumerKey]['name'];
/** An entry with its key in the table (the construct's id, the local stack's option). */
export type NamedStreamConsumer = StreamConsumer & { key: string };

export const CONSUMER_LIST: readonly (NamedStreamConsumer & { key: ConsumerKey; name: ConsumerName })[] = Object.entries(STREAM_CONSUMERS).map(
  ([key, consumer]) => ({ key: key as ConsumerKey, ...consumer }),
);

/** Refuses more readers of the stream than a shard takes: the CDK app and the local stack both ask before they wire any. */
export function checkStreamReaders(consumers: readonly Pick<StreamConsumer, 'name'>[]): void {
  if (consumers.length <= STREAM_READERS_PER_SHARD) return;
  throw new Error(
    `${consumers.length} stream consumers (${consumers.map((c) => c.name).join(', ')}) but a DynamoDB stream shard takes ${STREAM_READERS_PER_SHARD} readers: ` +
      'subscribe the new consumer on the service\'s event bus instead (docs/events.md, "Two readers per stream shard").',
  );
}

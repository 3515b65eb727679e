/**
 * The single table, described once: the CDK stack, the local stack and the tests all build it
 * from this. docs/data-model.md explains every item type and access pattern.
 */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Members and links of a domain, listed by domain. */
  byDomainIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  ttlAttribute: 'ttl',
  /** The notifier reads join records from the stream; it needs only the new image. */
  streamView: 'NEW_IMAGE',
} as const;

/**
 * How many items each per-join hot spot is spread over, so that concurrent joins rarely hold the
 * same item (in AWS a transaction is cancelled when another in-flight one holds any of its items).
 * Every join holds one random domain gate and one random use counter of its link; the writes that
 * kill links (delete-all, disable, revoke-one) update every gate, or every counter, in their one
 * transaction. docs/data-model.md explains the numbers.
 */
export const SHARDS = { domainGates: 64, linkCounters: 16 } as const;

export const ENTITY = {
  Domain: 'Domain',
  DomainGate: 'DomainGate',
  LinkCounter: 'LinkCounter',
  LinkQuota: 'LinkQuota',
  Directory: 'Directory',
  User: 'User',
  Membership: 'Membership',
  MemberEmail: 'MemberEmail',
  InviteLink: 'InviteLink',
  LinkExpiry: 'LinkExpiry',
  Join: 'Join',
  Activity: 'Activity',
  NotificationClaim: 'NotificationClaim',
} as const;

/**
 * The notifier's event filter, in the Lambda FilterCriteria pattern language. The CDK event
 * source mapping and the local stream reader both use this one object.
 */
export const JOIN_RECORD_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entityType: { S: [ENTITY.Join] } } },
} as const;

/**
 * The events feed's filter: every activity entry, the join records (MemberJoined) included, as it
 * is written. Entries are only ever inserted; their TTL removals are not events.
 */
export const ACTIVITY_RECORD_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entityType: { S: [ENTITY.Activity, ENTITY.Join] } } },
} as const;

/**
 * How the notifier is fed from the stream. The CDK event source mapping and the local stream
 * reader both use these numbers; docs/notifications.md explains them.
 */
export const NOTIFIER_DELIVERY = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 100,
  /** Retries of a failed batch (from its first failed record) before it goes to the dead-letter destination. */
  maxRetryAttempts: 5,
  /** Records older than this skip the function and go straight to the dead-letter destination. */
  maxRecordAgeSeconds: 6 * 3600,
  reportBatchItemFailures: true,
  /** In AWS a batch whose invocation fails as a whole is split in half to isolate the bad record. The local
   * reader does not bisect: the handler reports item failures and does not fail whole batches. */
  bisectBatchOnFunctionError: true,
  parallelizationFactor: 1,
  /** Long enough for SES's own retries (4 attempts, 5 s request timeout each) on a full batch. */
  functionTimeoutSeconds: 60,
  /** A claim still 'sending' after this long was left by a crash and may be taken again (see the duplicate window). */
  claimStaleAfterSeconds: 300,
} as const;

/**
 * How the events feed is fed from the stream. The CDK event source mapping and the local stream
 * reader both use these numbers; docs/events.md explains them.
 */
export const EVENTS_DELIVERY = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 100,
  maxRetryAttempts: 10,
  /** Older records go to the dead-letter queue unpublished: an integration would rather know than get day-old news late. */
  maxRecordAgeSeconds: 24 * 3600,
  reportBatchItemFailures: true,
  bisectBatchOnFunctionError: true,
  parallelizationFactor: 1,
  functionTimeoutSeconds: 30,
} as const;

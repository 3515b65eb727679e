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

export const ENTITY = {
  Domain: 'Domain',
  Team: 'Team',
  RoleGroup: 'RoleGroup',
  Group: 'Group',
  User: 'User',
  Membership: 'Membership',
  EmailOwner: 'EmailOwner',
  InviteLink: 'InviteLink',
  Join: 'Join',
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

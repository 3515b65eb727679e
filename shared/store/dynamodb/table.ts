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
  /** The stream's consumers (shared/streams/consumers.ts) read what was written; they need only the new image. */
  streamView: 'NEW_IMAGE',
} as const;

/**
 * How many items each per-join hot spot is spread over, so that concurrent joins rarely hold the
 * same item (in AWS a transaction is cancelled when another in-flight one holds any of its items).
 * Every join holds one random domain gate and one random use counter of its link; the writes that
 * kill links (delete-all, disable, revoke-one) update every gate, or every counter, in their one
 * transaction. Lists a join adds to are spread by a hash, so no partition key takes every join's
 * write (DynamoDB allows one key 1,000 write units a second): a domain's activity over
 * SHARDS.activity partitions, its member index over SHARDS.memberIndex, each list read back merged
 * (TableAccess.queryMerged). docs/data-model.md explains the numbers.
 */
export const SHARDS = { domainGates: 64, linkCounters: 16, crowdLinkCounters: 32, timers: 8, activity: 8, memberIndex: 4 } as const;

/** A link with no use limit, or one at least this high, is made for a crowd: it gets SHARDS.crowdLinkCounters. */
export const CROWD_MAX_USES = 1000;

/**
 * How many use counters a new link gets: a crowd's link more, so more of its joins commit side by
 * side; any other the usual number, so its lists and its revocation stay small. Never fewer than a
 * link made earlier has, so reading this many counters of a link counts all of its uses.
 */
export const countersFor = (maxUses: number | undefined): number => (maxUses === undefined || maxUses >= CROWD_MAX_USES ? SHARDS.crowdLinkCounters : SHARDS.linkCounters);

/** How many use counters a link has: what it was made with (a link made before crowds: SHARDS.linkCounters). */
export const countersOf = (link: { counters?: number }): number => link.counters ?? SHARDS.linkCounters;

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
  LinkToken: 'LinkToken',
  Join: 'Join',
  Activity: 'Activity',
  NotificationClaim: 'NotificationClaim',
  Invitation: 'Invitation',
  InvitationToken: 'InvitationToken',
  InvitationAddress: 'InvitationAddress',
  InvitationEmail: 'InvitationEmail',
  InvitationQuota: 'InvitationQuota',
  JoinRequest: 'JoinRequest',
  MyJoinRequest: 'MyJoinRequest',
  JoinRequestEmail: 'JoinRequestEmail',
  LinkGuardBucket: 'LinkGuardBucket',
  LinkPausedEmail: 'LinkPausedEmail',
  MembershipEndingEmail: 'MembershipEndingEmail',
  LinkStats: 'LinkStats',
  LinkVisit: 'LinkVisit',
  VisitSalt: 'VisitSalt',
  LinkRefusal: 'LinkRefusal',
  Timer: 'Timer',
  LinkEndingEmail: 'LinkEndingEmail',
} as const;

/** Key builders for every item type; the only place that knows how keys are spelled. */
import { createHash } from 'node:crypto';
import { countersOf, SHARDS, TABLE } from './table.ts';

const { partitionKey: PK, sortKey: SK } = TABLE;
const { partitionKey: GSI1PK, sortKey: GSI1SK } = TABLE.byDomainIndex;

export type Key = Record<string, string>;

/** Which of `count` partitions a value is kept in: the first four bytes of its SHA-256, modulo `count`. */
export const shardOf = (value: string, count: number) => createHash('sha256').update(value).digest().readUInt32BE(0) % count;

const range = (count: number) => Array.from({ length: count }, (_, shard) => shard);

/** A domain's members in the index, spread by email over SHARDS.memberIndex partitions. */
const memberIndexPartition = (domainId: string, shard: number) => `MEMBERS#${domainId}#${shard}`;
/** A domain's activity, spread by event id over SHARDS.activity partitions. */
const activityShard = (domainId: string, shard: number) => `ACTIVITY#${domainId}#${shard}`;
/** Where a domain's activity was written before the spread: read until TTL has emptied it. */
const activityBeforeSpread = (domainId: string) => `ACTIVITY#${domainId}`;

/** Join requests sort by status, then by when they were made, in the domain index: `?status=` is a key prefix. */
const joinRequestsPrefix = (status: string) => `JOINREQ#${status}#`;

/** Links sort by generation in the domain index, so listing reads only the live generation. */
const generationPrefix = (generation: number) => `LINK#${String(generation).padStart(10, '0')}#`;

export const keys = {
  domainPartition: (domainId: string) => `DOMAIN#${domainId}`,
  domain: (domainId: string): Key => ({ [PK]: `DOMAIN#${domainId}`, [SK]: 'DOMAIN' }),
  /** Teams, role groups and legacy groups in one item: read with the caller's membership in one request. */
  directory: (domainId: string): Key => ({ [PK]: `DOMAIN#${domainId}`, [SK]: 'DIRECTORY' }),

  userPartition: (userId: string) => `USER#${userId}`,
  user: (userId: string): Key => ({ [PK]: `USER#${userId}`, [SK]: 'PROFILE' }),
  membership: (userId: string, domainId: string): Key => ({ [PK]: `USER#${userId}`, [SK]: `MEMBER#${domainId}` }),
  /**
   * Members list in email order (then by user, should two identities ever share an email), in one
   * of SHARDS.memberIndex index partitions by their email: a burst of joins into one domain writes
   * all of them. Memberships indexed before the spread are under the domain's own partition
   * (`memberIndexPartitions` lists it too) until they are next written.
   */
  membershipIndex: (userId: string, domainId: string, email: string): Key => ({
    [GSI1PK]: memberIndexPartition(domainId, shardOf(email, SHARDS.memberIndex)),
    [GSI1SK]: `MEMBER#${email}#${userId}`,
  }),
  /** Every index partition holding a domain's members: the spread ones, then the domain's own (with `membersPrefix`). */
  memberIndexPartitions: (domainId: string) => [...range(SHARDS.memberIndex).map((shard) => memberIndexPartition(domainId, shard)), keys.domainPartition(domainId)],
  membersPrefix: 'MEMBER#',

  /** One per member: a domain holds an email once, whichever identity (sub) signs in with it. */
  memberEmail: (domainId: string, email: string): Key => ({ [PK]: `MEMBER_EMAIL#${domainId}#${email}`, [SK]: 'MEMBER_EMAIL' }),

  /** A removed member the domain keeps out (their email's claim, marked), in email order in the domain index. */
  removedMemberIndex: (domainId: string, email: string): Key => ({ [GSI1PK]: `DOMAIN#${domainId}`, [GSI1SK]: `REMOVED#${email}` }),
  removedPrefix: 'REMOVED#',

  /** A copy of the domain's link switch and generation, one of SHARDS.domainGates: what a join checks. */
  domainGate: (domainId: string, shard: number): Key => ({ [PK]: `GATE#${domainId}#${shard}`, [SK]: 'GATE' }),

  /** A creator's link quota in one domain (shared/domain/link-quota.ts). */
  linkQuota: (domainId: string, userId: string): Key => ({ [PK]: `QUOTA#${domainId}#${userId}`, [SK]: 'LINKS' }),

  /** Every use counter of a link. */
  linkCounters: (link: { linkId: string; counters?: number }): Key[] => range(countersOf(link)).map((shard) => keys.linkCounter(link.linkId, shard)),
  link: (linkId: string): Key => ({ [PK]: `LINK#${linkId}`, [SK]: 'LINK' }),
  /** The link's token, sealed with the link key (shared/store/token-vault.ts): only for revealing the link again. */
  linkToken: (linkId: string): Key => ({ [PK]: `LINK#${linkId}`, [SK]: 'TOKEN' }),
  /** Outlives the link (its own TTL), so a link TTL removed still answers "expired". */
  linkExpiry: (linkId: string): Key => ({ [PK]: `LINK#${linkId}`, [SK]: 'EXPIRY' }),
  /** One of a link's counters (countersOf, in table.ts): part of its use count, with its expiry and revocation, what a join updates. */
  linkCounter: (linkId: string, shard: number): Key => ({ [PK]: `USES#${linkId}#${shard}`, [SK]: 'USES' }),
  linkIndex: (domainId: string, generation: number, createdAt: string, linkId: string): Key => ({
    [GSI1PK]: `DOMAIN#${domainId}`,
    [GSI1SK]: `${generationPrefix(generation)}${createdAt}#${linkId}`,
  }),
  linksOfGeneration: generationPrefix,
  /** Every link of a domain, of every generation, in the domain index. */
  linksPrefix: 'LINK#',

  /** An invitation by email (shared/domain/invitation.ts), listed by domain newest first. */
  invitation: (invitationId: string): Key => ({ [PK]: `INVITE#${invitationId}`, [SK]: 'INVITATION' }),
  invitationIndex: (domainId: string, createdAt: string, invitationId: string): Key => ({ [GSI1PK]: `DOMAIN#${domainId}`, [GSI1SK]: `INVITATION#${createdAt}#${invitationId}` }),
  invitationsPrefix: 'INVITATION#',
  /** What a token opens: one GetItem by the token's SHA-256; kept after a revoke or resend, so the old link says why it ended. */
  invitationToken: (tokenHash: string): Key => ({ [PK]: `INVITE_TOKEN#${tokenHash}`, [SK]: 'INVITE_TOKEN' }),
  /** A domain's one pending invitation per address. */
  invitationAddress: (domainId: string, email: string): Key => ({ [PK]: `INVITE_EMAIL#${domainId}#${email}`, [SK]: 'INVITE_EMAIL' }),
  /** One invitation email to send (the outbox the notifier reads from the stream), per sending. */
  invitationEmail: (invitationId: string, sendCount: number): Key => ({ [PK]: `INVITE#${invitationId}`, [SK]: `SEND#${sendCount}` }),
  /** Sendings a day: per creator in a domain, and per recipient across the service. */
  creatorInvitationQuota: (domainId: string, userId: string, day: string): Key => ({ [PK]: `INVITE_QUOTA#CREATOR#${domainId}#${userId}#${day}`, [SK]: 'QUOTA' }),
  recipientInvitationQuota: (email: string, day: string): Key => ({ [PK]: `INVITE_QUOTA#RECIPIENT#${email}#${day}`, [SK]: 'QUOTA' }),

  /** A join request (shared/domain/join-request.ts), listed by domain and status, newest first: a decision rewrites its index key. */
  joinRequest: (requestId: string): Key => ({ [PK]: `JOINREQ#${requestId}`, [SK]: 'REQUEST' }),
  joinRequestIndex: (domainId: string, status: string, requestedAt: string, requestId: string): Key => ({
    [GSI1PK]: `DOMAIN#${domainId}`,
    [GSI1SK]: `${joinRequestsPrefix(status)}${requestedAt}#${requestId}`,
  }),
  joinRequestsPrefix,
  /** The requester's copy of their request, in their partition: GET /v1/me reads it with their memberships. */
  myJoinRequest: (userId: string, requestId: string): Key => ({ [PK]: `USER#${userId}`, [SK]: `JOINREQ#${requestId}` }),
  myJoinRequestsPrefix: 'JOINREQ#',
  /** One email about a request to send (the outbox the notifier reads from the stream): `n` is when it was written, in epoch milliseconds. */
  joinRequestEmail: (requestId: string, kind: 'requested' | 'declined', writtenAt: string): Key => ({ [PK]: `JOINREQ#${requestId}`, [SK]: `EMAIL#${kind}#${Date.parse(writtenAt)}` }),
  /** The notifier's once-only claim for that email, beside the request. */
  joinRequestEmailClaim: (requestId: string, kind: 'requested' | 'declined', writtenAt: string, to?: string): Key => ({
    [PK]: `JOINREQ#${requestId}`,
    [SK]: `SENT#${kind}#${Date.parse(writtenAt)}${to ? `#${to}` : ''}`,
  }),

  /**
   * The domain's activity, oldest to newest by sort key: one entry per change of state
   * (shared/contract/activity.ts), in one of SHARDS.activity partitions by its event id, so a
   * burst of joins into one domain writes all of them.
   */
  activity: (domainId: string, occurredAt: string, eventId: string): Key => ({ [PK]: activityShard(domainId, shardOf(eventId, SHARDS.activity)), [SK]: `${occurredAt}#${eventId}` }),
  /** Every partition holding a domain's activity: the spread ones, then the one entries were written to before the spread (TTL empties it within 90 days). */
  activityPartitions: (domainId: string) => [...range(SHARDS.activity).map((shard) => activityShard(domainId, shard)), activityBeforeSpread(domainId)],
  /** One per email a join causes: the creator's signup email (NOTIFIED) and the joiner's welcome (WELCOMED). */
  notificationClaim: (joinId: string, kind: 'creator' | 'welcome' = 'creator'): Key => ({ [PK]: `JOIN#${joinId}`, [SK]: kind === 'creator' ? 'NOTIFIED' : 'WELCOMED' }),
  /** One per sending of an invitation email (the first, then each resend), beside the invitation: its once-only claim. */
  invitationEmailClaim: (invitationId: string, sendCount: number): Key => ({ [PK]: `INVITE#${invitationId}`, [SK]: `SENT#${sendCount}` }),

  /** A guarded link's joins in one UTC second (`2026-06-01T09:30:05`), counted by the events feed: the guard's window reads a range of them. */
  guardPartition: (linkId: string) => `GUARD#${linkId}`,
  guardBucket: (linkId: string, second: string): Key => ({ [PK]: `GUARD#${linkId}`, [SK]: `SECOND#${second}` }),
  guardBucketPrefix: 'SECOND#',
  /** The email telling a link's creator that its guard paused it (the outbox the notifier reads from the stream), beside the link: `n` is the pause's time in epoch milliseconds. */
  linkPausedEmail: (linkId: string, pausedAt: string): Key => ({ [PK]: `LINK#${linkId}`, [SK]: `PAUSED_EMAIL#${Date.parse(pausedAt)}` }),
  /** The warning that a membership ends soon (the notifier's outbox), one per memberUntil (epoch ms): kept, so a timer fired again writes none. */
  membershipEndingEmail: (domainId: string, userId: string, memberUntil: string): Key => ({ [PK]: `MEMBER_ENDING#${domainId}#${userId}`, [SK]: `EMAIL#${Date.parse(memberUntil)}` }),
  /** The notifier's once-only claim for that email, per person told (the member, the link's creator). */
  membershipEndingClaim: (domainId: string, userId: string, memberUntil: string, to?: string): Key => ({
    [PK]: `MEMBER_ENDING#${domainId}#${userId}`,
    [SK]: `EMAIL_SENT#${Date.parse(memberUntil)}${to ? `#${to}` : ''}`,
  }),
  /** The notifier's once-only claim for that email, one per pause. */
  linkPauseClaim: (linkId: string, pausedAt: string, to?: string): Key => ({ [PK]: `LINK#${linkId}`, [SK]: `PAUSED_EMAIL_SENT#${Date.parse(pausedAt)}${to ? `#${to}` : ''}` }),

  /** A link's stats (shared/domain/link-stats.ts), beside the link: the events feed adds each batch's counts to it. */
  linkStats: (linkId: string): Key => ({ [PK]: `LINK#${linkId}`, [SK]: 'STATS' }),
  /** A browser reached a step of a link's join page on a UTC day: `visitor` is its hash under that day's salt. Each in its own partition, so no lookup shares an item. */
  linkVisit: (linkId: string, day: string, step: string, visitor: string): Key => ({ [PK]: `VISIT#${linkId}#${day}#${step}#${visitor}`, [SK]: 'VISIT' }),
  /** The random salt of a day's visitor hashes: read once a day by each lookup function instance. */
  visitSalt: (day: string): Key => ({ [PK]: `VISIT_SALT#${day}`, [SK]: 'SALT' }),
  /** One join refused through a link, for its stats. */
  linkRefusal: (linkId: string, refusalId: string): Key => ({ [PK]: `REFUSAL#${linkId}#${refusalId}`, [SK]: 'REFUSAL' }),

  /** A timer (shared/domain/timers.ts) in one of SHARDS.timers partitions, by when it is due: the sweep reads each partition up to now. */
  timerPartition: (shard: number) => `TIMERS#${shard}`,
  timer: (shard: number, dueAt: string, kind: string, subject: string): Key => ({ [PK]: `TIMERS#${shard}`, [SK]: `${dueAt}#${kind}#${subject}` }),
  /** Sorts after every timer due at `at` or earlier ('#' < '$'). */
  timersDueBy: (at: string) => `${at}$`,
  /** The email warning a link's creator that it ends soon (`kind` expiring: a day before; uses: 80 % used), beside the link: the notifier's outbox. */
  linkEndingEmail: (linkId: string, kind: 'expiring' | 'uses'): Key => ({ [PK]: `LINK#${linkId}`, [SK]: `ENDING_EMAIL#${kind}` }),
  /** The notifier's once-only claim for that email. */
  linkEndingClaim: (linkId: string, kind: 'expiring' | 'uses'): Key => ({ [PK]: `LINK#${linkId}`, [SK]: `ENDING_EMAIL_SENT#${kind}` }),
};

/** DynamoDB's largest key values, in UTF-8 bytes: partition keys 2048, sort keys 1024 (the index's alike). */
const KEY_BYTES: Record<string, number> = { [PK]: 2048, [SK]: 1024, [GSI1PK]: 2048, [GSI1SK]: 1024 };

/**
 * Where a list of a domain may start: exactly the keys of one item that list holds, rebuilt from
 * their parts by the builders above, each a non-empty well-formed string within DynamoDB's sizes.
 * So a start DynamoDB takes, inside the list's partition and key condition, whoever wrote it.
 */
export const listPositions = {
  members(domainId: string, at: Key): boolean {
    const userId = between(at[PK], 'USER#');
    if (userId === undefined) return false;
    const email = between(at[GSI1SK], keys.membersPrefix, `#${userId}`);
    if (email === undefined) return false;
    const indexed = keys.membershipIndex(userId, domainId, email);
    // A membership indexed before the spread is at the same place in the domain's own partition.
    const before = { ...indexed, [GSI1PK]: keys.domainPartition(domainId) };
    return [indexed, before].some((index) => isExactly(at, { ...keys.membership(userId, domainId), ...index }));
  },
  links(domainId: string, at: Key): boolean {
    const linkId = between(at[PK], 'LINK#');
    if (linkId === undefined) return false;
    // `<generation, 10 digits>#<createdAt>`: whatever is cut wrongly is caught by the rebuilt key.
    const rest = between(at[GSI1SK], 'LINK#', `#${linkId}`) ?? '';
    const createdAt = rest.slice(11);
    return createdAt !== '' && isExactly(at, { ...keys.link(linkId), ...keys.linkIndex(domainId, Number(rest.slice(0, 10)), createdAt, linkId) });
  },
  removedMembers(domainId: string, at: Key): boolean {
    const email = between(at[GSI1SK], keys.removedPrefix);
    return email !== undefined && isExactly(at, { ...keys.memberEmail(domainId, email), ...keys.removedMemberIndex(domainId, email) });
  },
  invitations(domainId: string, at: Key): boolean {
    const invitationId = between(at[PK], 'INVITE#');
    if (invitationId === undefined) return false;
    const createdAt = between(at[GSI1SK], keys.invitationsPrefix, `#${invitationId}`);
    return createdAt !== undefined && isInstant(createdAt) && isExactly(at, { ...keys.invitation(invitationId), ...keys.invitationIndex(domainId, createdAt, invitationId) });
  },
  joinRequests(domainId: string, at: Key): boolean {
    const requestId = between(at[PK], 'JOINREQ#');
    if (requestId === undefined) return false;
    // `JOINREQ#<status>#<requestedAt>#<requestId>`: the status has no '#', the instant none either.
    const rest = between(at[GSI1SK], 'JOINREQ#', `#${requestId}`) ?? '';
    const cut = rest.indexOf('#');
    const requestedAt = rest.slice(cut + 1);
    return cut > 0 && isInstant(requestedAt) && isExactly(at, { ...keys.joinRequest(requestId), ...keys.joinRequestIndex(domainId, rest.slice(0, cut), requestedAt, requestId) });
  },
  activity(domainId: string, at: Key): boolean {
    const sortKey = typeof at[SK] === 'string' ? at[SK] : '';
    const cut = sortKey.indexOf('#');
    const occurredAt = sortKey.slice(0, cut);
    if (!(cut > 0 && cut < sortKey.length - 1 && isInstant(occurredAt))) return false;
    const entry = keys.activity(domainId, occurredAt, sortKey.slice(cut + 1));
    // An entry written before the spread is at the same place in the domain's one partition.
    return [entry, { ...entry, [PK]: activityBeforeSpread(domainId) }].some((key) => isExactly(at, key));
  },
};

/** What `value` holds between `prefix` and `suffix`, if it has both and something in between. */
function between(value: unknown, prefix: string, suffix = ''): string | undefined {
  if (typeof value !== 'string' || value.length <= prefix.length + suffix.length || !value.startsWith(prefix) || !value.endsWith(suffix)) return undefined;
  return value.slice(prefix.length, value.length - suffix.length);
}

/** Entries are stamped with ISO 8601 instants; any reading of one will do, so an unusual stamp still pages. */
const isInstant = (value: string) => /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value));

function isExactly(at: Key, rebuilt: Key): boolean {
  const names = Object.keys(at);
  return (
    names.length === Object.keys(rebuilt).length &&
    names.every((name) => at[name] === rebuilt[name] && at[name] !== '' && at[name]!.isWellFormed() && Buffer.byteLength(at[name]!, 'utf8') <= (KEY_BYTES[name] ?? 0))
  );
}

const STORAGE_ATTRIBUTES = new Set<string>([PK, SK, GSI1PK, GSI1SK, TABLE.ttlAttribute, 'entityType']);

/** An item's product data, without keys and bookkeeping. */
export function dataOf<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE_ATTRIBUTES.has(name))) as T;
}

/**
 * A join is one read and one transaction (2 round trips): the link still works, the membership
 * (and the user's profile, on their first join anywhere) is created, the domain's claim on the
 * email is taken, one of the link's use counters goes up and the join record the notifier reads is
 * written, all or nothing. The person is their identity's `sub`, already verified by the API.
 * An instance that has read a link before skips the read (1 round trip): a link never changes once
 * made, and everything that ends it sits on its counters and the domain's gates, which the
 * transaction checks.
 *
 * Concurrent joins of one domain or one link rarely share an item: each holds one random domain
 * gate and one random use counter of its link (SHARDS in table.ts), never the domain or link item
 * itself. The kill switches update every gate or every counter in their own single transaction,
 * so a join either commits before one of them or fails after it. A join that meets another
 * transaction on its counter or gate tries again at once on others, without reading again.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { busy } from '../../domain/errors.ts';
import { admittedEmailDomains, capOf, joinedViaOf, creatorGenerationAttribute, creatorGenerationOf, emailDomainOf, membershipFromGrant } from '../../domain/invite-link.ts';
import type { Domain, InviteLink, JoinRecord, Membership } from '../../domain/types.ts';
import type { JoinOutcome, NewMember } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { backoffMs, CONFLICT_MAX_ATTEMPTS, isConflict, JOIN_MAX_ATTEMPTS, JOIN_TRYING_MS, joinRetryMs, sleep as realSleep, type Sleep } from './conflicts.ts';
import { dataOf, keys } from './keys.ts';
import { items } from './items.ts';
import { ENTITY, SHARDS, TABLE } from './table.ts';

/** Positions of the actions in the join transaction; cancellation reasons come back in this order. */
const COUNTER = 0;
const GATE = 1;
const MEMBERSHIP = 2;
const MEMBER_EMAIL = 3;
const NEW_USER = 5;

/** How many links an instance remembers; a burst through one link reads it once per instance. */
const KNOWN_LINKS_MAX = 1000;
const knownLinks = new Map<string, InviteLink>();

export interface JoinOptions {
  sleep?: Sleep;
  /** The links this instance has read, by id; tests pass their own. */
  links?: Map<string, InviteLink>;
  /** Which counter and gate to hold; random unless a test pins them. */
  pick?: (shards: number) => number;
}

export async function joinInOneTransaction(
  db: DynamoDBDocumentClient,
  table: string,
  linkId: string,
  person: NewMember,
  now: Date,
  { sleep = realSleep, pick = randomInt, links = knownLinks }: JoinOptions = {},
): Promise<JoinOutcome> {
  let link = links.get(linkId);
  // Without a read, the person is taken to be new; their profile's own condition says otherwise and the next try leaves it out.
  let isNewUser = true;
  if (!link) {
    const found = await readLinkAndProfile(db, table, linkId, person.userId, sleep);
    const linkItem = found.find((i) => i.entityType === ENTITY.InviteLink);
    if (!linkItem) return { ok: false, reason: 'link-gone' };
    link = dataOf<InviteLink>(linkItem);
    isNewUser = !found.some((i) => i.entityType === ENTITY.User);
    remember(links, linkId, link);
  }
  const emailDomain = emailDomainOf(person.email);
  const fromLink = link.allowedEmailDomains ?? [];
  if (fromLink.length > 0 && !fromLink.includes(emailDomain)) return { ok: false, reason: 'email-domain-not-allowed', allowed: fromLink };

  const joinedAt = now.toISOString();
  const { userId } = person;
  const membership: Membership = {
    userId,
    domainId: link.domainId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    isAdmin: false,
    ...membershipFromGrant(link),
    joinedVia: joinedViaOf(link, joinedAt),
    createdAt: joinedAt,
  };
  const join: JoinRecord = {
    joinId: randomUUID(),
    linkId,
    domainId: link.domainId,
    userId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    linkCreatedBy: link.createdBy,
    linkExpiresAt: link.expiresAt,
    grant: {
      userType: link.userType,
      primaryTeamId: link.primaryTeamId,
      primaryGroupId: link.primaryGroupId,
      additionalTeamIds: link.additionalTeamIds,
      roleGroupIds: link.roleGroupIds,
      groupIds: link.groupIds,
    },
    joinedAt,
    ...(link.label !== undefined ? { linkLabel: link.label } : {}),
    notifyCreator: link.notifyCreator ?? true,
  };
  const notExists = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } };
  const gateCondition = {
    // The domain-wide email domains and the creator's generation sit on the gate, so changing them is serialized with joins.
    ConditionExpression:
      'linksEnabled = :on AND linkGeneration = :generation AND (attribute_not_exists(allowedEmailDomains) OR size(allowedEmailDomains) = :none OR contains(allowedEmailDomains, :emailDomain))' +
      ` AND ${(link.creatorGeneration ?? 0) === 0 ? '(attribute_not_exists(#creator) OR #creator = :creatorGeneration)' : '#creator = :creatorGeneration'}`,
    ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(link.createdBy) },
    ExpressionAttributeValues: { ':on': true, ':generation': link.generation, ':none': 0, ':emailDomain': emailDomain, ':creatorGeneration': link.creatorGeneration ?? 0 },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };

  // Counters found full (a link with maxUses) are never tried again; shards another transaction held are avoided on the next tries.
  const full = new Set<number>();
  const heldCounters = new Set<number>();
  const heldGates = new Set<number>();
  const allGates = Array.from({ length: SHARDS.domainGates }, (_, shard) => shard);
  const started = performance.now();
  for (let attempt = 1; ; ) {
    const counters = Array.from({ length: SHARDS.linkCounters }, (_, shard) => shard).filter(
      (shard) => !full.has(shard) && (link.maxUses === undefined || capOf(shard, SHARDS.linkCounters, link.maxUses) > 0),
    );
    if (counters.length === 0) return { ok: false, reason: 'used-up' };
    const counter = pickAvoiding(counters, heldCounters, pick);
    const gate = pickAvoiding(allGates, heldGates, pick);
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: keys.linkCounter(linkId, counter),
                UpdateExpression: 'ADD useCount :one',
                ConditionExpression: 'attribute_exists(#pk) AND expiresAt > :now AND attribute_not_exists(revokedAt) AND (attribute_not_exists(cap) OR useCount < cap)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                ExpressionAttributeValues: { ':one': 1, ':now': joinedAt },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { ConditionCheck: { TableName: table, Key: keys.domainGate(link.domainId, gate), ...gateCondition } },
            { Put: { TableName: table, Item: items.membership(membership), ...notExists } },
            { Put: { TableName: table, Item: items.memberEmail(link.domainId, person.email, userId), ...notExists, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
            { Put: { TableName: table, Item: items.join(join) } },
            ...(isNewUser ? [{ Put: { TableName: table, Item: items.user({ ...person, createdAt: joinedAt }), ...notExists } }] : []),
          ],
        }),
      );
      return { ok: true, membership, join };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = reasonCodes(error);
      if (codes[COUNTER] === 'ConditionalCheckFailed') {
        const old = failedItem<{ useCount?: number; cap?: number; revokedAt?: string; expiresAt: string }>(error, COUNTER);
        const stillWorks = old && old.revokedAt === undefined && Date.parse(old.expiresAt) > now.getTime();
        if (stillWorks && old.cap !== undefined && (old.useCount ?? 0) >= old.cap) {
          // That counter's share of maxUses is taken: try the others at once.
          full.add(counter);
          continue;
        }
      }
      if (codes[COUNTER] === 'ConditionalCheckFailed' || codes[GATE] === 'ConditionalCheckFailed') {
        return refusal(db, table, link, error, codes, emailDomain);
      }
      // The domain holds the email: a member's, or kept when an admin removed them and has not let them back.
      if (codes[MEMBER_EMAIL] === 'ConditionalCheckFailed' && failedItem<{ rejoinBlocked?: boolean }>(error, MEMBER_EMAIL)?.rejoinBlocked) return { ok: false, reason: 'rejoin-blocked' };
      if (codes[MEMBERSHIP] === 'ConditionalCheckFailed' || codes[MEMBER_EMAIL] === 'ConditionalCheckFailed') return { ok: false, reason: 'already-member' };
      if (isNewUser && codes[NEW_USER] === 'ConditionalCheckFailed') {
        // This person's first join elsewhere made their profile a moment ago: join without writing it.
        isNewUser = false;
        continue;
      }
      if (!isConflict(error)) throw error;
      if (codes[COUNTER] === 'TransactionConflict') heldCounters.add(counter);
      if (codes[GATE] === 'TransactionConflict') heldGates.add(gate);
      if (attempt >= JOIN_MAX_ATTEMPTS || performance.now() - started > JOIN_TRYING_MS) throw busy();
      // Only the write is tried again: the link never changes, and what can end it sits on the counter and gate.
      // A collision on the person's own items (the same person joining twice at once) has no other shard to go to: back off further.
      const onPerson = [MEMBERSHIP, MEMBER_EMAIL, NEW_USER].some((i) => codes[i] === 'TransactionConflict');
      await sleep(onPerson ? backoffMs(attempt) : joinRetryMs(attempt));
      attempt += 1;
    }
  }
}

/** Keeps the latest links, oldest forgotten first. */
function remember(links: Map<string, InviteLink>, linkId: string, link: InviteLink): void {
  links.set(linkId, link);
  if (links.size > KNOWN_LINKS_MAX) links.delete(links.keys().next().value!);
}

/** The link and the person's profile, read together; keys DynamoDB left unprocessed are asked for again. */
async function readLinkAndProfile(db: DynamoDBDocumentClient, table: string, linkId: string, userId: string, sleep: Sleep): Promise<Record<string, unknown>[]> {
  for (let attempt = 1; ; attempt++) {
    const { Responses, UnprocessedKeys } = await db.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: [keys.link(linkId), keys.user(userId)], ConsistentRead: true } } }),
    );
    if (!UnprocessedKeys?.[table]) return Responses?.[table] ?? [];
    if (attempt >= CONFLICT_MAX_ATTEMPTS) throw busy();
    await sleep(backoffMs(attempt));
  }
}

/** A random shard among those no transaction was just seen holding; any of them once every one was. */
function pickAvoiding(shards: number[], held: Set<number>, pick: (n: number) => number): number {
  const free = shards.filter((shard) => !held.has(shard));
  if (free.length === 0) held.clear();
  const from = free.length > 0 ? free : shards;
  return from[pick(from.length)]!;
}

/** Why the link no longer works, from the counter and gate as they were when their conditions failed. */
async function refusal(
  db: DynamoDBDocumentClient,
  table: string,
  link: InviteLink,
  error: TransactionCanceledException,
  codes: (string | undefined)[],
  emailDomain: string,
): Promise<JoinOutcome> {
  if (codes[COUNTER] === 'ConditionalCheckFailed') {
    const counter = failedItem<{ revokedAt?: string; expiresAt: string }>(error, COUNTER);
    // No counter at all: the link's items were removed (TTL after expiry).
    if (!counter) return { ok: false, reason: 'link-gone' };
    link = { ...link, expiresAt: counter.expiresAt, ...(counter.revokedAt ? { revokedAt: counter.revokedAt } : {}) };
  }
  const gate = codes[GATE] === 'ConditionalCheckFailed' ? failedItem<Pick<Domain, 'linksEnabled' | 'linkGeneration' | 'allowedEmailDomains'>>(error, GATE) : undefined;
  const domainWide = gate?.allowedEmailDomains ?? [];
  const creatorStill = gate !== undefined && creatorGenerationOf(gate as Domain, link.createdBy) === (link.creatorGeneration ?? 0);
  if (gate?.linksEnabled && gate.linkGeneration === link.generation && creatorStill && codes[COUNTER] !== 'ConditionalCheckFailed' && domainWide.length > 0 && !domainWide.includes(emailDomain)) {
    return { ok: false, reason: 'email-domain-not-allowed', allowed: admittedEmailDomains(link, gate) };
  }
  const domain = await readDomain(db, table, link.domainId);
  if (!domain) return { ok: false, reason: 'link-gone' };
  return { ok: false, reason: 'link-unusable', link, domain: gate ? { ...domain, ...gate } : domain };
}

async function readDomain(db: DynamoDBDocumentClient, table: string, domainId: string): Promise<Domain | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: keys.domain(domainId), ConsistentRead: true }));
  return Item ? dataOf<Domain>(Item) : undefined;
}

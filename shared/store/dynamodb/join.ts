/**
 * A join is one read and one transaction (2 round trips): the link still works, the membership
 * (and the user's profile, on their first join anywhere) is created, the domain's claim on the
 * email is taken, one of the link's use counters goes up and the join record the notifier reads is
 * written, all or nothing. The person is their identity's `sub`, already verified by the API.
 *
 * Concurrent joins of one domain or one link rarely share an item: each holds one random domain
 * gate and one random use counter of its link (SHARDS in table.ts), never the domain or link item
 * itself. The kill switches update every gate or every counter in their own single transaction,
 * so a join either commits before one of them or fails after it.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { busy } from '../../domain/errors.ts';
import { admittedEmailDomains, capOf, creatorGenerationAttribute, creatorGenerationOf, emailDomainOf, membershipFromGrant } from '../../domain/invite-link.ts';
import type { Domain, InviteLink, JoinRecord, Membership } from '../../domain/types.ts';
import type { JoinOutcome, NewMember } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { backoffMs, CONFLICT_MAX_ATTEMPTS, isConflict, sleep as realSleep, type Sleep } from './conflicts.ts';
import { dataOf, keys } from './keys.ts';
import { items } from './items.ts';
import { ENTITY, SHARDS, TABLE } from './table.ts';

/** Positions of the actions in the join transaction; cancellation reasons come back in this order. */
const COUNTER = 0;
const GATE = 1;
const MEMBERSHIP = 2;
const MEMBER_EMAIL = 3;
const NEW_USER = 5;

export interface JoinOptions {
  sleep?: Sleep;
  /** Which counter and gate to hold; random unless a test pins them. */
  pick?: (shards: number) => number;
}

export async function joinInOneTransaction(
  db: DynamoDBDocumentClient,
  table: string,
  linkId: string,
  person: NewMember,
  now: Date,
  { sleep = realSleep, pick = randomInt }: JoinOptions = {},
): Promise<JoinOutcome> {
  // Counters found full (a link with maxUses): the next try picks among the others.
  const full = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const { Responses, UnprocessedKeys } = await db.send(
      new BatchGetCommand({
        RequestItems: { [table]: { Keys: [keys.link(linkId), keys.user(person.userId)], ConsistentRead: true } },
      }),
    );
    if (UnprocessedKeys?.[table]) {
      if (attempt >= CONFLICT_MAX_ATTEMPTS) throw busy();
      await sleep(backoffMs(attempt));
      continue;
    }
    const found = Responses?.[table] ?? [];
    const linkItem = found.find((i) => i.entityType === ENTITY.InviteLink);
    if (!linkItem) return { ok: false, reason: 'link-gone' };
    const link = dataOf<InviteLink>(linkItem);
    const isNewUser = !found.some((i) => i.entityType === ENTITY.User);
    const emailDomain = emailDomainOf(person.email);
    const fromLink = link.allowedEmailDomains ?? [];
    if (fromLink.length > 0 && !fromLink.includes(emailDomain)) return { ok: false, reason: 'email-domain-not-allowed', allowed: fromLink };
    const counters = Array.from({ length: SHARDS.linkCounters }, (_, shard) => shard).filter(
      (shard) => !full.has(shard) && (link.maxUses === undefined || capOf(shard, SHARDS.linkCounters, link.maxUses) > 0),
    );
    if (counters.length === 0) return { ok: false, reason: 'used-up' };
    const counter = counters[pick(counters.length)]!;

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
      joinedVia: { linkId, at: joinedAt },
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
            {
              ConditionCheck: {
                TableName: table,
                Key: keys.domainGate(link.domainId, pick(SHARDS.domainGates)),
                // The domain-wide email domains and the creator's generation sit on the gate, so changing them is serialized with joins.
                ConditionExpression:
                  'linksEnabled = :on AND linkGeneration = :generation AND (attribute_not_exists(allowedEmailDomains) OR size(allowedEmailDomains) = :none OR contains(allowedEmailDomains, :emailDomain))' +
                  ` AND ${(link.creatorGeneration ?? 0) === 0 ? '(attribute_not_exists(#creator) OR #creator = :creatorGeneration)' : '#creator = :creatorGeneration'}`,
                ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(link.createdBy) },
                ExpressionAttributeValues: { ':on': true, ':generation': link.generation, ':none': 0, ':emailDomain': emailDomain, ':creatorGeneration': link.creatorGeneration ?? 0 },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName: table, Item: items.membership(membership), ...notExists } },
            { Put: { TableName: table, Item: items.memberEmail(link.domainId, person.email, userId), ...notExists } },
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
          attempt -= 1;
          continue;
        }
      }
      if (codes[COUNTER] === 'ConditionalCheckFailed' || codes[GATE] === 'ConditionalCheckFailed') {
        return refusal(db, table, link, error, codes, emailDomain);
      }
      if (codes[MEMBERSHIP] === 'ConditionalCheckFailed' || codes[MEMBER_EMAIL] === 'ConditionalCheckFailed') return { ok: false, reason: 'already-member' };
      // A concurrent transaction held one of our items, or this person's first join elsewhere made their profile a moment ago.
      const retryable = isConflict(error) || codes[NEW_USER] === 'ConditionalCheckFailed';
      if (!retryable) throw error;
      if (attempt >= CONFLICT_MAX_ATTEMPTS) throw busy();
      await sleep(backoffMs(attempt));
    }
  }
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

/**
 * A join is one read and one transaction (2 round trips): the link is still valid, the membership
 * (and the user's profile, on their first join anywhere) is created, the domain's claim on the
 * email is taken, the link's use count goes up and the join record the notifier reads is
 * written, all or nothing. The person is their identity's `sub`, already verified by the API.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { membershipFromGrant } from '../../domain/invite-link.ts';
import type { Domain, InviteLink, JoinRecord, Membership } from '../../domain/types.ts';
import type { JoinOutcome, NewMember } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { dataOf, keys } from './keys.ts';
import { items } from './items.ts';
import { ENTITY, TABLE } from './table.ts';

/** Positions of the actions in the join transaction; cancellation reasons come back in this order. */
const LINK = 0;
const DOMAIN = 1;
const MEMBERSHIP = 2;
const MEMBER_EMAIL = 3;
const NEW_USER = 5;

export const JOIN_MAX_ATTEMPTS = 8;

export async function joinInOneTransaction(
  db: DynamoDBDocumentClient,
  table: string,
  linkId: string,
  person: NewMember,
  now: Date,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<JoinOutcome> {
  for (let attempt = 1; ; attempt++) {
    const { Responses, UnprocessedKeys } = await db.send(
      new BatchGetCommand({
        RequestItems: { [table]: { Keys: [keys.link(linkId), keys.user(person.userId)], ConsistentRead: true } },
      }),
    );
    if (UnprocessedKeys?.[table] && attempt < JOIN_MAX_ATTEMPTS) {
      await sleep(backoffMs(attempt));
      continue;
    }
    const found = Responses?.[table] ?? [];
    const linkItem = found.find((i) => i.entityType === ENTITY.InviteLink);
    if (!linkItem) return { ok: false, reason: 'link-gone' };
    const link = dataOf<InviteLink>(linkItem);
    const isNewUser = !found.some((i) => i.entityType === ENTITY.User);

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
    };
    const notExists = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } };
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: keys.link(linkId),
                UpdateExpression: 'ADD useCount :one',
                ConditionExpression: 'attribute_exists(#pk) AND expiresAt > :now AND attribute_not_exists(revokedAt)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                ExpressionAttributeValues: { ':one': 1, ':now': joinedAt },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              ConditionCheck: {
                TableName: table,
                Key: keys.domain(link.domainId),
                ConditionExpression: 'linksEnabled = :on AND linkGeneration = :generation',
                ExpressionAttributeValues: { ':on': true, ':generation': link.generation },
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
      if (codes[LINK] === 'ConditionalCheckFailed' || codes[DOMAIN] === 'ConditionalCheckFailed') {
        const current = failedItem<InviteLink>(error, LINK) ?? (codes[LINK] === 'ConditionalCheckFailed' ? undefined : link);
        if (!current) return { ok: false, reason: 'link-gone' };
        const domain = failedItem<Domain>(error, DOMAIN) ?? (await readDomain(db, table, link.domainId));
        if (!domain) return { ok: false, reason: 'link-gone' };
        return { ok: false, reason: 'link-unusable', link: current, domain };
      }
      if (codes[MEMBERSHIP] === 'ConditionalCheckFailed' || codes[MEMBER_EMAIL] === 'ConditionalCheckFailed') return { ok: false, reason: 'already-member' };
      // A conflict with a concurrent join, or this person's first join elsewhere a moment ago: read again and retry.
      const retryable = codes.includes('TransactionConflict') || codes[NEW_USER] === 'ConditionalCheckFailed';
      if (!retryable || attempt >= JOIN_MAX_ATTEMPTS) throw error;
      await sleep(backoffMs(attempt));
    }
  }
}

/** Full jitter: a random wait up to 25 ms, 50 ms, 100 ms ... capped at 1 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(1000, 25 * 2 ** (attempt - 1)));
}

async function readDomain(db: DynamoDBDocumentClient, table: string, domainId: string): Promise<Domain | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: keys.domain(domainId), ConsistentRead: true }));
  return Item ? dataOf<Domain>(Item) : undefined;
}

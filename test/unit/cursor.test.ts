/** Paging cursors: only positions a list could have given are taken, and DynamoDB refusing a start is a 400, never a 500. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ServiceError } from '../../shared/domain/errors.ts';
import { decodeCursor, encodeCursor, pageAtCursor, type ListName } from '../../shared/http/cursor.ts';
import { dynamoStore } from '../../shared/store/dynamodb/dynamo-store.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { UnknownPosition } from '../../shared/store/store.ts';
import type { Domain } from '../../shared/domain/types.ts';

const DOMAIN = 'demo';
/** The keys of one item of each list of a domain, as DynamoDB gives them back as LastEvaluatedKey. */
const positionsIn = (domainId: string): Record<ListName, Record<string, string>> => ({
  users: { ...keys.membership('sub-1', domainId), ...keys.membershipIndex('sub-1', domainId, 'pat@example.test') },
  links: { ...keys.link('abc'), ...keys.linkIndex(domainId, 3, '2026-01-01T00:00:00.000Z', 'abc') },
  endedLinks: { ...keys.link('abc'), ...keys.linkIndex(domainId, 2, '2026-01-01T00:00:00.000Z', 'abc') },
  activity: keys.activity(domainId, '2026-01-01T00:00:00.000Z', 'event-1'),
  removedMembers: { ...keys.memberEmail(domainId, 'pat@example.test'), ...keys.removedMemberIndex(domainId, 'pat@example.test') },
  invitations: { ...keys.invitation('inv-1'), ...keys.invitationIndex(domainId, '2026-01-01T00:00:00.000Z', 'inv-1') },
  joinRequests: { ...keys.joinRequest('req-1'), ...keys.joinRequestIndex(domainId, 'pending', '2026-01-01T00:00:00.000Z', 'req-1') },
});
const POSITIONS = positionsIn(DOMAIN);
/** Two lists of the same items, links: a position of one is a position of the other. */
const LINK_LISTS = new Set<string>(['links', 'endedLinks']);

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ServiceError ? { kind: error.kind, field: error.field } : error;
  }
  return 'taken';
};

describe('decoding a cursor', () => {
  it.each(Object.keys(POSITIONS) as ListName[])('takes back every %s position it issued', (list) => {
    expect(decodeCursor(encodeCursor(list, DOMAIN, '', POSITIONS[list]), list, DOMAIN, '')).toEqual(POSITIONS[list]);
  });

});

describe('a forged position', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const store = dynamoStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'invite-links');
  const domain = { domainId: DOMAIN, name: 'Demo', linksEnabled: true, linkGeneration: 3 } as Domain;
  /** Each list read from the position a cursor carries, as its handler reads it. */
  const READS: Record<ListName, (after: Record<string, string>) => Promise<unknown>> = {
    users: (after) => store.listMembers(DOMAIN, { limit: 10, after }),
    links: (after) => store.listInviteLinks(domain, new Date(), { limit: 10, after }),
    endedLinks: (after) => store.listLinksExpiringAfter(DOMAIN, new Date().toISOString(), { limit: 10, after }),
    activity: (after) => store.listActivity(DOMAIN, { limit: 10, after }),
    removedMembers: (after) => store.listRemovedMembers(DOMAIN, { limit: 10, after }),
    invitations: (after) => store.listInvitations(DOMAIN, new Date(), { limit: 10, after }),
    joinRequests: (after) => store.listJoinRequests(DOMAIN, { limit: 10, after, status: 'pending' }),
  };
  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
  });

  it.each(Object.keys(POSITIONS) as ListName[])('of the %s list that is not exactly the keys of one of its items in that domain is a 400, and never reaches DynamoDB', async (list) => {
    const position = POSITIONS[list];
    const forged = [
      ...Object.keys(position).flatMap((key) => [
        { ...position, [key]: '' },
        { ...position, [key]: 'ZZZ' },
        { ...position, [key]: `${position[key]}\ud800` },
        { ...position, [key]: `${position[key]}${'é'.repeat(1100)}` },
      ]),
      // Another list's item (the ended links are links too: their items are the same), another domain's item.
      ...Object.entries(POSITIONS)
        .filter(([other]) => other !== list && !(LINK_LISTS.has(other) && LINK_LISTS.has(list)))
        .map(([, at]) => at),
      positionsIn('other')[list],
    ];
    for (const at of forged) {
      const cursor = Buffer.from(JSON.stringify({ list, domainId: DOMAIN, filter: '', at })).toString('base64url');
      const read = async () => pageAtCursor(() => READS[list](decodeCursor(cursor, list, DOMAIN, '')));
      await expect(read(), JSON.stringify(at)).rejects.toMatchObject({ kind: 'InvalidRequest', field: 'cursor' });
    }
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('that is not a map of strings is refused when decoded', () => {
    for (const at of [null, [], 'ZZZ', { PK: 1 }, { PK: { S: 'x' } }]) {
      const cursor = Buffer.from(JSON.stringify({ list: 'users', domainId: DOMAIN, filter: '', at })).toString('base64url');
      expect(refusal(() => decodeCursor(cursor, 'users', DOMAIN, '')), JSON.stringify(at)).toEqual({ kind: 'InvalidRequest', field: 'cursor' });
    }
  });
});

describe('a start DynamoDB refuses', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const store = dynamoStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'invite-links');
  const refused = Object.assign(new Error('The provided starting key is invalid'), { name: 'ValidationException' });
  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).rejects(refused);
  });

  it('is the cursor’s 400 when the start came from the caller', async () => {
    const reading = store.listActivity(DOMAIN, { limit: 10, after: POSITIONS.activity });
    await expect(reading).rejects.toBeInstanceOf(UnknownPosition);
    await expect(pageAtCursor(() => store.listActivity(DOMAIN, { limit: 10, after: POSITIONS.activity }))).rejects.toMatchObject({ kind: 'InvalidRequest', field: 'cursor' });
  });

  it('stays an error of ours (a 500) when the caller gave no start', async () => {
    await expect(pageAtCursor(() => store.listActivity(DOMAIN, { limit: 10 }))).rejects.toBe(refused);
  });

  it('stays an error of ours when DynamoDB refuses a start it gave itself, further into the page', async () => {
    ddb.reset();
    // The entry's own partition (of those the activity is spread over) gives a start, then refuses it; the others are empty.
    let asked = 0;
    ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
      if (input.ExpressionAttributeValues?.[':pk'] !== POSITIONS.activity.PK) return { Items: [] };
      if (asked++ > 0) throw refused;
      return { Items: [], LastEvaluatedKey: { ...POSITIONS.activity, SK: '2026-01-02T00:00:00.000Z#event-2' }, ScannedCount: 1 };
    });
    await expect(pageAtCursor(() => store.listActivity(DOMAIN, { limit: 10, after: POSITIONS.activity }))).rejects.toBe(refused);
  });
});

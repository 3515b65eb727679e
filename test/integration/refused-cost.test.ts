/** Authorize before reading: a refused caller costs the caller check and nothing more, however big the domain. */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Membership } from '../../shared/domain/types.ts';
import { dynamoDb } from '../../shared/store/dynamodb/client.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, OTHER_OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });
const sent: string[] = [];

beforeAll(async () => {
  // Every DynamoDB command the handlers send, by name.
  dynamoDb.middlewareStack.add((next, context) => async (args) => {
    sent.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize', name: 'countCommands' });
  const members: Membership[] = Array.from({ length: 500 }, (_, i) => ({
    userId: `u-big-${i}`, domainId: DEMO_DOMAIN, email: `big-${i}@example.test`, firstName: 'Big', lastName: `${i}`,
    userType: 'BROWSE', isAdmin: false, teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
  }));
  const writes = members.map(items.membership);
  for (let i = 0; i < writes.length; i += 25) {
    await t.db.send(new BatchWriteCommand({ RequestItems: { [t.stack.tableName]: writes.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
});

const costOf = async (call: () => Promise<{ status: number }>, status: number) => {
  sent.length = 0;
  expect((await call()).status).toBe(status);
  return [...sent];
};

describe('what a refused caller costs', () => {
  it.each([
    ['a member of another domain (404)', OTHER_OWNER, 404],
    ['a member who may not invite (403)', VIEWER, 403],
  ])('listing users as %s reads only the caller check', async (_who, email, status) => {
    const path = `/v1/domains/${DEMO_DOMAIN}/users?limit=100`;
    await t.as(email).get('/v1/me');
    expect(await costOf(() => t.as(email).get(path), status)).toEqual(['BatchGetItemCommand']);
  });

  it('revoking a link of a domain you are not in reads only the caller check', async () => {
    const { id } = await when(t).linkToken();
    expect(await costOf(() => t.as(OTHER_OWNER).delete(`/v1/domains/${DEMO_DOMAIN}/invite-links/${id}`), 404)).toEqual(['BatchGetItemCommand']);
  });
});

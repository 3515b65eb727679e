/**
 * The notifier as its unit tests call it: its settings set, then its handler imported, with SES and
 * DynamoDB mocked (aws-sdk-client-mock), so each file sees only the calls it makes.
 */
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import type { Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';

export type NotifierUnit = Awaited<ReturnType<typeof notifierUnderTest>>;

export async function notifierUnderTest(env: Record<string, string> = {}) {
  Object.assign(process.env, {
    TABLE_NAME: 'unit-table',
    NOTIFY_FROM: 'notifier@example.test',
    PUBLIC_BASE_URL: 'https://links.example.test/',
    INVITE_LINK_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/unit',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
    ...env,
  });
  const { handler } = await import('../../functions/notify-signup.ts');
  return { handler, ses: mockClient(SESClient), ddb: mockClient(DynamoDBDocumentClient) };
}

/** The member index as DynamoDB answers a Query of one of its partitions: the members indexed there. */
export function memberIndexHolds(ddb: NotifierUnit['ddb'], members: Membership[]): void {
  ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => ({ Items: members.map(items.membership).filter((item) => item.GSI1PK === input.ExpressionAttributeValues?.[':pk']) }));
}

/**
 * The notifier read the domain's admins with one Query of each partition of its member index (the
 * spread ones and the domain's own), filtered to admins, and `admin`'s membership item is one that
 * those Queries find and their filter keeps.
 */
export function expectAdminsQueries(ddb: NotifierUnit['ddb'], domainId: string, admin: Membership): void {
  const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
  expect(queries.map((q) => q.ExpressionAttributeValues?.[':pk'])).toEqual(keys.memberIndexPartitions(domainId));
  for (const query of queries) {
    expect(query).toMatchObject({
      TableName: 'unit-table',
      IndexName: 'GSI1',
      FilterExpression: 'isAdmin = :yes',
      ExpressionAttributeNames: { '#pk': 'GSI1PK', '#sk': 'GSI1SK' },
      ExpressionAttributeValues: { ':prefix': 'MEMBER#', ':yes': true },
    });
    expect(query.KeyConditionExpression).toBe('#pk = :pk AND begins_with(#sk, :prefix)');
  }
  const adminItem = items.membership(admin);
  expect(keys.memberIndexPartitions(domainId)).toContain(adminItem.GSI1PK);
  expect(String(adminItem.GSI1SK).startsWith('MEMBER#')).toBe(true);
  expect(adminItem.isAdmin).toBe(true);
}

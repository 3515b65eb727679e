/** Invitations by email: create, list, revoke, resend, revoke all, the daily caps; each through the front door. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OWNER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });
const invitationsPath = (domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/invitations`;
const grant = { userType: 'STANDARD', primaryTeamId: 'producers' };
const addresses = (n: number, prefix = 'invitee') => Array.from({ length: n }, () => newPerson(prefix).email);

/** Every item of a partition, as the table holds it. */
async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await t.db.send(new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
  return Items;
}

describe('inviting people by email', () => {
  it('invites ten people in one request with invite links turned off', async () => {
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    const emails = addresses(10);
    const res = await t.as(OWNER).post(invitationsPath(), { emails, ...grant, message: 'Welcome to the spring shoot' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items.map((i: { email: string }) => i.email)).toEqual(emails);
    expect(res.body.items.every((i: { status: string; invitationId?: string }) => i.status === 'invited' && i.invitationId)).toBe(true);
    const [invitation, outbox] = [await partition(`INVITE#${res.body.items[0].invitationId}`)].flat();
    expect(invitation).toMatchObject({ SK: 'INVITATION', email: emails[0], sendCount: 1, message: 'Welcome to the spring shoot' });
    expect(outbox).toMatchObject({ SK: 'SEND#1', email: emails[0], domainName: 'Demo Media Co', invitedBy: { email: OWNER } });
    expect((await when(t).setLinksEnabled(true)).status).toBe(200);
  });
});

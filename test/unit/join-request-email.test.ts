/**
 * The join-request emails, with AWS mocked: a batch's requests to one approver are one email (each
 * still claimed on its own), a replay leaves out what was sent, an approver who may no longer
 * invite gets nothing, a failed send fails exactly those records; a decline is one email to the
 * person who asked, the reason escaped. The outbox items go once settled.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { BatchGetCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JoinRequestEmail, Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { notifierUnderTest } from '../support/notifier-unit.ts';
import { matchesFilter } from '../../local/lambda-stream-event.ts';

const { handler, ses, ddb } = await notifierUnderTest();

const DOMAIN = 'demo-media-co';
const CREATOR = 'u-creator';
const creator: Membership = {
  userId: CREATOR, domainId: DOMAIN, email: 'creator.now@example.test', firstName: 'Grace', lastName: 'Hopper', userType: 'POWER', isAdmin: true,
  teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
};
const directory = {
  domain: { domainId: DOMAIN, name: 'Demo <Media> & Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0 },
  teams: [{ id: 'editors', name: 'Editors' }],
  roleGroups: [{ id: 'viewers', name: 'Viewers', permissions: [] }],
  groups: [],
};

let seq = 100;
function requestOf(overrides: Partial<JoinRequestEmail> = {}): JoinRequestEmail {
  seq += 1;
  const at = new Date(Date.UTC(2026, 5, 1, 9, 30, seq % 60)).toISOString();
  return {
    kind: 'requested',
    requestId: `request-${seq}`,
    domainId: DOMAIN,
    domainName: 'Demo <Media> & Co',
    to: { userId: CREATOR, email: 'creator.then@example.test' },
    requester: { userId: `u-${seq}`, email: `asker-${seq}@example.test`, firstName: 'Ada', lastName: `Asker ${seq}` },
    link: { linkId: 'link-abc', label: 'Crew <call>', createdBy: CREATOR },
    requestedAt: at,
    writtenAt: at,
    ...overrides,
  };
}
function recordOf(email: JoinRequestEmail): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `event-${seq}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x',
    dynamodb: { SequenceNumber: String(seq).padStart(21, '0'), NewImage: marshall(items.joinRequestEmail(email), { removeUndefinedValues: true }) as never },
  };
}

const sent = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const settled = () => ddb.commandCalls(UpdateCommand).map((c) => ({ key: c.args[0].input.Key?.SK as string, status: c.args[0].input.ExpressionAttributeValues?.[':v0'] }));
const deleted = () => ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key?.PK);

beforeEach(() => {
  ses.reset();
  ddb.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.membership(creator), items.domain(directory.domain), items.directory(directory)] } });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('the notifier\'s filter', () => {
  it('takes join-request email inserts', () => {
    expect(matchesFilter(STREAM_CONSUMERS.notifier.filter, recordOf(requestOf()))).toBe(true);
  });
});

describe('requests to one approver in one batch', () => {
  it('are one email, to the approver as the directory knows them now, listing each (escaped), with the Requests page and no approve link', async () => {
    const requests = [requestOf(), requestOf(), requestOf({ link: { linkId: 'link-def', createdBy: CREATOR } })];
    const result = await handler({ Records: requests.map(recordOf) });

    expect(result.batchItemFailures).toEqual([]);
    expect(sent()).toHaveLength(1);
    const [email] = sent();
    expect(email!.Destination!.ToAddresses).toEqual(['creator.now@example.test']);
    expect(email!.Message!.Subject!.Data).toBe('3 people asked to join Demo <Media> & Co');
    const text = email!.Message!.Body!.Text!.Data!;
    const html = email!.Message!.Body!.Html!.Data!;
    for (const r of requests) expect(text).toContain(`Email: ${r.requester.email}`);
    expect(text).toContain('Invite link: “Crew <call>”');
    expect(text).toContain('Invite link: your link without a label');
    expect(text).toContain(`https://links.example.test/requests?domain=${DOMAIN}`);
    expect(text).not.toMatch(/approve\?|\/approve|decline\?/);
    expect(html).toContain('“Crew &lt;call&gt;”');
    expect(html).not.toContain('<call>');
    // Each request claimed and settled on its own, by the one message; each outbox item deleted.
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.SK)).toEqual(requests.map((r) => `SENT#requested#${Date.parse(r.writtenAt)}`));
    expect(settled().map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);
    expect(deleted().sort()).toEqual(requests.map((r) => `JOINREQ#${r.requestId}`).sort());
  });

  it('a single request is named in the subject', async () => {
    const request = requestOf();
    await handler({ Records: [recordOf(request)] });
    expect(sent()[0]!.Message!.Subject!.Data).toBe(`${request.requester.firstName} ${request.requester.lastName} asked to join Demo <Media> & Co`);
  });

  it('requests to two approvers are two emails', async () => {
    const other: Membership = { ...creator, userId: 'u-other', email: 'other@example.test' };
    ddb.on(BatchGetCommand).callsFake((input) => {
      const asked = JSON.stringify(input.RequestItems);
      return { Responses: { 'unit-table': [items.membership(asked.includes('u-other') ? other : creator), items.domain(directory.domain), items.directory(directory)] } };
    });
    await handler({ Records: [recordOf(requestOf()), recordOf(requestOf({ to: { userId: 'u-other', email: 'other@example.test' } })), recordOf(requestOf())] });
    expect(sent().map((e) => [e.Destination!.ToAddresses![0], e.Message!.Subject!.Data])).toEqual(
      expect.arrayContaining([
        ['creator.now@example.test', '2 people asked to join Demo <Media> & Co'],
        ['other@example.test', expect.stringMatching(/^Ada Asker \d+ asked to join/)],
      ]),
    );
  });

  it('on a replay, the email lists only the requests not sent before', async () => {
    const [before, fresh1, fresh2] = [requestOf(), requestOf(), requestOf()];
    ddb.on(PutCommand).callsFake((input) => {
      if (input.Item.requestId === before!.requestId) throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: { status: { S: 'sent' } } } as never);
      return {};
    });
    const result = await handler({ Records: [before, fresh1, fresh2].map((r) => recordOf(r!)) });
    expect(result.batchItemFailures).toEqual([]);
    const text = sent()[0]!.Message!.Body!.Text!.Data!;
    expect(text).not.toContain(before!.requester.email);
    expect(text).toContain(fresh1!.requester.email);
    expect(sent()[0]!.Message!.Subject!.Data).toBe('2 people asked to join Demo <Media> & Co');
    expect(deleted()).toHaveLength(3);
  });

  it('an approver who may no longer invite gets nothing, and each claim says there was no recipient', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.membership({ ...creator, isAdmin: false, roleGroupIds: ['viewers'] }), items.domain(directory.domain), items.directory(directory)] } });
    const result = await handler({ Records: [recordOf(requestOf()), recordOf(requestOf())] });
    expect(result.batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
    expect(settled().map((s) => s.status)).toEqual(['no-recipient', 'no-recipient']);
  });

  it('a failed send fails exactly those records and releases their claims; the others are unaffected', async () => {
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Message.Subject.Data.includes('asked to join')) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { MessageId: 'ok' };
    });
    const requests = [recordOf(requestOf()), recordOf(requestOf())];
    const declined = recordOf(requestOf({ kind: 'declined', to: { userId: 'u-x', email: 'asker@example.test' } }));
    const result = await handler({ Records: [requests[0]!, declined, requests[1]!] });
    expect(result.batchItemFailures).toEqual(requests.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })));
    expect(settled().filter((s) => s.key.startsWith('SENT#requested#')).map((s) => s.status)).toEqual(['failed', 'failed']);
  });
});

describe('a declined request', () => {
  it('is one email to the person who asked, naming the domain and quoting the reason, escaped', async () => {
    const declined = requestOf({ kind: 'declined', to: { userId: 'u-asker', email: 'asker.verified@example.test' }, decidedAt: '2026-06-02T10:00:00.000Z', reason: 'Crew <only>' });
    const result = await handler({ Records: [recordOf(declined)] });
    expect(result.batchItemFailures).toEqual([]);
    const [email, ...more] = sent();
    expect(more).toEqual([]);
    expect(email!.Destination!.ToAddresses).toEqual(['asker.verified@example.test']);
    expect(email!.Message!.Subject!.Data).toBe('Your request to join Demo <Media> & Co was declined');
    expect(email!.Message!.Body!.Text!.Data).toContain('The reason given: “Crew <only>”');
    expect(email!.Message!.Body!.Html!.Data).toContain('Crew &lt;only&gt;');
    expect(ddb.commandCalls(BatchGetCommand)).toEqual([]);
    expect(deleted()).toEqual([`JOINREQ#${declined.requestId}`]);
  });
});

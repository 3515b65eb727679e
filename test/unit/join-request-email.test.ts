/**
 * The join-request emails, with AWS mocked. A request goes to every approver: the link's creator
 * while a member who may invite, and each admin of the domain (one Query of the domain's members on
 * the by-domain index, filtered to admins), each once. An approver's requests of one batch are one
 * email (each request still claimed on its own, per approver); through their own link a request
 * says "(yours)", through someone else's it names the link's creator. A replay leaves out what was
 * sent to that approver; with nobody to approve nothing is sent or claimed; a failed send fails
 * exactly those records. A decline is one email to the person who asked, the reason escaped. The
 * outbox item goes once every approver's email of it is settled.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { INVITE_PERMISSION, type JoinRequestEmail, type Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { expectAdminsQueries, memberIndexHolds, notifierUnderTest } from '../support/notifier-unit.ts';
import { matchesFilter } from '../../local/lambda-stream-event.ts';

const { handler, ses, ddb } = await notifierUnderTest();

const DOMAIN = 'demo-media-co';
const CREATOR = 'u-creator';
/** The link's creator, an admin as well (the default here). */
const creator: Membership = {
  userId: CREATOR, domainId: DOMAIN, email: 'creator.now@example.test', firstName: 'Grace', lastName: 'Hopper', userType: 'POWER', isAdmin: true,
  teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
};
/** The same creator, not an admin, who may invite through a role group. */
const inviter: Membership = { ...creator, isAdmin: false, roleGroupIds: ['inviters'] };
/** An admin who made none of the links. */
const admin: Membership = {
  ...creator, userId: 'u-admin', email: 'admin@example.test', firstName: 'Alan', lastName: 'Turing', isAdmin: true, roleGroupIds: [],
};
const directory = {
  domain: { domainId: DOMAIN, name: 'Demo <Media> & Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0 },
  teams: [{ id: 'editors', name: 'Editors' }],
  roleGroups: [{ id: 'viewers', name: 'Viewers', permissions: [] }, { id: 'inviters', name: 'Inviters', permissions: [INVITE_PERMISSION] }],
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

/** The directory as the notifier reads it: the link's creator (none: they left) and the domain's admins, as the Query answers. */
function domainHas({ creator: linkCreator, admins }: { creator?: Membership; admins: Membership[] }) {
  ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [...(linkCreator ? [items.membership(linkCreator)] : []), items.domain(directory.domain), items.directory(directory)] } });
  memberIndexHolds(ddb, admins);
}
/** The claim of one request's email to one approver. */
const claimOf = (r: JoinRequestEmail, userId: string) => keys.joinRequestEmailClaim(r.requestId, r.kind, r.writtenAt, userId).SK as string;
/** What taking a claim already settled as sent throws. */
const alreadySent = () => Object.assign(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }), { Item: { status: { S: 'sent' } } });

const sent = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
/** The one email sent to `address`, its parts. */
function emailTo(address: string) {
  const mine = sent().filter((e) => e.Destination!.ToAddresses!.includes(address));
  expect(mine, `emails to ${address}`).toHaveLength(1);
  const [email] = mine;
  return { subject: email!.Message!.Subject!.Data!, text: email!.Message!.Body!.Text!.Data!, html: email!.Message!.Body!.Html!.Data! };
}
const recipients = () => sent().flatMap((e) => e.Destination!.ToAddresses!).sort();
const claimed = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.SK as string);
const settled = () => ddb.commandCalls(UpdateCommand).map((c) => ({ key: c.args[0].input.Key?.SK as string, status: c.args[0].input.ExpressionAttributeValues?.[':v0'] }));
const statusOf = () => Object.fromEntries(settled().map((s) => [s.key, s.status]));
const deleted = () => ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key?.PK);

beforeEach(() => {
  ses.reset();
  ddb.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  domainHas({ creator, admins: [creator] });
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
    expect(text).toContain('Invite link: “Crew <call>” (yours)');
    expect(text).toContain('Invite link: your link without a label');
    expect(text).toContain(`https://links.example.test/requests?domain=${DOMAIN}`);
    expect(text).not.toMatch(/approve\?|\/approve|decline\?/);
    expect(html).toContain('“Crew &lt;call&gt;” (yours)');
    expect(html).not.toContain('<call>');
    // Each request claimed and settled on its own, for this approver, by the one message; each outbox item deleted.
    expect(claimed()).toEqual(requests.map((r) => claimOf(r, CREATOR)));
    expect(claimed()[0]).toBe(`SENT#requested#${Date.parse(requests[0]!.writtenAt)}#${CREATOR}`);
    expect(settled().map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);
    expect(deleted().sort()).toEqual(requests.map((r) => `JOINREQ#${r.requestId}`).sort());
    // One link creator in the batch: their access read once, the admins read once (a Query per member index partition).
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(keys.memberIndexPartitions(DOMAIN).length);
  });

  it('a single request is named in the subject', async () => {
    const request = requestOf();
    await handler({ Records: [recordOf(request)] });
    expect(sent()[0]!.Message!.Subject!.Data).toBe(`${request.requester.firstName} ${request.requester.lastName} asked to join Demo <Media> & Co`);
  });

  it('requests through two creators\' links: each creator gets theirs, the admin one email of them all, the other\'s named by its creator', async () => {
    const other: Membership = { ...inviter, userId: 'u-other', email: 'other@example.test', firstName: 'Katherine', lastName: 'Johnson' };
    ddb.on(BatchGetCommand).callsFake((input) => {
      const asked = JSON.stringify(input.RequestItems);
      return { Responses: { 'unit-table': [items.membership(asked.includes('u-other') ? other : creator), items.domain(directory.domain), items.directory(directory)] } };
    });
    const theirs = requestOf({ link: { linkId: 'link-other', label: 'Desk <2>', createdBy: 'u-other' } });
    const requests = [requestOf(), theirs, requestOf()];
    const result = await handler({ Records: requests.map(recordOf) });

    expect(result.batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['creator.now@example.test', 'other@example.test']);
    const toOther = emailTo('other@example.test');
    expect(toOther.subject).toBe(`Ada ${theirs.requester.lastName} asked to join Demo <Media> & Co`);
    expect(toOther.text).toContain('Invite link: “Desk <2>” (yours)');
    expect(toOther.text).not.toContain(requests[0]!.requester.email);
    expect(toOther.text).toContain('You get this email because you made the link. ');
    const toAdmin = emailTo('creator.now@example.test');
    expect(toAdmin.subject).toBe('3 people asked to join Demo <Media> & Co');
    expect(toAdmin.text).toContain('Invite link: “Desk <2>”, made by Katherine Johnson');
    expect(toAdmin.text).toContain('Invite link: “Crew <call>” (yours)');
    expect(toAdmin.text).toContain('You get this email because you made the link and you are an admin of Demo <Media> & Co. ');
    expect(claimed().sort()).toEqual([...requests.map((r) => claimOf(r, CREATOR)), claimOf(theirs, 'u-other')].sort());
    expect(deleted()).toHaveLength(3);
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

describe('the domain\'s admins', () => {
  it('an admin who did not make the link gets their own email naming its creator; the creator gets theirs, marked as theirs; one claim each', async () => {
    domainHas({ creator: inviter, admins: [admin] });
    const request = requestOf();
    const result = await handler({ Records: [recordOf(request)] });

    expect(result.batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['admin@example.test', 'creator.now@example.test']);
    const toAdmin = emailTo('admin@example.test');
    expect(toAdmin.subject).toBe(`Ada ${request.requester.lastName} asked to join Demo <Media> & Co`);
    expect(toAdmin.text).toContain('Hello Alan,');
    expect(toAdmin.text).toContain('Invite link: “Crew <call>”, made by Grace Hopper');
    expect(toAdmin.text).not.toContain('(yours)');
    expect(toAdmin.text).toContain('You get this email because you are an admin of Demo <Media> & Co. ');
    expect(toAdmin.html).toContain('“Crew &lt;call&gt;”, made by Grace Hopper');
    const toCreator = emailTo('creator.now@example.test');
    expect(toCreator.text).toContain('Hello Grace,');
    expect(toCreator.text).toContain('Invite link: “Crew <call>” (yours)');
    expect(toCreator.text).toContain('You get this email because you made the link. ');
    expect(toCreator.text).not.toContain('admin of');
    expect(claimed().sort()).toEqual([claimOf(request, 'u-admin'), claimOf(request, CREATOR)].sort());
    expect(statusOf()).toEqual({ [claimOf(request, 'u-admin')]: 'sent', [claimOf(request, CREATOR)]: 'sent' });
    expect(deleted()).toEqual([`JOINREQ#${request.requestId}`]);
  });

  it('a creator who is also an admin gets exactly one email, giving both reasons; every other admin gets theirs', async () => {
    domainHas({ creator, admins: [admin, creator] });
    const request = requestOf();
    await handler({ Records: [recordOf(request)] });

    expect(recipients()).toEqual(['admin@example.test', 'creator.now@example.test']);
    expect(emailTo('creator.now@example.test').text).toContain('You get this email because you made the link and you are an admin of Demo <Media> & Co. ');
    expect(emailTo('admin@example.test').text).toContain('“Crew <call>”, made by Grace Hopper');
    expect(claimed().sort()).toEqual([claimOf(request, 'u-admin'), claimOf(request, CREATOR)].sort());
  });

  it('a creator who may no longer invite gets nothing; the admins still get it', async () => {
    domainHas({ creator: { ...inviter, roleGroupIds: ['viewers'] }, admins: [admin] });
    const requests = [requestOf(), requestOf()];
    const result = await handler({ Records: requests.map(recordOf) });

    expect(result.batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['admin@example.test']);
    expect(emailTo('admin@example.test').subject).toBe('2 people asked to join Demo <Media> & Co');
    expect(emailTo('admin@example.test').text).toContain('“Crew <call>”, made by Grace Hopper');
    expect(claimed()).toEqual(requests.map((r) => claimOf(r, 'u-admin')));
    expect(deleted()).toHaveLength(2);
  });

  it('a creator who left the domain gets nothing; the admins still get it, the creator named as no longer in the domain', async () => {
    domainHas({ admins: [admin] });
    const request = requestOf();
    await handler({ Records: [recordOf(request)] });

    expect(recipients()).toEqual(['admin@example.test']);
    expect(emailTo('admin@example.test').text).toContain('Invite link: “Crew <call>”, made by someone no longer in the domain');
    expect(claimed()).toEqual([claimOf(request, 'u-admin')]);
    expect(deleted()).toEqual([`JOINREQ#${request.requestId}`]);
  });

  it('with nobody who may approve, nothing is sent or claimed, and the outbox items are still deleted', async () => {
    domainHas({ creator: { ...inviter, roleGroupIds: ['viewers'] }, admins: [] });
    const requests = [requestOf(), requestOf()];
    const result = await handler({ Records: requests.map(recordOf) });

    expect(result.batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
    expect(claimed()).toEqual([]);
    expect(settled()).toEqual([]);
    expect(deleted().sort()).toEqual(requests.map((r) => `JOINREQ#${r.requestId}`).sort());
  });

  it('on a replay, an approver whose email was sent gets nothing again; the one whose was not gets theirs', async () => {
    domainHas({ creator: inviter, admins: [admin] });
    ddb.on(PutCommand).callsFake((input) => {
      if (input.Item.to === CREATOR) throw alreadySent();
      return {};
    });
    const request = requestOf();
    const result = await handler({ Records: [recordOf(request)] });

    expect(result.batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['admin@example.test']);
    expect(statusOf()).toEqual({ [claimOf(request, 'u-admin')]: 'sent' });
    expect(deleted()).toEqual([`JOINREQ#${request.requestId}`]);
  });

  it('one approver\'s failed send fails the record and keeps its outbox item; the other approver\'s email is settled as sent', async () => {
    domainHas({ creator: inviter, admins: [admin] });
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Destination.ToAddresses.includes('admin@example.test')) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { MessageId: 'ok' };
    });
    const request = requestOf();
    const record = recordOf(request);
    const result = await handler({ Records: [record] });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(statusOf()).toEqual({ [claimOf(request, CREATOR)]: 'sent', [claimOf(request, 'u-admin')]: 'failed' });
    expect(deleted()).toEqual([]);
  });

  it('are found by one Query of each partition of the domain\'s member index, filtered to admins', async () => {
    domainHas({ creator: inviter, admins: [admin] });
    await handler({ Records: [recordOf(requestOf())] });

    expectAdminsQueries(ddb, DOMAIN, admin);
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
    expect(ddb.commandCalls(QueryCommand)).toEqual([]);
    expect(claimed()).toEqual([keys.joinRequestEmailClaim(declined.requestId, 'declined', declined.writtenAt).SK]);
    expect(deleted()).toEqual([`JOINREQ#${declined.requestId}`]);
  });
});

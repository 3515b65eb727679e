/**
 * The invitation emails, with AWS mocked: what the invited person and the inviter read, and what
 * the notifier does with an invitation email in the outbox (claim, open the token, send, delete the
 * outbox item), when it sends nothing, and that the token reaches the email and no log line.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Domain, Invitation, InvitationEmail, JoinRecord, Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { acceptedEmail } from '../../shared/streams/notifier/accepted-email.ts';
import { invitationEmail } from '../../shared/streams/notifier/invitation-email.ts';
import { matchesFilter } from '../../local/lambda-stream-event.ts';

vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'unit-table',
    NOTIFY_FROM: 'notifier@example.test',
    PUBLIC_BASE_URL: 'https://links.example.test/',
    INVITE_LINK_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/unit',
    // Every line the notifier would log, so none can hide a token.
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
  });
});

const { handler } = await import('../../functions/notify-signup.ts');

const ses = mockClient(SESClient);
const ddb = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);

const DOMAIN = 'demo-media-co';
const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyzABCDE';
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

const domain: Domain = { domainId: DOMAIN, name: 'Demo <Media> & Co', defaultTeamId: 'editors', linksEnabled: false, linkGeneration: 0 };

const outbox = (overrides: Partial<InvitationEmail> = {}): InvitationEmail => ({
  invitationId: 'inv-1',
  domainId: DOMAIN,
  domainName: 'Demo <Media> & Co',
  email: 'ada@example.test',
  sendCount: 1,
  sealedToken: Buffer.from('sealed').toString('base64'),
  invitedBy: { userId: 'u-owner', email: 'owner@demo.test', name: 'Grace Hopper' },
  grant: { userType: 'STANDARD', primaryTeamName: 'Producers', additionalTeamNames: ['Marketing'], roleGroupNames: ['Contributors'], groupNames: [] },
  message: 'Welcome aboard <b>Ada</b>',
  expiresAt: '2099-06-08T09:30:00.000Z',
  sentAt: '2099-06-01T09:30:00.000Z',
  ...overrides,
});

const invitation = (overrides: Partial<Invitation> = {}): Invitation => ({
  invitationId: 'inv-1',
  domainId: DOMAIN,
  email: 'ada@example.test',
  tokenHash: hashOf(TOKEN),
  createdBy: 'u-owner',
  createdByEmail: 'owner@demo.test',
  createdAt: '2099-06-01T09:30:00.000Z',
  expiresAt: '2099-06-08T09:30:00.000Z',
  creatorGeneration: 0,
  sendCount: 1,
  lastSentAt: '2099-06-01T09:30:00.000Z',
  userType: 'STANDARD',
  primaryTeamId: 'producers',
  additionalTeamIds: ['marketing'],
  roleGroupIds: ['contributors'],
  groupIds: [],
  ...overrides,
});

let seq = 100;
function recordOf(image: Record<string, unknown>): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `event-${seq}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x',
    dynamodb: { SequenceNumber: String(seq).padStart(21, '0'), NewImage: marshall(image, { removeUndefinedValues: true }) as never },
  };
}

const sentEmails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const settled = () => ddb.commandCalls(UpdateCommand).map((c) => ({ key: c.args[0].input.Key, status: c.args[0].input.ExpressionAttributeValues?.[':v0'] }));
const deleted = () => ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key);

let logged: string[] = [];
beforeEach(() => {
  ses.reset();
  ddb.reset();
  kms.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-invite-1' });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.invitation('inv-1') }).resolves({ Item: items.invitation(invitation()) });
  ddb.on(GetCommand, { Key: keys.domain(DOMAIN) }).resolves({ Item: items.domain(domain) });
  kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(TOKEN, 'utf8') });
  logged = [];
  const capture = (chunk: unknown) => (logged.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  // The token is in the email and nowhere else the notifier writes: no log line, no claim, no error; nor its hash or sealed form in a log.
  for (const secret of [TOKEN, hashOf(TOKEN), outbox().sealedToken]) expect(logged.join('\n')).not.toContain(secret);
  for (const call of [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)]) expect(JSON.stringify(call.args[0].input)).not.toContain(TOKEN);
});

describe('the invitation email, as the invited person reads it', () => {
  const email = invitationEmail(outbox(), `https://links.example.test/join#${TOKEN}`);

  it('says who invites them where, what they would get in names, the message, the expiry in UTC and the link', () => {
    expect(email.subject).toBe('Grace Hopper invited you to Demo <Media> & Co');
    for (const fact of [
      'Grace Hopper (owner@demo.test) invited you to join Demo <Media> & Co.',
      'Their message: “Welcome aboard <b>Ada</b>”',
      'User type: Standard',
      'Primary team: Producers',
      'Additional teams: Marketing',
      'Role groups: Contributors',
      'For: ada@example.test',
      'Expires: 8 Jun 2099, 09:30 UTC',
      `Accept the invitation: https://links.example.test/join#${TOKEN}`,
    ]) expect(email.text).toContain(fact);
    expect(email.text).not.toContain('STANDARD');
  });

  it('escapes what people typed in its HTML, and links to the join page with the token in the fragment', () => {
    expect(email.html).toContain('Welcome aboard &lt;b&gt;Ada&lt;/b&gt;');
    expect(email.html).toContain('Demo &lt;Media&gt; &amp; Co');
    expect(email.html).not.toContain('<b>Ada</b>');
    expect(email.html).toContain(`<a href="https://links.example.test/join#${TOKEN}">Accept the invitation</a>`);
  });

  it('without a message or an inviter\'s name: no message line, the inviter by their address', () => {
    const plain = invitationEmail(outbox({ message: undefined, invitedBy: { userId: 'u-owner', email: 'owner@demo.test' } }), 'https://x.test/join#t');
    expect(plain.subject).toBe('owner@demo.test invited you to Demo <Media> & Co');
    expect(plain.text).not.toContain('Their message');
    expect(plain.html).not.toContain('blockquote');
  });
});

describe('the accepted email, as the inviter reads it', () => {
  const join: JoinRecord = {
    joinId: 'join-1', via: 'invitation', invitationId: 'inv-1', domainId: DOMAIN, userId: 'u-ada', email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace',
    linkCreatedBy: 'u-owner', linkExpiresAt: '2099-06-08T09:30:00.000Z',
    grant: { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: [], roleGroupIds: [], groupIds: [] }, joinedAt: '2099-06-02T10:00:00.000Z',
  };
  const audience = { recipient: { email: 'owner@demo.test', firstName: 'Grace', lastName: 'Hopper' }, domainName: 'Demo Media Co', grant: { userType: 'STANDARD' as const, primaryTeam: 'Producers', additionalTeams: [], roleGroups: [], groups: [] } };
  const email = acceptedEmail(join, audience, { users: 'https://x.test/users', activity: 'https://x.test/activity' });

  it('names who accepted, where, with what, and when', () => {
    expect(email.subject).toBe('Ada Lovelace accepted your invitation to Demo Media Co');
    for (const fact of ['Hello Grace,', 'Ada Lovelace (ada@example.test) accepted the invitation you sent and joined Demo Media Co.', 'Joined: 2 Jun 2099, 10:00 UTC', 'Primary team: Producers', 'https://x.test/users']) {
      expect(email.text).toContain(fact);
    }
    expect(email.text).not.toContain('invite link');
  });
});

describe('an invitation email in the outbox', () => {
  it('is claimed, its token opened for that invitation only, sent to the invited address, then deleted from the outbox', async () => {
    const result = await handler({ Records: [recordOf(items.invitationEmail(outbox()))] });
    expect(result.batchItemFailures).toEqual([]);

    const claim = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(claim.Item).toMatchObject({ PK: 'INVITE#inv-1', SK: 'SENT#1', status: 'sending', invitationId: 'inv-1', sendCount: 1 });
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({ domainId: DOMAIN, linkId: 'inv-1' });
    expect(sentEmails().map((e) => e.Destination?.ToAddresses)).toEqual([['ada@example.test']]);
    expect(sentEmails()[0]!.Message!.Body!.Text!.Data).toContain(`https://links.example.test/join#${TOKEN}`);
    expect(settled()).toEqual([{ key: keys.invitationEmailClaim('inv-1', 1), status: 'sent' }]);
    expect(deleted()).toEqual([keys.invitationEmail('inv-1', 1)]);
  });

  it('sent already (a redelivered record): nothing is opened or sent, and the outbox item is deleted if it is still there', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: { status: { S: 'sent' } } }));
    const result = await handler({ Records: [recordOf(items.invitationEmail(outbox()))] });
    expect(result.batchItemFailures).toEqual([]);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(sentEmails()).toEqual([]);
    expect(deleted()).toEqual([keys.invitationEmail('inv-1', 1)]);
  });

  it.each([
    ['revoked', invitation({ revokedAt: '2099-06-01T10:00:00.000Z', revokedBy: 'u-owner' })],
    ['accepted', invitation({ acceptedAt: '2099-06-01T10:00:00.000Z', acceptedBy: 'u-ada' })],
    ['resent since (its own email carries the new link)', invitation({ sendCount: 2, tokenHash: hashOf('another') })],
    ['expired', invitation({ expiresAt: '2000-01-01T00:00:00.000Z' })],
    ['ended with its creator\'s authority', invitation({ creatorGeneration: 7 })],
  ])('%s before it was sent: no email, the claim says nobody was sent it, the outbox item goes', async (_, read) => {
    ddb.on(GetCommand, { Key: keys.invitation('inv-1') }).resolves({ Item: items.invitation(read) });
    const result = await handler({ Records: [recordOf(items.invitationEmail(outbox()))] });
    expect(result.batchItemFailures).toEqual([]);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(sentEmails()).toEqual([]);
    expect(settled()).toEqual([{ key: keys.invitationEmailClaim('inv-1', 1), status: 'no-recipient' }]);
    expect(deleted()).toEqual([keys.invitationEmail('inv-1', 1)]);
  });

  it('SES failing: the claim is released, the record reported for a retry, the outbox item kept for it', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const record = recordOf(items.invitationEmail(outbox()));
    const result = await handler({ Records: [record] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(settled()).toEqual([{ key: keys.invitationEmailClaim('inv-1', 1), status: 'failed' }]);
    expect(deleted()).toEqual([]);
    expect(logged.join('\n')).toContain('an email failed');
  });

  it('a sealed token that is not the invitation\'s current one is never sent', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(`${TOKEN}x`, 'utf8') });
    const record = recordOf(items.invitationEmail(outbox()));
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(sentEmails()).toEqual([]);
  });

  it('not a whole invitation email: reported failed before anything is claimed, the others still sent', async () => {
    const { sealedToken: _, ...broken } = items.invitationEmail(outbox({ invitationId: 'inv-broken' }));
    const bad = recordOf(broken);
    const result = await handler({ Records: [bad, recordOf(items.invitationEmail(outbox()))] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb!.SequenceNumber }]);
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.PK)).toEqual(['INVITE#inv-1']);
    expect(sentEmails()).toHaveLength(1);
  });
});

describe('a join through an invitation', () => {
  const owner: Membership = {
    userId: 'u-owner', domainId: DOMAIN, email: 'owner.now@demo.test', firstName: 'Grace', lastName: 'Hopper', userType: 'POWER', isAdmin: true,
    teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
  };
  const directory = { domain, teams: [{ id: 'producers', name: 'Producers' }], roleGroups: [], groups: [] };

  it('emails the inviter that it was accepted (not the link\'s signup email), and welcomes the person who joined', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.membership(owner), items.domain(domain), items.directory(directory)] } });
    const join: JoinRecord = {
      joinId: 'join-inv', via: 'invitation', invitationId: 'inv-1', domainId: DOMAIN, userId: 'u-ada', email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace',
      linkCreatedBy: 'u-owner', linkExpiresAt: '2099-06-08T09:30:00.000Z',
      grant: { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: [], roleGroupIds: [], groupIds: [] }, joinedAt: '2099-06-02T10:00:00.000Z',
    };
    const result = await handler({ Records: [recordOf(items.join(join))] });
    expect(result.batchItemFailures).toEqual([]);
    expect(sentEmails().map((e) => [e.Destination?.ToAddresses?.[0], e.Message?.Subject?.Data])).toEqual([
      ['owner.now@demo.test', 'Ada Lovelace accepted your invitation to Demo <Media> & Co'],
      ['ada@example.test', 'Welcome to Demo <Media> & Co'],
    ]);
    expect(sentEmails()[1]!.Message!.Body!.Text!.Data).toContain('because you joined through an invitation');
    expect(ddb.commandCalls(PutCommand).map((c) => [c.args[0].input.Item?.PK, c.args[0].input.Item?.SK])).toEqual([['JOIN#join-inv', 'NOTIFIED'], ['JOIN#join-inv', 'WELCOMED']]);
  });
});

describe('the notifier\'s stream filter', () => {
  const { filter } = STREAM_CONSUMERS.notifier;
  const record = (eventName: string, entityType?: string) => ({ eventName, dynamodb: { NewImage: entityType ? marshall({ entityType }) : undefined } });

  it('lets invitation emails in as they are inserted, not as the notifier deletes them or TTL does', () => {
    expect(matchesFilter(filter, record('INSERT', 'InvitationEmail'))).toBe(true);
    expect(matchesFilter(filter, record('REMOVE'))).toBe(false);
    expect(matchesFilter(filter, record('INSERT', 'Invitation'))).toBe(false);
  });
});

/**
 * Invitation emails through the real notifier, read from the local SES as the invited people read
 * them: ten invitations with links off are ten emails, each to its address with its own working
 * link; a resend is one more email with a new link and the old one dead; each email once, also when
 * the stream delivers its record again; the outbox item gone once sent; an accepted invitation
 * emails the inviter once.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { IamEmulation } from '../../local/iam/emulation.ts';
import { startStreamReader, type StreamReader } from '../../local/stream-reader.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { dynamoNotificationClaims } from '../../shared/store/dynamodb/notification-claims.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { CLAIM_STALE_AFTER_SECONDS } from '../../shared/streams/notifier/claim.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, OWNER, tokenOf, when } from '../support/steps.ts';

const t = useStack();

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

const run = randomUUID().slice(0, 8);
const invitationsPath = `/v1/domains/${DEMO_DOMAIN}/invitations`;
const address = (name: string) => `${name}-${run}@example.test`;

/** This file's SES is its own: every email the stack sent. */
const inbox = async (): Promise<StoredEmail[]> => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;
const invitationsTo = async (to: string) => (await inbox()).filter((e) => e.destination.to.includes(to) && e.subject.endsWith('invited you to Demo Media Co'));
/** The link an invitation email carries, and its token. */
const linkIn = (email: StoredEmail) => /https?:\/\/\S+\/join#\S+/.exec(email.body.text)![0];

const item = async (key: Record<string, string>) => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: key, ConsistentRead: true }))).Item;

/** Who was invited here, by invitation, and how many sendings each had: every one of them must end with exactly that many emails. */
const sendings = new Map<string, { email: string; sendCount: number }>();
/** Who joined through an invitation here: the replay must have handed their join again too. */
const joined: string[] = [];

async function invite(emails: string[], extra: Record<string, unknown> = {}) {
  const res = await t.as(OWNER).post(invitationsPath, { emails, userType: 'STANDARD', primaryTeamId: 'producers', ...extra });
  expect(res.status).toBe(201);
  expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(emails.map(() => 'invited'));
  for (const { email, invitationId } of res.body.items) sendings.set(invitationId, { email, sendCount: 1 });
  return res.body.items as { email: string; invitationId: string }[];
}

describe('ten people invited by email in one request, with links turned off', () => {
  it('get ten emails, each to its own address with its own working link, the grant in names and the message', async () => {
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    const emails = Array.from({ length: 10 }, (_, i) => address(`ten-${i}`));
    const invited = await invite(emails, { additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], message: 'Come and edit the spring issue with us' });

    const all = async () => (await Promise.all(emails.map(invitationsTo))).flat();
    await eventually(all, (found) => found.length >= 10, 20_000);
    const tokens = new Set<string>();
    for (const { email, invitationId } of invited) {
      const [received, ...more] = await invitationsTo(email);
      expect(more).toEqual([]);
      expect(received!.subject).toBe('Olivia Owner invited you to Demo Media Co');
      for (const fact of ['Olivia Owner (owner@demo.test) invited you to join Demo Media Co.', 'Come and edit the spring issue with us', 'User type: Standard', 'Primary team: Producers', 'Additional teams: Marketing', 'Role groups: Contributors', `For: ${email}`]) {
        expect(received!.body.text).toContain(fact);
      }
      expect(received!.body.text).toMatch(/Expires: \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC/);
      const link = linkIn(received!);
      expect(link.startsWith(`${t.stack.url}/join#`)).toBe(true);
      const token = tokenOf(link);
      tokens.add(token);
      const lookup = await when(t).lookup(token);
      expect(lookup.status).toBe(200);
      expect(lookup.body).toMatchObject({ kind: 'invitation', invitedEmail: email, domainName: 'Demo Media Co', userType: 'STANDARD' });
      // Sent once, and no sealed token stays behind.
      expect(await item(keys.invitationEmailClaim(invitationId, 1))).toMatchObject({ status: 'sent', sentTo: email });
      await eventually(() => item(keys.invitationEmail(invitationId, 1)), (found) => found === undefined, 5_000);
      expect(await item(keys.invitationEmail(invitationId, 1))).toBeUndefined();
    }
    expect(tokens.size).toBe(10);
  });
});

describe('a resend', () => {
  it('sends one more email with a new link; the link of the first no longer works', async () => {
    const [{ email, invitationId }] = (await invite([address('resent')])) as [{ email: string; invitationId: string }];
    const [first] = await eventually(() => invitationsTo(email), (found) => found.length > 0, 20_000);
    const oldToken = tokenOf(linkIn(first!));

    const res = await t.as(OWNER).post(`${invitationsPath}/${invitationId}/resend`);
    expect(res.status).toBe(200);
    sendings.set(invitationId, { email, sendCount: 2 });
    const both = await eventually(() => invitationsTo(email), (found) => found.length >= 2, 20_000);
    expect(both).toHaveLength(2);
    const newToken = tokenOf(linkIn(both.find((e) => e.messageId !== first!.messageId)!));
    expect(newToken).not.toBe(oldToken);
    expect((await when(t).lookup(newToken)).status).toBe(200);
    // The first email's link is still known, so it says the invitation was sent again.
    expect((await when(t).lookup(oldToken)).body).toMatchObject({ status: 410, code: 'LINK_REVOKED', detail: expect.stringContaining('sent again') });
    expect(await item(keys.invitationEmailClaim(invitationId, 2))).toMatchObject({ status: 'sent' });
    await eventually(() => item(keys.invitationEmail(invitationId, 2)), (found) => found === undefined, 5_000);
    expect(await item(keys.invitationEmail(invitationId, 2))).toBeUndefined();
  });
});

describe('an accepted invitation', () => {
  it('emails the inviter once that it was accepted (no link signup email), and welcomes the person who joined', async () => {
    const [{ email }] = (await invite([address('accepts')])) as [{ email: string; invitationId: string }];
    const [received] = await eventually(() => invitationsTo(email), (found) => found.length > 0, 20_000);
    const joiner = { email, firstName: 'Ada', lastName: `Accepts ${run}` };
    expect((await when(t).join(tokenOf(linkIn(received!)), joiner)).status).toBe(201);
    joined.push(email);

    const toOwner = async () => (await inbox()).filter((e) => e.destination.to.includes(OWNER) && e.body.text.includes(email));
    const accepted = await eventually(toOwner, (found) => found.length > 0, 20_000);
    const welcome = await eventually(async () => (await inbox()).filter((e) => e.destination.to.includes(email) && e.subject === 'Welcome to Demo Media Co'), (found) => found.length > 0, 20_000);
    expect(accepted.map((e) => e.subject)).toEqual([`Ada Accepts ${run} accepted your invitation to Demo Media Co`]);
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.body.text).toContain('because you joined through an invitation');
  });
});

describe('each invitation email\'s claim', () => {
  const claims = () => dynamoNotificationClaims(t.db, t.stack.tableName, { staleAfterSeconds: CLAIM_STALE_AFTER_SECONDS });
  const at = (seconds: number) => new Date(Date.UTC(2026, 5, 1, 9, 30) + seconds * 1000);

  it('is one per sending: the first sent, a resend\'s is its own; sent stays settled, failed is taken again', async () => {
    const invitationId = `claim-${randomUUID()}`;
    expect(await claims().claim({ invitationId, sendCount: 1 }, at(0))).toBe('claimed');
    expect(await item(keys.invitationEmailClaim(invitationId, 1))).toMatchObject({ invitationId, sendCount: 1, status: 'sending' });
    await claims().sent({ invitationId, sendCount: 1 }, 'pat@example.test', 'ses-1', at(1));
    expect(await claims().claim({ invitationId, sendCount: 1 }, at(10 * CLAIM_STALE_AFTER_SECONDS))).toBe('already-settled');
    expect(await claims().claim({ invitationId, sendCount: 2 }, at(2))).toBe('claimed');
    expect(await claims().claim({ invitationId, sendCount: 2 }, at(3))).toBe('in-flight');
    await claims().failed({ invitationId, sendCount: 2 }, 'Rate exceeded', at(4));
    expect(await claims().claim({ invitationId, sendCount: 2 }, at(5))).toBe('claimed');
  });
});

describe('the stream delivering every record again', () => {
  let replay: StreamReader | undefined;
  afterAll(() => replay?.stop());

  it('sends no invitation, accepted or welcome email twice', async () => {
    const before = (await inbox()).length;
    expect(before).toBeGreaterThan(0);
    const { handler } = await import('../../functions/notify-signup.ts');
    const delivered: DynamoDBRecord[] = [];
    const failed: string[] = [];
    // A second mapping of the notifier from the stream's start: every record it already handled, again, run as the notifier.
    const iam = t.stack.iam;
    const asNotifier: IamEmulation = {
      asFunction: (_, work) => iam.asFunction(STREAM_CONSUMERS.notifier.name, work),
      authorize: (_, requests) => iam.authorize(STREAM_CONSUMERS.notifier.name, requests),
      onFailureDestination: () => iam.onFailureDestination(STREAM_CONSUMERS.notifier.name),
    };
    replay = await startStreamReader({
      streamArn: t.stack.streamArn,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: t.stack.tableName,
      consumer: { ...STREAM_CONSUMERS.notifier, name: `${STREAM_CONSUMERS.notifier.name}-replay` },
      iam: asNotifier,
      handler: async (event: DynamoDBStreamEvent) => {
        const response = await handler(event);
        failed.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
        delivered.push(...event.Records);
        return response;
      },
    });
    // An invitation email by its sending, a join by who joined.
    const what = (r: DynamoDBRecord) => (r.dynamodb?.NewImage?.sealedToken ? `${r.dynamodb.NewImage.invitationId?.S}#${r.dynamodb.NewImage.sendCount?.N}` : `join ${r.dynamodb?.NewImage?.email?.S}`);
    const expected = [...[...sendings].flatMap(([id, { sendCount }]) => Array.from({ length: sendCount }, (_, n) => `${id}#${n + 1}`)), ...joined.map((email) => `join ${email}`)];
    await eventually(async () => new Set(delivered.map(what)), (seen) => expected.every((s) => seen.has(s)), 20_000);
    expect(expected.filter((s) => !delivered.some((r) => what(r) === s))).toEqual([]);

    expect(failed).toEqual([]);
    expect(await inbox()).toHaveLength(before);
    for (const { email, sendCount } of sendings.values()) expect(await invitationsTo(email), email).toHaveLength(sendCount);
  });
});

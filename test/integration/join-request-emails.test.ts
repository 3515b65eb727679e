/**
 * Join-request emails through the real notifier, read from the local SES: requests arriving
 * together become ONE email to each approver (the link's creator and each admin) listing them all
 * (with the Requests page, never an approve link); a decline is one email to the person who asked, with the reason; an approval's
 * welcome says the request was approved; the stream delivering every record again sends nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { IamEmulation } from '../../local/iam/emulation.ts';
import { startStreamReader, type StreamReader } from '../../local/stream-reader.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, OWNER, when } from '../support/steps.ts';

// The notifier is started by the first test once every request is written, so they reach it in one batch, as a burst does in AWS.
const t = useStack({ notifier: false });
let notifier: StreamReader | undefined;
let replay: StreamReader | undefined;
afterAll(async () => {
  await replay?.stop();
  await notifier?.stop();
});

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

const run = randomUUID().slice(0, 8);
let count = 0;
const person = () => ({ email: `asks-${run}-${++count}@example.test`, firstName: 'Ria', lastName: `Asker ${count}` });
const requestsPath = `/v1/domains/${DEMO_DOMAIN}/join-requests`;
const approvalLink = (label: string) => when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label, requireApproval: true });

const inbox = async (): Promise<StoredEmail[]> => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;
const to = async (address: string) => (await inbox()).filter((e) => e.destination.to.includes(address));
/** A request's email claims and outbox items, beside it in its partition. */
const requestItems = async (requestId: string) =>
  (await t.db.send(new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.joinRequest(requestId).PK }, ConsistentRead: true }))).Items ?? [];
const sentClaim = async (requestId: string, kind: 'requested' | 'declined') => (await requestItems(requestId)).find((i) => String(i.SK).startsWith(`SENT#${kind}#`));
/** A request's email claims, one per approver. */
const requestClaims = async (requestId: string) => (await requestItems(requestId)).filter((i) => String(i.SK).startsWith('SENT#requested#'));

const asked: { person: ReturnType<typeof person>; requestId: string }[] = [];

describe('requests arriving together', () => {
  it('make ONE email to each approver (the link\'s creator, each admin) listing them all: who, their email, which link, when; the Requests page, never an approve link', async () => {
    const crew = await approvalLink(`Crew call ${run}`);
    const extras = await approvalLink(`Extras ${run}`);
    const people = [person(), person(), person(), person()];
    const replies = await Promise.all(people.map((p, i) => when(t).joinAnswered(i < 3 ? crew.token : extras.token, p)));
    expect(replies.map((r) => [r.status, r.body.status])).toEqual(people.map(() => [202, 'pending']));
    asked.push(...people.map((p, i) => ({ person: p, requestId: replies[i]!.body.requestId as string })));

    notifier = await startStreamReader({ streamArn: t.stack.streamArn, dynamoEndpoint: inject('dynamoEndpoint'), tableName: t.stack.tableName, consumer: STREAM_CONSUMERS.notifier, iam: t.stack.iam });
    // Two approvers (the manager who made the links, the owner who is the domain's admin), each request claimed once for each.
    const claims = await eventually(
      () => Promise.all(asked.map(({ requestId }) => requestClaims(requestId))),
      (found) => found.every((c) => c.length === 2 && c.every((claim) => claim.status === 'sent')),
      20_000,
    );
    // One email per approver: each approver's claims settled by the same message.
    expect(new Set(claims.flat().map((c) => `${c.sentTo} ${c.messageId}`))).toEqual(new Set(claims[0]!.map((c) => `${c.sentTo} ${c.messageId}`)));
    expect(new Set(claims.flat().map((c) => c.sentTo))).toEqual(new Set([MANAGER, OWNER]));
    // The local SES keeps every email its process sent: files that ran before in this worker emailed the manager too.
    const emails = (await to(MANAGER)).filter((e) => e.body.text.includes(run));
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email!.subject).toBe('4 people asked to join Demo Media Co');
    const { text, html } = email!.body;
    expect(text).toContain('Hello Mark,');
    for (const p of people) {
      expect(text).toContain(`Email: ${p.email}`);
      expect(text).toContain(`Name: ${p.firstName} ${p.lastName}`);
    }
    expect(text.match(new RegExp(`Invite link: “Crew call ${run}” \\(yours\\)`, 'g'))).toHaveLength(3);
    expect(text).toContain(`Invite link: “Extras ${run}” (yours)`);
    expect(text).toContain('You get this email because you made the link.');
    expect(text).toMatch(/Asked: \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC/);
    expect(text).toContain(`${t.stack.url}/requests?domain=${DEMO_DOMAIN}`);
    expect(html).toContain(`href="${t.stack.url}/requests?domain=${DEMO_DOMAIN}"`);
    // Nothing in it approves or declines: the only link is the Requests page.
    expect([...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0])).toEqual([`${t.stack.url}/requests?domain=${DEMO_DOMAIN}`]);
    // The domain's admin gets the same requests in one email of their own, naming who made each link.
    const forAdmin = (await to(OWNER)).filter((e) => e.body.text.includes(run));
    expect(forAdmin).toHaveLength(1);
    expect(forAdmin[0]!.subject).toBe('4 people asked to join Demo Media Co');
    expect(forAdmin[0]!.body.text.match(new RegExp(`Invite link: “Crew call ${run}”, made by Mark \\S+`, 'g'))).toHaveLength(3);
    expect(forAdmin[0]!.body.text).toContain('You get this email because you are an admin of Demo Media Co.');
    // The outbox items have done their work.
    for (const { requestId } of asked) await eventually(() => requestItems(requestId), (items) => !items.some((i) => String(i.SK).startsWith('EMAIL#')), 5_000);
    for (const { requestId } of asked) expect((await requestItems(requestId)).filter((i) => String(i.SK).startsWith('EMAIL#'))).toEqual([]);
  });
});

describe('a declined request', () => {
  it('is one email to the person who asked, naming the domain and the reason', async () => {
    const { person: declined, requestId } = asked[0]!;
    const res = await t.as(OWNER).post(`${requestsPath}/${requestId}/decline`, { reason: 'We only take crew we have met' });
    expect(res.status).toBe(200);
    const [email, ...more] = await eventually(() => to(declined.email), (found) => found.length > 0, 20_000);
    expect(more).toEqual([]);
    expect(email!.subject).toBe('Your request to join Demo Media Co was declined');
    expect(email!.body.text).toContain('Hello Ria,');
    expect(email!.body.text).toContain('You have not been added to Demo Media Co.');
    expect(email!.body.text).toContain('The reason given: “We only take crew we have met”');
    // The claim is settled just after SES took the email.
    expect(await eventually(() => sentClaim(requestId, 'declined'), (claim) => claim?.status === 'sent', 20_000)).toMatchObject({ status: 'sent', sentTo: declined.email });
  });
});

describe('an approved request', () => {
  it('welcomes the person saying their request was approved, and sends the creator no signup email', async () => {
    const { person: approved, requestId } = asked[1]!;
    const res = await t.as(MANAGER).post(`${requestsPath}/${requestId}/approve`);
    expect(res.status).toBe(200);
    const [welcome, ...more] = await eventually(() => to(approved.email), (found) => found.length > 0, 20_000);
    expect(more).toEqual([]);
    expect(welcome!.subject).toBe('Welcome to Demo Media Co: your request was approved');
    expect(welcome!.body.text).toContain('Your request to join Demo Media Co was approved.');
    expect(welcome!.body.text).toContain('because your request to join through an invite link was approved');
    expect((await to(MANAGER)).filter((e) => e.body.text.includes(approved.email) && e.subject.includes('joined'))).toEqual([]);
  });
});

describe('the stream delivering every record again', () => {
  it('sends no request, decline or welcome email twice', async () => {
    const before = (await inbox()).length;
    const { handler } = await import('../../functions/notify-signup.ts');
    const seen = new Set<string>();
    const failed: string[] = [];
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
        for (const r of event.Records) seen.add(`${r.dynamodb?.NewImage?.entityType?.S} ${r.dynamodb?.NewImage?.kind?.S ?? ''} ${r.dynamodb?.NewImage?.requestId?.S ?? r.dynamodb?.NewImage?.email?.S}`);
        return response;
      },
    });
    const expected = [...asked.map(({ requestId }) => `JoinRequestEmail requested ${requestId}`), `JoinRequestEmail declined ${asked[0]!.requestId}`, `Join  ${asked[1]!.person.email}`];
    await eventually(async () => seen, (s) => expected.every((e) => s.has(e)), 20_000);
    expect(expected.filter((e) => !seen.has(e))).toEqual([]);
    expect(failed).toEqual([]);
    expect(await inbox()).toHaveLength(before);
  });
});

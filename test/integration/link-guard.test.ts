/**
 * A link that pauses itself, through the real notifier: 30 people joining at once through a link
 * guarded at "more than 5 within 10 minutes" pause it by themselves (the next joiner is told
 * LINK_PAUSED), the InviteLinkPaused event names the burst, the creator is emailed once; the
 * overshoot is measured; joins spread over more than the window never pause it; a resumed link
 * starts counting afresh; the stream delivering every record again changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import type { IamEmulation } from '../../local/iam/emulation.ts';
import { startStreamReader, type StreamReader } from '../../local/stream-reader.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, answered, linksPath, when } from '../support/steps.ts';

const t = useStack();

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}
interface BusEvent {
  'detail-type': string;
  detail: Record<string, any>;
}

const run = randomUUID().slice(0, 8);
let people = 0;
const person = () => ({ email: `guard-${run}-${++people}@example.test`, firstName: 'Gus', lastName: `Burst ${people}` });
const GUARD = { joins: 5, withinMinutes: 10 };
/**
 * The most joins beyond the threshold that 30 people joining at once may get in: every one already
 * in flight when the pause lands (docs/notifications.md states the measured figure and why).
 */
const OVERSHOOT_BOUND = 30 - GUARD.joins;

const inbox = async (): Promise<StoredEmail[]> => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;
const pausedEmails = async () => (await inbox()).filter((e) => e.destination.to.includes(MANAGER) && e.subject.includes('paused itself'));
const busEvents = async () => (await (await fetch(`${t.stack.url}/local/events`)).json()) as BusEvent[];
const pausedEvents = async (linkId: string) => (await busEvents()).filter((e) => e['detail-type'] === 'InviteLinkPaused' && e.detail.link.id === linkId);
const linkItem = async (linkId: string) => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.link(linkId), ConsistentRead: true }))).Item;
/** Every join the guard counted for the link, over all its minute buckets. */
const counted = async (linkId: string) => {
  const { Items = [] } = await t.db.send(
    new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :minute)', ExpressionAttributeValues: { ':pk': keys.guardPartition(linkId), ':minute': keys.guardMinutePrefix }, ConsistentRead: true }),
  );
  return Items.flatMap((bucket) => [...((bucket.joinIds as Set<string> | undefined) ?? [])]);
};
/** The notifier has handled a join once its welcome email is out: the guard runs before a join's emails. A loaded machine's notifier may be far behind a burst: waited for, not timed. */
const handled = (emails: string[]) => eventually(inbox, (all) => emails.every((email) => all.some((e) => e.destination.to.includes(email))), 45_000);
const guardedLink = (label: string) => when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label, pauseAfter: GUARD });

let burstLink: { token: string; id: string };
const admitted: string[] = [];

describe('30 people joining at once through a link guarded at more than 5 within 10 minutes', () => {
  it('pause it by themselves: the next joiner is told LINK_PAUSED; the overshoot is measured and within its bound', async () => {
    burstLink = await guardedLink(`Open day ${run}`);
    const people = Array.from({ length: 30 }, person);
    const replies = await Promise.all(people.map((p) => when(t).joinAnswered(burstLink.token, p)));
    people.forEach((p, i) => replies[i]!.status === 201 && admitted.push(p.email));
    // Those the pause turned away already, if it landed before the last of them.
    expect(replies.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(replies.filter((r) => r.status !== 201).map(() => 'LINK_PAUSED'));
    const overshoot = admitted.length - GUARD.joins;
    console.info(`link guard overshoot: ${admitted.length} of 30 people joining at once got in through a link guarded at more than ${GUARD.joins} within ${GUARD.withinMinutes} minutes: ${overshoot} beyond the threshold`);
    expect(admitted.length).toBeGreaterThan(GUARD.joins);
    expect(overshoot).toBeLessThanOrEqual(OVERSHOOT_BOUND);

    expect(await eventually(() => linkItem(burstLink.id), (link) => link?.pausedAt !== undefined, 45_000)).toMatchObject({ pausedBy: 'guard' });
    const next = await when(t).join(burstLink.token, person());
    expect(next.status).toBe(410);
    expect(next.body.code).toBe('LINK_PAUSED');
  });

  it('record InviteLinkPaused once, naming the rule and who joined in the burst', async () => {
    const [paused, ...more] = await eventually(() => pausedEvents(burstLink.id), (found) => found.length > 0, 20_000);
    expect(more).toEqual([]);
    expect(paused!.detail).toMatchObject({ domainId: DEMO_DOMAIN, link: { id: burstLink.id, label: `Open day ${run}` }, joins: 5, withinMinutes: 10 });
    expect(paused!.detail.actor).toBeUndefined();
    const burst = paused!.detail.burst as { email: string; joinedAt: string }[];
    expect(burst.length).toBeGreaterThan(GUARD.joins);
    for (const { email } of burst) expect(admitted).toContain(email);
  });

  it('email the link\'s creator once, at once: who joined in the burst, the Users page filtered by the link, and where to resume it', async () => {
    const [email, ...more] = await eventually(pausedEmails, (found) => found.length > 0, 20_000);
    expect(more).toEqual([]);
    expect(email!.subject).toBe(`Your invite link “Open day ${run}” to Demo Media Co paused itself: ${(await pausedEvents(burstLink.id))[0]!.detail.burst.length} people joined within 10 minutes`);
    const { text, html } = email!.body;
    expect(text).toContain('More than 5 people joined Demo Media Co through your invite link');
    expect(text).toContain(`/users?domain=${DEMO_DOMAIN}&inviteLinkId=${encodeURIComponent(burstLink.id)}`);
    expect(text).toContain('Resume or revoke it under + New Users › Active links');
    expect(html).toContain(`inviteLinkId=${encodeURIComponent(burstLink.id)}`);
    for (const { email: joiner } of (await pausedEvents(burstLink.id))[0]!.detail.burst) expect(text).toContain(joiner);
  });
});

describe('a resumed link', () => {
  it('starts counting afresh: the burst that paused it does not pause it again', async () => {
    // Every join of the burst handled first: the creator resumes after reading the email, not while the stream catches up.
    await handled(admitted);
    const before = (await counted(burstLink.id)).length;
    expect((await t.as(MANAGER).post(`${linksPath()}/${burstLink.id}/resume`)).status).toBe(200);
    const joiner = person();
    expect((await answered(() => when(t).join(burstLink.token, joiner))).status).toBe(201);
    await handled([joiner.email]);
    expect(await counted(burstLink.id)).toHaveLength(before + 1);
    expect((await linkItem(burstLink.id))?.pausedAt).toBeUndefined();
    expect(await pausedEvents(burstLink.id)).toHaveLength(1);
  });
});

describe('joins spread over more than the window', () => {
  let spreadLink: { token: string; id: string };

  it('never pause the link: five at a time, eleven minutes apart, sixteen in all', async () => {
    spreadLink = await guardedLink(`Spread ${run}`);
    const joined: string[] = [];
    for (let round = 0; round < 3; round++) {
      if (round > 0) advanceClock(11 * 60_000);
      const group = Array.from({ length: 5 }, person);
      const replies = await Promise.all(group.map((p) => when(t).joinAnswered(spreadLink.token, p)));
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      joined.push(...group.map((p) => p.email));
      await handled(joined);
    }
    // The guard counted every one of them, and none of its windows held more than five.
    expect(await counted(spreadLink.id)).toHaveLength(15);
    expect((await linkItem(spreadLink.id))?.pausedAt).toBeUndefined();
    // A sixteenth now would be the sixth within ten minutes; eleven minutes on, it is the first of its window.
    advanceClock(11 * 60_000);
    const sixteenth = person();
    expect((await when(t).join(spreadLink.token, sixteenth)).status).toBe(201);
    await handled([sixteenth.email]);
    expect((await linkItem(spreadLink.id))?.pausedAt).toBeUndefined();
  });
});

describe('the stream delivering every record again', () => {
  let replay: StreamReader | undefined;
  afterAll(() => replay?.stop());

  it('counts no join twice, pauses nothing again and sends no email twice', async () => {
    const before = { emails: (await inbox()).length, events: (await busEvents()).length, burst: (await counted(burstLink.id)).length };
    const { handler } = await import('../../functions/notify-signup.ts');
    const delivered = new Set<string>();
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
        for (const r of event.Records) if (r.dynamodb?.NewImage?.email?.S) delivered.add(r.dynamodb.NewImage.email.S);
        return response;
      },
    });
    await eventually(async () => delivered, (seen) => admitted.every((email) => seen.has(email)), 20_000);
    expect(admitted.filter((email) => !delivered.has(email))).toEqual([]);
    expect(failed).toEqual([]);
    expect(await counted(burstLink.id)).toHaveLength(before.burst);
    expect(await inbox()).toHaveLength(before.emails);
    expect(await pausedEvents(burstLink.id)).toHaveLength(1);
    expect((await linkItem(burstLink.id))?.pausedAt).toBeUndefined();
  });
});

/**
 * A link's end, on time and once: its creator is warned a day before it expires (an email and
 * InviteLinkExpiring) and at 80 % of its uses (an email), InviteLinkUsedUp comes with its last use and
 * InviteLinkExpired at its end; a link that ended before (revoked) or lives a day or less says
 * nothing it should not. The service's clock is moved on; the stack's scheduler runs the sweep as
 * EventBridge Scheduler does in AWS, so nothing waits for the real time.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { advanceClock, now } from '#shared/clock.ts';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { SHARDS, TABLE } from '#shared/store/dynamodb/table.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { linksPath, MANAGER, newPerson, OWNER, tokenOf, when } from '../support/steps.ts';

const t = useStack({ timerSweep: { everyMs: 100 } });
const DAY_MS = 24 * 3600_000;
const run = Date.now().toString(36);

type BusEvent = { 'detail-type': string; detail: Record<string, any> };
type StoredEmail = { destination: { to: string[] }; subject: string; body: { text: string } };
const busEvents = async () => (await (await fetch(`${t.stack.url}/local/events`)).json()) as BusEvent[];
const eventsOf = async (type: string, linkId: string) => (await busEvents()).filter((e) => e['detail-type'] === type && e.detail.link?.id === linkId);
const inbox = async () => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;
const emailsAbout = async (label: string, to = MANAGER) => (await inbox()).filter((e) => e.destination.to.includes(to) && e.subject.includes(`“${label}”`) && !e.subject.includes('joined'));
/** Every timer still kept for a link (none once its timers fired). */
const timersOf = async (linkId: string) =>
  (
    await Promise.all(
      Array.from({ length: SHARDS.timers }, async (_, shard) =>
        (await t.db.send(new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': TABLE.partitionKey }, ExpressionAttributeValues: { ':pk': keys.timerPartition(shard) } }))).Items ?? [],
      ),
    )
  )
    .flat()
    .filter((item) => item.linkId === linkId);
/** Two more sweeps: whatever was due has fired, and firing again changes nothing. */
const sweepTwice = async () => {
  await t.stack.scheduler!.runNow();
  await t.stack.scheduler!.runNow();
};
const link = (label: string, more: Record<string, unknown> = {}) => when(t).createLink(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label, ...more });

describe('a link nearing its end', () => {
  it('warns its creator a day before it expires, once, and says InviteLinkExpired at its end, once', async () => {
    const label = `Crew call ${run}`;
    const made = await link(label, { maxUses: 10 });
    expect(made.status).toBe(201);
    expect((await when(t).join(tokenOf(made.body.url), newPerson('early'))).status).toBe(201);
    expect(await eventsOf('InviteLinkExpiring', made.body.id)).toEqual([]);

    advanceClock(Date.parse(made.body.expiresAt) - now().getTime() - DAY_MS + 30_000);
    const [expiring] = await eventually(() => eventsOf('InviteLinkExpiring', made.body.id), (found) => found.length > 0, 20_000);
    expect(expiring!.detail).toMatchObject({ link: { id: made.body.id, label }, expiresAt: made.body.expiresAt, useCount: 1, maxUses: 10 });
    expect(expiring!.detail.actor).toBeUndefined();
    const [email] = await eventually(() => emailsAbout(label), (found) => found.length > 0, 20_000);
    expect(email!.subject).toContain('expires');
    expect(email!.body.text).toContain(`reissue=${made.body.id}`);
    await sweepTwice();
    expect(await eventsOf('InviteLinkExpiring', made.body.id)).toHaveLength(1);
    expect(await emailsAbout(label)).toHaveLength(1);
    expect(await eventsOf('InviteLinkExpired', made.body.id)).toEqual([]);

    advanceClock(DAY_MS);
    const [expired] = await eventually(() => eventsOf('InviteLinkExpired', made.body.id), (found) => found.length > 0, 20_000);
    expect(expired!.detail).toMatchObject({ occurredAt: made.body.expiresAt, link: { id: made.body.id }, useCount: 1 });
    await sweepTwice();
    expect(await eventsOf('InviteLinkExpired', made.body.id)).toHaveLength(1);
    expect(await timersOf(made.body.id)).toEqual([]);
    assertEventSchemas([expiring!, expired!] as never);
  });

  it('says nothing of a link revoked before its end, and warns of none that lives a day or less', async () => {
    const revoked = await link(`Revoked ${run}`);
    expect((await t.as(MANAGER).delete(`${linksPath()}/${revoked.body.id}`)).status).toBe(204);
    const short = await link(`Short ${run}`, { expiresInSeconds: 3600 });
    expect(await timersOf(short.body.id)).toHaveLength(1);
    advanceClock(8 * DAY_MS);
    await sweepTwice();
    expect(await timersOf(revoked.body.id)).toEqual([]);
    expect(await eventsOf('InviteLinkExpiring', revoked.body.id)).toEqual([]);
    expect(await eventsOf('InviteLinkExpired', revoked.body.id)).toEqual([]);
    expect(await eventsOf('InviteLinkExpiring', short.body.id)).toEqual([]);
    // The short one expired working: that is said.
    expect(await eventually(() => eventsOf('InviteLinkExpired', short.body.id), (found) => found.length > 0, 20_000)).toHaveLength(1);
  });

  it('with signup emails off, says InviteLinkExpiring without emailing', async () => {
    const label = `Quiet ${run}`;
    const made = await link(label, { notifyCreator: false });
    advanceClock(Date.parse(made.body.expiresAt) - now().getTime() - DAY_MS + 30_000);
    expect(await eventually(() => eventsOf('InviteLinkExpiring', made.body.id), (found) => found.length > 0, 20_000)).toHaveLength(1);
    await sweepTwice();
    expect(await emailsAbout(label)).toEqual([]);
  });
});

describe('a link with a use limit', () => {
  it('warns its creator once at 80 % of its uses and says InviteLinkUsedUp once, at its last join, however the joins race', async () => {
    const label = `Ten seats ${run}`;
    const made = await link(label, { maxUses: 10 });
    const token = tokenOf(made.body.url);
    for (let i = 0; i < 7; i++) expect((await when(t).joinAnswered(token, newPerson('seat'))).status).toBe(201);
    // Seven of ten: no warning yet.
    await eventually(async () => (await busEvents()).filter((e) => e['detail-type'] === 'MemberJoined' && e.detail.link?.id === made.body.id).length, (n) => n === 7, 20_000);
    expect(await emailsAbout(label)).toEqual([]);
    // The last three at once (and a fourth, refused).
    const answers = await Promise.all(Array.from({ length: 4 }, () => when(t).joinAnswered(token, newPerson('race'))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 410]);
    const [usedUp] = await eventually(() => eventsOf('InviteLinkUsedUp', made.body.id), (found) => found.length > 0, 20_000);
    const joinsOf = async () => (await busEvents()).filter((e) => e['detail-type'] === 'MemberJoined' && e.detail.link?.id === made.body.id);
    const joins = await eventually(joinsOf, (found) => found.length >= 10, 20_000);
    expect(joins).toHaveLength(10);
    expect(usedUp!.detail).toMatchObject({ maxUses: 10, link: { id: made.body.id, label } });
    // When the feed found the last use taken: the latest join of the batch that saw it, within moments of the last join.
    const lastJoin = Date.parse(joins.map((j) => j.detail.occurredAt).sort().at(-1)!);
    expect(joins.map((j) => j.detail.occurredAt)).toContain(usedUp!.detail.occurredAt);
    expect(lastJoin - Date.parse(usedUp!.detail.occurredAt)).toBeLessThan(60_000);
    const [warning] = await eventually(() => emailsAbout(label), (found) => found.length > 0, 20_000);
    expect(warning!.subject).toMatch(/uses left|used up/);
    // Whatever the feed sees again changes nothing.
    await sweepTwice();
    expect(await eventsOf('InviteLinkUsedUp', made.body.id)).toHaveLength(1);
    expect(await emailsAbout(label)).toHaveLength(1);
    assertEventSchemas([usedUp!] as never);
  });
});

it('the owner sees the ends in the activity', async () => {
  const res = await t.as(OWNER).get('/v1/domains/demo-media-co/activity?type=InviteLinkExpired,InviteLinkUsedUp,InviteLinkExpiring');
  expect(res.status).toBe(200);
  expect(new Set(res.body.items.map((e: { type: string }) => e.type))).toEqual(new Set(['InviteLinkExpired', 'InviteLinkUsedUp', 'InviteLinkExpiring']));
});

describe('the recently ended links', () => {
  it('are listed with why and when they ended, can be re-issued from there, and drop off after 30 days', async () => {
    const ended = async () => new Map(((await t.as(MANAGER).get('/v1/domains/demo-media-co/ended-invite-links?limit=100')).body.items as Record<string, any>[]).map((l) => [l.label, l]));
    const live = await link(`Still open ${run}`);
    const list = await ended();
    expect(list.get(`Revoked ${run}`)).toMatchObject({ endedBecause: 'revoked' });
    expect(list.get(`Ten seats ${run}`)).toMatchObject({ endedBecause: 'used-up', useCount: 10, stats: { joins: 10 } });
    expect(list.get(`Crew call ${run}`)).toMatchObject({ endedBecause: 'expired', endedAt: list.get(`Crew call ${run}`)!.expiresAt, useCount: 1 });
    expect(list.has(`Still open ${run}`)).toBe(false);
    expect(live.status).toBe(201);
    const again = await t.as(MANAGER).post(`${linksPath()}/${list.get(`Ten seats ${run}`)!.id}/reissue`);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ label: `Ten seats ${run}`, maxUses: 10 });
    expect((await when(t).lookup(tokenOf(again.body.url))).status).toBe(200);

    advanceClock(31 * DAY_MS);
    const later = [...(await ended()).values()];
    const ids = (labels: string[]) => labels.map((label) => list.get(label)!.id);
    for (const id of ids([`Revoked ${run}`, `Ten seats ${run}`, `Crew call ${run}`])) expect(later.map((l) => l.id)).not.toContain(id);
    expect(later.find((l) => l.id === live.body.id)).toMatchObject({ endedBecause: 'expired' });
    // The re-issued one (same label) lived its own lifetime and ended since.
    expect(later.find((l) => l.id === again.body.id)).toMatchObject({ endedBecause: 'expired', label: `Ten seats ${run}` });
  });
});

describe('a membership through a link with membershipDays', () => {
  it('warns the member three days before and ends at its time through the sweep, as a removal with reason expired', async () => {
    const made = await link(`Contractors ${run}`, { membershipDays: 4 });
    const person = newPerson('contractor');
    expect((await when(t).join(tokenOf(made.body.url), person)).status).toBe(201);
    advanceClock(DAY_MS + 30_000);
    const [warning] = await eventually(async () => (await inbox()).filter((e) => e.destination.to.includes(person.email) && e.subject.includes('ends on')), (found) => found.length > 0, 20_000);
    expect(warning!.subject).toMatch(/^Your membership of Demo Media Co ends on/);
    advanceClock(3 * DAY_MS);
    const [removed] = await eventually(
      async () => (await busEvents()).filter((e) => e['detail-type'] === 'MemberRemoved' && e.detail.member.email === person.email),
      (found) => found.length > 0,
      20_000,
    );
    expect(removed!.detail).toMatchObject({ reason: 'expired' });
    expect(removed!.detail.actor).toBeUndefined();
    const members = (await t.as(OWNER).get('/v1/domains/demo-media-co/users?limit=100')).body.items as { email: string }[];
    expect(members.map((m) => m.email)).not.toContain(person.email);
  });
});

/** Every change of state becomes an event, through the table's stream, on the local bus and in the Activity list. */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { ENTITY } from '#shared/store/dynamodb/table.ts';
import { EVENT_DETAILS } from '#shared/contract/event-schemas.ts';
import { EVENT_SOURCE, type EventType } from '#shared/contract/event-types.ts';
import type { BusEvent } from '../../local/event-bus.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';

// A record that fails is retried quickly here: the dead-letter test below waits out every retry.
const t = useStack({ eventsFeed: { retryDelayMs: () => 20 } });
const activityPath = (query = '', domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/activity${query}`;

/** The events on the bus since `from`, once `done` holds (within the 2 s the product promises, plus slack for a loaded machine). */
async function busEvents(from: number, done: (events: BusEvent[]) => boolean): Promise<BusEvent[]> {
  return eventually(async () => (await (await fetch(`${t.stack.url}/local/events`)).json()).slice(from) as BusEvent[], done, 20_000);
}
const count = async () => ((await (await fetch(`${t.stack.url}/local/events`)).json()) as unknown[]).length;
const ofType = (events: BusEvent[], type: EventType) => events.filter((e) => e['detail-type'] === type);

describe('each change of state is published once it is durable', () => {
  it('creating, revoking, deleting all, switching off and on, joining, changing and removing a member: one event each, in the contract shape', async () => {
    const from = await count();
    const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;
    const created = await when(t).createLink(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Launch crew' });
    const token = new URL(created.body.url).hash.slice(1);
    const person = newPerson('evented');
    const joined = await when(t).join(token, person);
    expect(joined.status).toBe(201);
    const member = `/v1/domains/${DEMO_DOMAIN}/users/${joined.body.userId}`;
    expect((await t.as(OWNER).patch(member, { userType: 'BROWSE' })).status).toBe(200);
    expect((await t.as(OWNER).delete(member)).status).toBe(204);
    expect((await t.as(OWNER).delete(`${linksPath()}/${created.body.id}`)).status).toBe(204);
    expect((await when(t).revokeAll()).status).toBe(200);
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    expect((await when(t).setLinksEnabled(true)).status).toBe(200);

    const types: EventType[] = ['InviteLinkCreated', 'MemberJoined', 'MemberUpdated', 'MemberRemoved', 'InviteLinkRevoked', 'InviteLinksRevokedAll', 'InviteLinksDisabled', 'InviteLinksEnabled'];
    const events = await busEvents(from, (e) => types.every((type) => ofType(e, type).length >= 1));
    for (const type of types) expect(ofType(events, type), type).toHaveLength(1);
    assertEventSchemas(events);
    for (const event of events) {
      expect(event).toMatchObject({ version: '0', source: EVENT_SOURCE, account: expect.any(String), region: expect.any(String), resources: [] });
      expect(event.detail).toMatchObject({ version: 1, domainId: DEMO_DOMAIN, eventId: expect.any(String), occurredAt: expect.any(String) });
    }
    // Events never carry the token, nor the url that holds it.
    expect(JSON.stringify(events)).not.toContain(token);

    const detail = (type: EventType) => ofType(events, type)[0]!.detail as Record<string, any>;
    expect(detail('InviteLinkCreated')).toMatchObject({ actor: { userId: ownerId, email: OWNER }, link: { id: created.body.id, label: 'Launch crew', userType: 'STANDARD', primaryTeamId: 'producers' } });
    expect(detail('MemberJoined')).toMatchObject({
      actor: { userId: joined.body.userId, email: person.email },
      member: { userId: joined.body.userId, email: person.email, userType: 'STANDARD', teamIds: ['producers'] },
      link: { id: created.body.id, label: 'Launch crew', createdBy: ownerId },
    });
    expect(detail('MemberUpdated')).toMatchObject({ member: { userId: joined.body.userId }, before: { userType: 'STANDARD' }, after: { userType: 'BROWSE' } });
    expect(detail('MemberRemoved')).toMatchObject({ actor: { email: OWNER }, member: { userId: joined.body.userId, email: person.email, userType: 'BROWSE' } });
    expect(detail('InviteLinkRevoked')).toMatchObject({ link: { id: created.body.id, createdBy: ownerId } });
    expect(detail('InviteLinksRevokedAll').createdBy).toBeUndefined();
  });

  it("revoking one person's links names them; a settings write that leaves the switch as it was is not an event", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const from = await count();
    const managerId = (await t.as(MANAGER).get('/v1/me')).body.userId;
    expect((await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: managerId })).status).toBe(200);
    expect((await when(t).setLinksEnabled(true)).status).toBe(200);
    const events = await busEvents(from, (e) => e.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = (await (await fetch(`${t.stack.url}/local/events`)).json()).slice(from) as BusEvent[];
    expect(after.map((e) => e['detail-type'])).toEqual(['InviteLinksRevokedAll']);
    expect(events[0]!.detail).toMatchObject({ createdBy: managerId });
  });

  it('revoking a link already revoked is not another event', async () => {
    const { id } = await when(t).linkToken(OWNER);
    const published = await busEvents(0, (e) => e.some((event) => event['detail-type'] === 'InviteLinkCreated' && (event.detail as { link: { id: string } }).link.id === id));
    const from = published.length;
    await t.as(OWNER).delete(`${linksPath()}/${id}`);
    await t.as(OWNER).delete(`${linksPath()}/${id}`);
    await busEvents(from, (e) => e.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(((await (await fetch(`${t.stack.url}/local/events`)).json()).slice(from) as BusEvent[]).map((e) => e['detail-type'])).toEqual(['InviteLinkRevoked']);
  });
});

describe('an entry that cannot become an event', () => {
  it('goes to the dead-letter destination after its retries, and the events after it are published', async () => {
    const eventId = `malformed-${randomUUID()}`;
    // As a bug or a hand edit could leave one: an activity item without a type.
    await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: { ...keys.activity('malformed-domain', new Date().toISOString(), eventId), entityType: ENTITY.Activity, eventId } }));
    const { id } = await when(t).linkToken(OWNER);
    const letters = await eventually(
      async () => t.stack.eventsFeed!.dlq.filter((l) => l.records.some((r) => r.dynamodb?.NewImage?.eventId?.S === eventId)),
      (found) => found.length > 0,
      20_000,
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]!.requestContext.condition).toBe('RetryAttemptsExhausted');
    await busEvents(0, (e) => e.some((event) => event['detail-type'] === 'InviteLinkCreated' && (event.detail as { link: { id: string } }).link.id === id));
  }, 30_000);
});

describe('GET /v1/domains/{domainId}/activity', () => {
  it('is the same events, newest first, paged, filtered by type', async () => {
    await when(t).linkToken(OWNER);
    await when(t).linkToken(MANAGER);
    const all = (await t.as(OWNER).get(activityPath('?limit=100'))).body.items as { type: string; occurredAt: string; eventId: string }[];
    expect(all.length).toBeGreaterThanOrEqual(10);
    const times = all.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    for (const item of all) {
      const { type, ...detail } = item;
      expect(EVENT_DETAILS[type as EventType].safeParse(detail).success, type).toBe(true);
    }
    // The bus has the same eventIds the list shows.
    const onBus = await eventually(
      async () => new Set(((await (await fetch(`${t.stack.url}/local/events`)).json()) as BusEvent[]).map((e) => e.detail.eventId)),
      (ids) => all.every((e) => ids.has(e.eventId)),
      10_000,
    );
    for (const item of all) expect(onBus.has(item.eventId), item.type).toBe(true);

    const first = await t.as(OWNER).get(activityPath('?limit=3'));
    expect(first.body.items.map((e: { eventId: string }) => e.eventId)).toEqual(all.slice(0, 3).map((e) => e.eventId));
    const second = await t.as(OWNER).get(activityPath(`?limit=3&cursor=${first.body.nextCursor}`));
    expect(second.body.items.map((e: { eventId: string }) => e.eventId)).toEqual(all.slice(3, 6).map((e) => e.eventId));

    const joins = (await t.as(MANAGER).get(activityPath('?type=MemberJoined,MemberRemoved'))).body.items as { type: string }[];
    expect(joins.length).toBeGreaterThanOrEqual(2);
    expect(new Set(joins.map((e) => e.type))).toEqual(new Set(['MemberJoined', 'MemberRemoved']));
  });

  it('refuses a cursor of another list or filter, an unknown type, and callers who may not invite', async () => {
    const first = await t.as(OWNER).get(activityPath('?limit=1'));
    const otherFilter = await t.as(OWNER).get(activityPath(`?type=MemberJoined&cursor=${first.body.nextCursor}`));
    expect([otherFilter.status, otherFilter.body.field]).toEqual([400, 'cursor']);
    const users = await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=1`);
    const foreign = await t.as(OWNER).get(activityPath(`?cursor=${users.body.nextCursor}`));
    expect([foreign.status, foreign.body.field]).toEqual([400, 'cursor']);
    const badType = await t.as(OWNER).get(activityPath('?type=LinkEaten'));
    expect([badType.status, badType.body.field]).toEqual([400, 'type']);
    expect((await t.as(VIEWER).get(activityPath())).status).toBe(403);
    expect((await t.as(OTHER_OWNER).get(activityPath())).status).toBe(404);
  });
});

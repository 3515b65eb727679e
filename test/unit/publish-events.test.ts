/** The events feed's edges: what it puts on the bus, the entries EventBridge refuses, records that can never be events; the link's guard it runs on joins. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { activity } from '../../shared/contract/activity.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import type { InviteLink, JoinRecord } from '../../shared/domain/types.ts';

vi.hoisted(() => {
  Object.assign(process.env, { EVENT_BUS_NAME: 'unit-bus', TABLE_NAME: 'unit-table', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'unit', AWS_SECRET_ACCESS_KEY: 'unit', POWERTOOLS_LOG_LEVEL: 'SILENT' });
});

const { handler } = await import('../../functions/publish-events.ts');
const bus = mockClient(EventBridgeClient);
const ddb = mockClient(DynamoDBDocumentClient);

const link: InviteLink = {
  linkId: 'link-1', domainId: 'd1', userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [],
  createdBy: 'u1', createdByEmail: 'owner@example.test', createdAt: '2026-06-01T09:30:00.000Z', expiresAt: '2026-06-08T09:30:00.000Z',
  generation: 0, onboarding: false, allowedEmailDomains: [], notifyCreator: true,
};

let seq = 0;
const recordOf = (image: Record<string, unknown>): DynamoDBRecord => ({
  eventID: `e-${++seq}`,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: String(seq).padStart(21, '0'), NewImage: marshall(image, { removeUndefinedValues: true }) as never },
});
const created = () => activity.linkCreated(link, { userId: 'u1', email: 'owner@example.test' });

beforeEach(() => {
  bus.reset();
  ddb.reset();
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'bus-1' }] });
});

describe('publishing an activity entry', () => {
  it('puts one event on the bus: source invite-links, the type as detail-type, the entry without its type as detail, the change time as its time', async () => {
    const entry = created();
    expect((await handler({ Records: [recordOf(items.activity(entry))] })).batchItemFailures).toEqual([]);
    const [call] = bus.commandCalls(PutEventsCommand);
    const [put] = call!.args[0].input.Entries!;
    expect(put).toMatchObject({ Source: 'invite-links', DetailType: 'InviteLinkCreated', EventBusName: 'unit-bus', Time: new Date(link.createdAt) });
    const { type: _, ...detail } = entry;
    expect(JSON.parse(put!.Detail!)).toEqual(detail);
  });

  it('retries an entry EventBridge refused, and reports the record failed only when it keeps refusing', async () => {
    bus.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'bus-2' }] });
    expect((await handler({ Records: [recordOf(items.activity(created()))] })).batchItemFailures).toEqual([]);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(2);

    bus.reset();
    const refused = created();
    bus.on(PutEventsCommand).callsFake(({ Entries }) =>
      Entries[0].Detail.includes(refused.eventId)
        ? { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] }
        : { FailedEntryCount: 0, Entries: [{ EventId: 'ok' }] },
    );
    const ok = recordOf(items.activity(created()));
    const record = recordOf(items.activity(refused));
    const result = await handler({ Records: [ok, record] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    // Tried three times before the record is given back to the stream's retries.
    expect(bus.commandCalls(PutEventsCommand).filter((c) => c.args[0].input.Entries![0]!.Detail!.includes(refused.eventId))).toHaveLength(3);
  });

  it('reports a record that is not an activity entry, and publishes the others', async () => {
    const malformed = recordOf({ PK: 'ACTIVITY#d1', SK: 'x', entityType: 'Activity', type: 'InviteLinkCreated', eventId: 'e1' });
    const unknownType = recordOf({ ...items.activity(created()), type: 'LinkEaten' });
    const good = recordOf(items.activity(created()));
    const result = await handler({ Records: [malformed, unknownType, good] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: malformed.dynamodb!.SequenceNumber }, { itemIdentifier: unknownType.dynamodb!.SequenceNumber }]);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('publishes a join record as MemberJoined, its eventId the join id', async () => {
    const join = {
      joinId: 'join-7', linkId: 'link-1', domainId: 'd1', userId: 'u7', email: 'pat@example.test', firstName: 'Pat', lastName: 'Lee',
      linkCreatedBy: 'u1', linkExpiresAt: link.expiresAt, grant: { userType: 'BROWSE' as const, primaryGroupId: 'archive', additionalTeamIds: ['crew'], roleGroupIds: [], groupIds: [] },
      joinedAt: '2026-06-02T10:00:00.000Z', linkLabel: 'Crew', notifyCreator: true,
    };
    expect((await handler({ Records: [recordOf(items.join(join))] })).batchItemFailures).toEqual([]);
    const put = bus.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(put.DetailType).toBe('MemberJoined');
    expect(JSON.parse(put.Detail!)).toMatchObject({
      eventId: 'join-7',
      actor: { userId: 'u7', email: 'pat@example.test' },
      member: { userId: 'u7', userType: 'BROWSE', isAdmin: false, teamIds: ['crew'], groupIds: ['archive'] },
      link: { id: 'link-1', label: 'Crew', createdBy: 'u1' },
    });
  });
});

describe('the link\'s guard on join records', () => {
  let n = 0;
  const joinOf = (overrides: Partial<JoinRecord> = {}): JoinRecord => ({
    joinId: `join-g${++n}`, linkId: 'link-guarded', domainId: 'd1', userId: `u-g${n}`, email: `joiner-${n}@example.test`, firstName: 'Ada', lastName: 'Joiner',
    linkCreatedBy: 'u1', linkExpiresAt: link.expiresAt, grant: { userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [] },
    joinedAt: '2026-06-01T09:30:00.000Z', notifyCreator: true, linkPauseAfter: { joins: 20, withinMinutes: 10 }, ...overrides,
  });
  const counted = () => ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.PK).startsWith('GUARD#'));

  it('reads nothing and writes only the link\'s stats for a link without one', async () => {
    expect((await handler({ Records: [recordOf(items.join(joinOf({ linkPauseAfter: undefined })))] })).batchItemFailures).toEqual([]);
    expect(ddb.calls().map((c) => [c.args[0].constructor.name, (c.args[0].input as { Key?: unknown }).Key])).toEqual([['UpdateCommand', { PK: 'LINK#link-guarded', SK: 'STATS' }]]);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('does not count joins a person approved (approving many at once does not pause the link), while the same join unapproved is', async () => {
    const approved = () => joinOf({ notifyCreator: false, approvedBy: { userId: 'u1', email: 'owner@example.test' } });
    expect((await handler({ Records: [recordOf(items.join(approved())), recordOf(items.join(approved()))] })).batchItemFailures).toEqual([]);
    expect(counted()).toEqual([]);
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect((await handler({ Records: [recordOf(items.join(joinOf()))] })).batchItemFailures).toEqual([]);
    expect(counted()).toHaveLength(1);
  });

  it('fails the join\'s record, unpublished, when its guard cannot count it: the retry counts and publishes it', async () => {
    ddb.on(UpdateCommand).rejects(new Error('throttled'));
    const record = recordOf(items.join(joinOf()));
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(bus.commandCalls(PutEventsCommand)).toEqual([]);
  });
});

describe('the order of an activity entry’s fields', () => {
  it('lists every field of every event type, in each schema’s own order', async () => {
    const { EVENT_DETAILS } = await import('../../shared/contract/event-schemas.ts');
    const { EVENT_TYPES } = await import('../../shared/contract/event-types.ts');
    const { ACTIVITY_FIELD_ORDER } = await import('../../shared/store/dynamodb/activity-items.ts');
    for (const type of EVENT_TYPES) {
      const schemaOrder = ['type', ...Object.keys(EVENT_DETAILS[type].def.shape)];
      expect(schemaOrder.filter((f) => !ACTIVITY_FIELD_ORDER.includes(f)), type).toEqual([]);
      expect(ACTIVITY_FIELD_ORDER.filter((f) => schemaOrder.includes(f)), type).toEqual(schemaOrder);
    }
  });
});

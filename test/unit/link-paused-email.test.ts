/**
 * The email telling a link's creator its guard paused it, sent by the notifier from the outbox item
 * the events feed wrote with the pause (AWS mocked): the notifier's filter takes it and the events
 * feed's does not; one email to the creator at their address now, claimed once per pause, the
 * outbox item deleted; a replay sends nothing; a creator who left gets nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { BatchGetCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LinkPausedEmail, Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { notifierUnderTest } from '../support/notifier-unit.ts';
import { matchesFilter } from '../../local/lambda-stream-event.ts';

const { handler, ses, ddb } = await notifierUnderTest();

const DOMAIN = 'demo-media-co';
const creator: Membership = {
  userId: 'u-creator', domainId: DOMAIN, email: 'creator.now@example.test', firstName: 'Grace', lastName: 'Hopper', userType: 'POWER', isAdmin: true,
  teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
};
const directory = {
  domain: { domainId: DOMAIN, name: 'Demo Media Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0 },
  teams: [{ id: 'editors', name: 'Editors' }],
  roleGroups: [],
  groups: [],
};
const paused: LinkPausedEmail = {
  link: { linkId: 'link-open-day', label: 'Open <day>', createdBy: creator.userId },
  domainId: DOMAIN,
  pauseAfter: { joins: 2, withinMinutes: 10 },
  pausedAt: '2026-06-01T09:30:05.000Z',
  joinsInBurst: 3,
  burst: [1, 2, 3].map((n) => ({ userId: `u-${n}`, email: `burst-${n}@example.test`, joinedAt: `2026-06-01T09:30:0${n}.000Z` })),
};
let seq = 0;
const recordOf = (item: Record<string, unknown>): DynamoDBRecord => ({
  eventID: `event-${++seq}`,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: String(seq).padStart(21, '0'), NewImage: marshall(item, { removeUndefinedValues: true }) as never },
});
const sent = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const deleted = () => ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key);

beforeEach(() => {
  ses.reset();
  ddb.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.membership(creator), items.domain(directory.domain), items.directory(directory)] } });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('the outbox item a guard\'s pause writes', () => {
  it('is taken by the notifier\'s filter, not by the events feed\'s (which wrote it)', () => {
    const record = recordOf(items.linkPausedEmail(paused));
    expect(matchesFilter(STREAM_CONSUMERS.notifier.filter, record)).toBe(true);
    expect(matchesFilter(STREAM_CONSUMERS.eventsFeed.filter, record)).toBe(false);
  });

  it('is one email to the creator at their address now, naming the burst and where to see them, claimed once; then it is deleted', async () => {
    expect((await handler({ Records: [recordOf(items.linkPausedEmail(paused))] })).batchItemFailures).toEqual([]);
    const [email, ...more] = sent();
    expect(more).toEqual([]);
    expect(email!.Destination!.ToAddresses).toEqual(['creator.now@example.test']);
    expect(email!.Message!.Subject!.Data).toBe('Your invite link “Open <day>” to Demo Media Co paused itself: 3 people joined within 10 minutes');
    const text = email!.Message!.Body!.Text!.Data!;
    for (const { email: joiner } of paused.burst) expect(text).toContain(joiner);
    expect(text).toContain(`/users?domain=${DOMAIN}&inviteLinkId=link-open-day`);
    expect(email!.Message!.Body!.Html!.Data).toContain('Open &lt;day&gt;');
    const claim = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(claim.Item).toMatchObject({ ...keys.linkPauseClaim('link-open-day', paused.pausedAt), status: 'sending' });
    expect(deleted()).toEqual([keys.linkPausedEmail('link-open-day', paused.pausedAt)]);
  });

  it('sends nothing again when the stream brings it again (its claim settled), and is still deleted', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }), { Item: { status: { S: 'sent' } } }));
    expect((await handler({ Records: [recordOf(items.linkPausedEmail(paused))] })).batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
    expect(deleted()).toEqual([keys.linkPausedEmail('link-open-day', paused.pausedAt)]);
  });

  it('goes to nobody when the creator has left the domain', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.domain(directory.domain), items.directory(directory)] } });
    expect((await handler({ Records: [recordOf(items.linkPausedEmail(paused))] })).batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':v0'])).toEqual(['no-recipient']);
  });
});

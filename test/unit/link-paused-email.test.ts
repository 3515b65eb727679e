/**
 * The emails telling a link's creator and the domain's admins that its guard paused it, sent by the
 * notifier from the outbox item the events feed wrote with the pause (AWS mocked): the notifier's
 * filter takes it and the events feed's does not; one email to each person (the creator while a
 * member, each admin; a creator who is an admin once) at their address now, claimed once per pause
 * and person; an admin's names the link's creator; the admins found by one Query on the by-domain
 * index, filtered to admins. The outbox item is deleted once everyone's email is settled; a replay
 * sends nothing; a failed send is retried for that person only; with nobody to tell nothing is sent.
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
import { expectAdminsQueries, memberIndexHolds, notifierUnderTest } from '../support/notifier-unit.ts';
import { matchesFilter } from '../../local/lambda-stream-event.ts';

const { handler, ses, ddb } = await notifierUnderTest();

const DOMAIN = 'demo-media-co';
/** The link's creator, an admin as well (the default here). */
const creator: Membership = {
  userId: 'u-creator', domainId: DOMAIN, email: 'creator.now@example.test', firstName: 'Grace', lastName: 'Hopper', userType: 'POWER', isAdmin: true,
  teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
};
/** The same creator, not an admin. */
const member: Membership = { ...creator, isAdmin: false };
/** An admin who did not make the link. */
const admin: Membership = { ...creator, userId: 'u-admin', email: 'admin@example.test', firstName: 'Alan', lastName: 'Turing', isAdmin: true };
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
const pauseRecord = () => recordOf(items.linkPausedEmail(paused));

/** The directory as the notifier reads it: the link's creator (none: they left) and the domain's admins, as the Query answers. */
function domainHas({ creator: linkCreator, admins }: { creator?: Membership; admins: Membership[] }) {
  ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [...(linkCreator ? [items.membership(linkCreator)] : []), items.domain(directory.domain), items.directory(directory)] } });
  memberIndexHolds(ddb, admins);
}
/** The claim of the pause's email to one person. */
const claimOf = (userId: string) => keys.linkPauseClaim(paused.link.linkId, paused.pausedAt, userId).SK as string;
/** What taking a claim already settled as sent throws. */
const alreadySent = () => Object.assign(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }), { Item: { status: { S: 'sent' } } });

const sent = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const recipients = () => sent().flatMap((e) => e.Destination!.ToAddresses!).sort();
/** The one email sent to `address`, its parts. */
function emailTo(address: string) {
  const mine = sent().filter((e) => e.Destination!.ToAddresses!.includes(address));
  expect(mine, `emails to ${address}`).toHaveLength(1);
  const [email] = mine;
  return { subject: email!.Message!.Subject!.Data!, text: email!.Message!.Body!.Text!.Data!, html: email!.Message!.Body!.Html!.Data! };
}
const claimed = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.SK as string).sort();
const statusOf = () => Object.fromEntries(ddb.commandCalls(UpdateCommand).map((c) => [c.args[0].input.Key?.SK, c.args[0].input.ExpressionAttributeValues?.[':v0']]));
const deleted = () => ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key);
const outbox = keys.linkPausedEmail('link-open-day', paused.pausedAt);

beforeEach(() => {
  ses.reset();
  ddb.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  domainHas({ creator, admins: [creator] });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('the outbox item a guard\'s pause writes', () => {
  it('is taken by the notifier\'s filter, not by the events feed\'s (which wrote it)', () => {
    const record = pauseRecord();
    expect(matchesFilter(STREAM_CONSUMERS.notifier.filter, record)).toBe(true);
    expect(matchesFilter(STREAM_CONSUMERS.eventsFeed.filter, record)).toBe(false);
  });

  it('is one email to a creator who is the only admin, at their address now, naming the burst and where to see them, claimed once; then it is deleted', async () => {
    expect((await handler({ Records: [pauseRecord()] })).batchItemFailures).toEqual([]);
    const [email, ...more] = sent();
    expect(more).toEqual([]);
    expect(email!.Destination!.ToAddresses).toEqual(['creator.now@example.test']);
    expect(email!.Message!.Subject!.Data).toBe('Your invite link “Open <day>” to Demo Media Co paused itself: 3 people joined within 10 minutes');
    const text = email!.Message!.Body!.Text!.Data!;
    for (const { email: joiner } of paused.burst) expect(text).toContain(joiner);
    expect(text).toContain(`/users?domain=${DOMAIN}&inviteLinkId=link-open-day`);
    expect(text).toContain('You get this email because you made the link and are an admin of Demo Media Co.');
    expect(email!.Message!.Body!.Html!.Data).toContain('Open &lt;day&gt;');
    const claims = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ ...keys.linkPauseClaim('link-open-day', paused.pausedAt, creator.userId), status: 'sending', to: creator.userId });
    expect(deleted()).toEqual([outbox]);
  });
});

describe('the creator and the domain\'s admins', () => {
  it('each get one email: the creator\'s about their link, the admin\'s naming who made it; one claim each; the outbox item deleted once', async () => {
    domainHas({ creator: member, admins: [admin] });
    expect((await handler({ Records: [pauseRecord()] })).batchItemFailures).toEqual([]);

    expect(recipients()).toEqual(['admin@example.test', 'creator.now@example.test']);
    const toAdmin = emailTo('admin@example.test');
    expect(toAdmin.subject).toBe('An invite link “Open <day>” to Demo Media Co paused itself: 3 people joined within 10 minutes');
    expect(toAdmin.text).toContain('Hello Alan,');
    expect(toAdmin.text).toContain('through the invite link “Open <day>” made by Grace Hopper within 10 minutes');
    expect(toAdmin.text).toContain('until its creator or an admin resume it');
    expect(toAdmin.text).toContain('You get this email because you are an admin of Demo Media Co.');
    for (const { email: joiner } of paused.burst) expect(toAdmin.text).toContain(joiner);
    expect(toAdmin.html).toContain('the invite link “Open &lt;day&gt;” made by Grace Hopper');
    const toCreator = emailTo('creator.now@example.test');
    expect(toCreator.subject).toBe('Your invite link “Open <day>” to Demo Media Co paused itself: 3 people joined within 10 minutes');
    expect(toCreator.text).toContain('through your invite link “Open <day>” within 10 minutes');
    expect(toCreator.text).toContain('You get this email because you made the link.');
    expect(toCreator.text).not.toContain('Grace Hopper');

    expect(claimed()).toEqual([claimOf('u-admin'), claimOf('u-creator')].sort());
    expect(statusOf()).toEqual({ [claimOf('u-admin')]: 'sent', [claimOf('u-creator')]: 'sent' });
    expect(deleted()).toEqual([outbox]);
  });

  it('a replay sends nothing to anyone (their claims settled), and deletes the outbox item again', async () => {
    domainHas({ creator: member, admins: [admin] });
    ddb.on(PutCommand).rejects(alreadySent());
    expect((await handler({ Records: [pauseRecord()] })).batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
    expect(claimed()).toEqual([claimOf('u-admin'), claimOf('u-creator')].sort());
    expect(statusOf()).toEqual({});
    expect(deleted()).toEqual([outbox]);
  });

  it('a creator who is also an admin gets one email, not two; every other admin gets theirs', async () => {
    domainHas({ creator, admins: [admin, creator] });
    expect((await handler({ Records: [pauseRecord()] })).batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['admin@example.test', 'creator.now@example.test']);
    expect(emailTo('creator.now@example.test').subject).toMatch(/^Your invite link/);
    expect(emailTo('admin@example.test').subject).toMatch(/^An invite link/);
    expect(claimed()).toEqual([claimOf('u-admin'), claimOf('u-creator')].sort());
  });

  it('when the creator has left the domain, the admins still get theirs, the creator named as no longer in the domain', async () => {
    domainHas({ admins: [admin] });
    expect((await handler({ Records: [pauseRecord()] })).batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['admin@example.test']);
    const toAdmin = emailTo('admin@example.test');
    expect(toAdmin.subject).toMatch(/^An invite link “Open <day>” to Demo Media Co paused itself/);
    expect(toAdmin.text).toContain('the invite link “Open <day>” made by someone no longer in the domain');
    expect(claimed()).toEqual([claimOf('u-admin')]);
    expect(deleted()).toEqual([outbox]);
  });

  it('goes to nobody when the creator has left and there is no admin: nothing sent or claimed, the outbox item still deleted', async () => {
    domainHas({ admins: [] });
    expect((await handler({ Records: [pauseRecord()] })).batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
    expect(claimed()).toEqual([]);
    expect(statusOf()).toEqual({});
    expect(deleted()).toEqual([outbox]);
  });

  it('one person\'s failed send fails the record and keeps the outbox item; the retry sends to that person only, then deletes it', async () => {
    domainHas({ creator: member, admins: [admin] });
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Destination.ToAddresses.includes('admin@example.test')) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { MessageId: 'ok' };
    });
    const record = pauseRecord();
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(statusOf()).toEqual({ [claimOf('u-creator')]: 'sent', [claimOf('u-admin')]: 'failed' });
    expect(deleted()).toEqual([]);

    // The stream brings the record again: the creator's claim is settled, the admin's released.
    ses.reset();
    ddb.resetHistory();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-2' });
    ddb.on(PutCommand).callsFake((input) => {
      if (input.Item.to === 'u-creator') throw alreadySent();
      return {};
    });
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([]);
    expect(recipients()).toEqual(['admin@example.test']);
    expect(statusOf()).toEqual({ [claimOf('u-admin')]: 'sent' });
    expect(deleted()).toEqual([outbox]);
  });

  it('the admins are found by one Query of each partition of the domain\'s member index, filtered to admins', async () => {
    domainHas({ creator: member, admins: [admin] });
    await handler({ Records: [pauseRecord()] });

    expectAdminsQueries(ddb, DOMAIN, admin);
  });
});

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JoinRecord, Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { notifierUnderTest } from '../support/notifier-unit.ts';
import { matchesFilter } from '../../local/lambda-stream-event.ts';

const { handler, ses, ddb } = await notifierUnderTest();

const DOMAIN = 'demo-media-co';
const CREATOR = 'u-creator';

let seq = 100;
function joinOf(overrides: Partial<JoinRecord> = {}): JoinRecord {
  seq += 1;
  return {
    joinId: `join-${seq}`,
    linkId: 'link-abc',
    domainId: DOMAIN,
    userId: `u-${seq}`,
    email: `joiner-${seq}@example.test`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    linkCreatedBy: CREATOR,
    linkExpiresAt: '2026-06-08T09:30:00.000Z',
    grant: { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: [] },
    joinedAt: '2026-06-01T09:30:00.000Z',
    ...overrides,
  };
}

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
const joinRecord = (join: JoinRecord) => recordOf(items.join(join));

const creator: Membership = {
  userId: CREATOR,
  domainId: DOMAIN,
  email: 'creator.now@example.test',
  firstName: 'Grace',
  lastName: 'Hopper',
  userType: 'POWER',
  isAdmin: true,
  teamIds: ['editors'],
  roleGroupIds: [],
  groupIds: [],
  createdAt: '2026-01-01T00:00:00.000Z',
};

const directory = {
  domain: { domainId: DOMAIN, name: 'Demo <Media> & Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0 },
  teams: [
    { id: 'producers', name: 'Producers' },
    { id: 'marketing', name: 'Marketing' },
  ],
  roleGroups: [{ id: 'contributors', name: 'Contributors', permissions: [] }],
  groups: [],
};

const claimsWritten = () =>
  ddb.commandCalls(UpdateCommand).map((c) => ({ joinId: c.args[0].input.Key?.PK, kind: c.args[0].input.Key?.SK, status: c.args[0].input.ExpressionAttributeValues?.[':v0'] }));
const creatorClaims = () => claimsWritten().filter((c) => c.kind === 'NOTIFIED').map(({ joinId, status }) => ({ joinId, status }));
/** The signup emails (to the creator); the welcomes go to each joiner. */
const sentTo = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses).filter((to) => !to?.[0]?.startsWith('joiner-'));
const welcomedTo = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses).filter((to) => to?.[0]?.startsWith('joiner-'));

beforeEach(() => {
  ses.reset();
  ddb.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.membership(creator), items.domain(directory.domain), items.directory(directory)] } });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

describe('the signup email', () => {
  it('goes to the link creator as the directory knows them now, and says who joined, where, with what, until when', async () => {
    const join = joinOf({ firstName: '<script>alert(1)</script>', lastName: 'O\'Brien & Sons' });
    const result = await handler({ Records: [joinRecord(join)] });

    expect(result.batchItemFailures).toEqual([]);
    expect(sentTo()).toEqual([['creator.now@example.test']]);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Source).toBe('notifier@example.test');
    const subject = input.Message!.Subject!.Data!;
    const text = input.Message!.Body!.Text!.Data!;
    const html = input.Message!.Body!.Html!.Data!;
    expect(subject).toContain(join.email);
    expect(subject).toContain('Demo <Media> & Co');
    for (const fact of [join.email, 'Demo <Media> & Co', 'Joined: 1 Jun 2026, 09:30 UTC', 'User type: Standard', 'Producers', 'Marketing', 'Contributors', 'Link expires: 8 Jun 2026, 09:30 UTC']) {
      expect(text).toContain(fact);
    }
    // Named as the pages name it: no raw user type, no link id nobody has seen.
    expect(text).not.toContain('STANDARD');
    expect(text).not.toContain('link-abc');
    expect(text).toContain(`https://links.example.test/users?domain=${DOMAIN}`);
    expect(text).toContain(`https://links.example.test/activity?domain=${DOMAIN}`);
    expect(text).toMatch(/revoke it under \+ New Users › Active links on the Users page: https:\/\/links\.example\.test\/users\?domain=/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('O&#39;Brien &amp; Sons');
    expect(html).toContain('Demo &lt;Media&gt; &amp; Co');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`href="https://links.example.test/users?domain=${DOMAIN}"`);
  });

  it('claims the join before sending and marks it sent with the SES MessageId after', async () => {
    const join = joinOf();
    await handler({ Records: [joinRecord(join)] });

    const claim = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(claim.Item).toMatchObject({ PK: `JOIN#${join.joinId}`, SK: 'NOTIFIED', status: 'sending' });
    expect(ddb.commandCalls(PutCommand)[1]!.args[0].input.Item).toMatchObject({ PK: `JOIN#${join.joinId}`, SK: 'WELCOMED', status: 'sending' });
    expect(claim.ConditionExpression).toContain('attribute_not_exists(#pk)');
    const mark = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(Object.values(mark.ExpressionAttributeValues!)).toEqual(expect.arrayContaining(['sent', 'ses-message-1', 'creator.now@example.test']));
  });
});

describe('partial batch failures', () => {
  it('reports exactly the sequence number of the record whose send failed, and no other', async () => {
    const [ok1, failing, ok2] = [joinOf(), joinOf(), joinOf()];
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Message.Subject.Data.includes(failing!.email)) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { MessageId: 'ok' };
    });
    const records = [ok1, failing, ok2].map((j) => joinRecord(j!));

    const result = await handler({ Records: records });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(sentTo()).toHaveLength(3);
    // The failed join's claim is released so the retry can take it again.
    expect(creatorClaims()).toContainEqual({ joinId: `JOIN#${failing!.joinId}`, status: 'failed' });
  });

  it('reports a record that is not a whole join record, and still sends the others', async () => {
    const good = joinOf();
    const malformed = recordOf({ PK: 'JOIN#bad', SK: 'JOIN', entityType: 'Join', joinId: 'bad' });

    const result = await handler({ Records: [malformed, joinRecord(good)] });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: malformed.dynamodb!.SequenceNumber }]);
    expect(sentTo()).toHaveLength(1);
  });
});

describe('replays', () => {
  it('sends nothing for a join whose claim says it was already sent', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: { status: { S: 'sent' } } }));

    const result = await handler({ Records: [joinRecord(joinOf()), joinRecord(joinOf())] });

    expect(result.batchItemFailures).toEqual([]);
    expect(sentTo()).toEqual([]);
  });

  it('fails, without sending, a join another attempt is sending right now', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: { status: { S: 'sending' } } }));
    const record = joinRecord(joinOf());

    const result = await handler({ Records: [record, joinRecord(joinOf())] });

    expect(result.batchItemFailures).toContainEqual({ itemIdentifier: record.dynamodb!.SequenceNumber });
    expect(sentTo()).toEqual([]);
  });
});

describe('a creator who has left the domain', () => {
  it('gets no email, and the claim records that there was no recipient', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { 'unit-table': [items.domain(directory.domain), items.directory(directory)] } });
    const join = joinOf();

    const result = await handler({ Records: [joinRecord(join)] });

    expect(result.batchItemFailures).toEqual([]);
    expect(sentTo()).toEqual([]);
    expect(creatorClaims()).toEqual([{ joinId: `JOIN#${join.joinId}`, status: 'no-recipient' }]);
    // The person who joined is welcomed all the same.
    expect(welcomedTo()).toEqual([[join.email]]);
  });
});

describe('the welcome email', () => {
  it('goes once to the person who joined: what they got in words, who invited them, a sign-in link to their home in that domain', async () => {
    const join = joinOf({ firstName: 'Ada' });
    const result = await handler({ Records: [joinRecord(join)] });
    expect(result.batchItemFailures).toEqual([]);
    expect(welcomedTo()).toEqual([[join.email]]);
    const input = ses.commandCalls(SendEmailCommand).find((c) => c.args[0].input.Destination?.ToAddresses?.[0] === join.email)!.args[0].input;
    expect(input.Message!.Subject!.Data).toBe('Welcome to Demo <Media> & Co');
    const text = input.Message!.Body!.Text!.Data!;
    for (const fact of ['Hello Ada', 'User type: Standard', 'Primary team: Producers', 'Role groups: Contributors', 'Grace Hopper (creator.now@example.test)', `Sign in: https://links.example.test/home?domain=${DOMAIN}`]) {
      expect(text).toContain(fact);
    }
    expect(input.Message!.Body!.Html!.Data).toContain('Demo &lt;Media&gt; &amp; Co');
    expect(claimsWritten()).toContainEqual({ joinId: `JOIN#${join.joinId}`, kind: 'WELCOMED', status: 'sent' });
  });

  it('is not sent again when only the signup email is retried, and is retried alone when it failed', async () => {
    const join = joinOf();
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Destination.ToAddresses[0] === join.email) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { MessageId: 'ok' };
    });
    const record = joinRecord(join);
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(claimsWritten()).toEqual(expect.arrayContaining([
      { joinId: `JOIN#${join.joinId}`, kind: 'NOTIFIED', status: 'sent' },
      { joinId: `JOIN#${join.joinId}`, kind: 'WELCOMED', status: 'failed' },
    ]));
    // The retry: the creator's claim is settled (its PutItem is refused), the welcome's is taken again.
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    ddb.on(PutCommand).callsFake((input) => {
      if (input.Item.SK === 'NOTIFIED') throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: { status: { S: 'sent' } } });
      return {};
    });
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([]);
    expect(sentTo()).toEqual([]);
    expect(welcomedTo()).toEqual([[join.email]]);
  });
});

describe('text SES cannot encode', () => {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.tuple(fc.string({ maxLength: 6 }), loneSurrogate).map(([a, lone]) => `${a}${lone}`));

  it('never fails a record: both emails go out with what cannot be encoded replaced, whoever wrote the names', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, fc.option(text, { nil: undefined }), text, async (firstName, lastName, linkLabel, creatorName) => {
        ses.reset();
        ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
        ddb.on(BatchGetCommand).resolves({
          Responses: { 'unit-table': [items.membership({ ...creator, firstName: creatorName }), items.domain({ ...directory.domain, name: `Demo ${creatorName}` }), items.directory(directory)] },
        });
        const join = joinOf({ firstName, lastName, ...(linkLabel !== undefined ? { linkLabel } : {}) });
        const result = await handler({ Records: [joinRecord(join)] });
        expect(result.batchItemFailures).toEqual([]);
        const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
        expect(sent.map((input) => input.Destination?.ToAddresses)).toEqual([['creator.now@example.test'], [join.email]]);
        for (const input of sent) {
          for (const value of [input.Source, input.Message?.Subject?.Data, input.Message?.Body?.Text?.Data, input.Message?.Body?.Html?.Data]) expect(value!.isWellFormed()).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the stream filter (the notifier\'s entry in the consumer table, as the local stream reader applies it)', () => {
  const { filter } = STREAM_CONSUMERS.notifier;
  const record = (eventName: string, entityType?: string) => ({
    eventName,
    dynamodb: { NewImage: entityType ? marshall({ entityType }) : undefined },
  });

  it('lets join inserts through', () => expect(matchesFilter(filter, record('INSERT', 'Join'))).toBe(true));
  it('drops other items, updates and TTL deletions', () => {
    expect(matchesFilter(filter, record('INSERT', 'NotificationClaim'))).toBe(false);
    expect(matchesFilter(filter, record('MODIFY', 'Join'))).toBe(false);
    expect(matchesFilter(filter, record('REMOVE'))).toBe(false);
    expect(matchesFilter(filter, record('UNKNOWN_TO_SDK_VERSION'))).toBe(false);
  });
});

import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startStreamReader, type StreamReader } from '../../local/stream-reader.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { DEMO } from '../../local/demo-data.ts';
import type { JoinRecord } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { ENTITY } from '../../shared/store/dynamodb/table.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { MANAGER, OWNER, when } from '../support/steps.ts';

/** The shared local SES behind a switch: paused, it drops every connection, as an unreachable endpoint does. */
async function pausableProxy(target: string) {
  const { hostname, port } = new URL(target);
  let paused = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (paused) return client.destroy();
    const upstream = createConnection({ host: hostname, port: Number(port) });
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    pause: () => {
      paused = true;
      for (const socket of sockets) socket.destroy();
    },
    resume: () => (paused = false),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

const sesEndpoint = inject('sesEndpoint');
const ses = await pausableProxy(sesEndpoint);
const t = useStack({ sesEndpoint: ses.endpoint });
afterAll(() => ses.close());

const run = randomUUID().slice(0, 8);
let count = 0;
/** People unique to this file's run: the SES store is shared by every test file. */
const person = () => ({ email: `notify-${run}-${++count}@example.test`, firstName: 'Noa', lastName: `Tester ${count}` });

async function emailsAbout(joinerEmail: string): Promise<StoredEmail[]> {
  const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return emails.filter((e) => e.body.text.includes(joinerEmail));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 750));
const everyone: string[] = [];

/** Joins over HTTP; everyone joined here is expected to end with exactly one email, unless told otherwise. */
async function joinAll(token: string, people: ReturnType<typeof person>[], { emailed = true } = {}) {
  const replies = await Promise.all(people.map((p) => when(t).join(token, p)));
  expect(replies.map((r) => r.status)).toEqual(people.map(() => 201));
  if (emailed) everyone.push(...people.map((p) => p.email));
}

async function welcomesTo(joinerEmail: string): Promise<StoredEmail[]> {
  const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return emails.filter((e) => e.destination.to.includes(joinerEmail));
}

describe('the person who joined is welcomed', () => {
  it('gets exactly one welcome email, naming what they got and who invited them, with a sign-in link to their home in the domain', async () => {
    const { token } = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Crew' });
    const joiner = person();
    await joinAll(token, [joiner]);
    const welcomes = await eventually(() => welcomesTo(joiner.email), (e) => e.length > 0, 20_000);
    await settle();
    expect(await welcomesTo(joiner.email)).toHaveLength(1);
    const [welcome] = welcomes;
    expect(welcome!.subject).toBe('Welcome to Demo Media Co');
    for (const fact of ['User type: Standard', 'Primary team: Producers', MANAGER, `/home?domain=${DEMO.demoDomainId}`]) expect(welcome!.body.text).toContain(fact);
  });
});

describe('a signup through a link emails the link creator', () => {
  it('puts exactly one email in the local SES store, to the creator, naming the joiner', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const joiner = person();
    await joinAll(token, [joiner]);
    const emails = await eventually(() => emailsAbout(joiner.email), (e) => e.length > 0, 20_000);
    await settle();
    expect(await emailsAbout(joiner.email)).toHaveLength(1);
    const [email] = emails;
    expect(email!.destination.to).toEqual([OWNER]);
    expect(email!.from).toBe(process.env.NOTIFY_FROM);
    expect(email!.subject).toContain(joiner.email);
    expect(email!.body.text).toContain('Demo Media Co');
    expect(email!.body.text).toContain(`/users?domain=${DEMO.demoDomainId}`);
  });

  it('gives 30 emails for 30 people joining at once, none twice', async () => {
    const { token } = await when(t).linkToken(MANAGER, { userType: 'BROWSE', primaryTeamId: 'producers' });
    const people = Array.from({ length: 30 }, person);
    await joinAll(token, people);
    const all = async () => (await Promise.all(people.map((p) => emailsAbout(p.email)))).flat();
    await eventually(all, (e) => e.length >= 30, 20_000);
    await settle();
    const emails = await all();
    expect(emails).toHaveLength(30);
    expect(new Set(emails.map((e) => e.destination.to[0]))).toEqual(new Set([MANAGER]));
    for (const p of people) expect(await emailsAbout(p.email)).toHaveLength(1);
  });
});

describe('text the mail cannot encode', () => {
  it('sends both emails of a join whose names and link label hold lone surrogates (a record written before such text was refused)', async () => {
    const joiner = { ...person(), firstName: 'Eve\udc00', lastName: '\ud800Mallory' };
    const dead = t.stack.notifier!.dlq.length;
    const joinedAt = new Date().toISOString();
    // As an older version of the service wrote it: the join record straight into the table.
    const join: JoinRecord = {
      joinId: `poisoned-${run}`,
      linkId: `link-${run}`,
      domainId: DEMO.demoDomainId,
      userId: `u-poisoned-${run}`,
      email: joiner.email,
      firstName: joiner.firstName,
      lastName: joiner.lastName,
      linkCreatedBy: DEMO.users.owner,
      linkExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      grant: { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: [], roleGroupIds: [], groupIds: [] },
      joinedAt,
      linkLabel: 'Crew \udfff',
      notifyCreator: true,
    };
    await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: items.join(join) }));

    const signup = await eventually(() => emailsAbout(joiner.email), (e) => e.length > 0, 20_000);
    const welcome = await eventually(() => welcomesTo(joiner.email), (e) => e.length > 0, 20_000);
    expect(signup).toHaveLength(1);
    expect(signup[0]!.destination.to).toEqual([OWNER]);
    // What could not be encoded is replaced, the rest of the text is as written.
    expect(signup[0]!.body.text).toContain('Eve\ufffd \ufffdMallory');
    expect(signup[0]!.subject).toContain('“Crew \ufffd”');
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.body.text).toContain('Hello Eve\ufffd,');
    expect(t.stack.notifier!.dlq).toHaveLength(dead);
  }, 20_000);
});

describe('delivery survives failures', () => {
  it('sends every email once when SES is unreachable for a while and then back', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const people = Array.from({ length: 3 }, person);
    const dead = t.stack.notifier!.dlq.length;
    ses.pause();
    try {
      await joinAll(token, people);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      for (const p of people) expect(await emailsAbout(p.email)).toHaveLength(0);
    } finally {
      ses.resume();
    }
    const all = async () => (await Promise.all(people.map((p) => emailsAbout(p.email)))).flat();
    await eventually(all, (e) => e.length >= 3, 20_000);
    await settle();
    for (const p of people) expect(await emailsAbout(p.email)).toHaveLength(1);
    expect(t.stack.notifier!.dlq).toHaveLength(dead);
  });

  it('sends a malformed join record to the dead-letter destination and still delivers the records after it', async () => {
    const joinId = `malformed-${run}`;
    await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: { ...keys.activity('malformed-domain', new Date().toISOString(), joinId), entityType: ENTITY.Join, joinId } }));
    const { token } = await when(t).linkToken(OWNER);
    const after = person();
    await joinAll(token, [after]);
    const letters = await eventually(
      async () => t.stack.notifier!.dlq.filter((l) => l.records.some((r) => r.dynamodb?.NewImage?.joinId?.S === joinId)),
      (found) => found.length > 0,
      25_000,
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]!.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(letters[0]!.records).toHaveLength(1);
    expect(await eventually(() => emailsAbout(after.email), (e) => e.length > 0, 20_000)).toHaveLength(1);
  }, 40_000);

  it('records a join whose link creator has left the domain, and sends no email', async () => {
    const { token } = await when(t).linkToken(MANAGER);
    await t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key: keys.membership(DEMO.users.manager, DEMO.demoDomainId) }));
    const joiner = person();
    await joinAll(token, [joiner], { emailed: false });
    const { Items } = await t.db.send(
      new ScanCommand({ TableName: t.stack.tableName, FilterExpression: 'entityType = :join AND email = :email', ExpressionAttributeValues: { ':join': ENTITY.Join, ':email': joiner.email } }),
    );
    const claim = await eventually(
      async () => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.notificationClaim(Items![0]!.joinId as string) }))).Item,
      (item) => item?.status === 'no-recipient',
      5_000,
    );
    expect(claim?.status).toBe('no-recipient');
    expect(await emailsAbout(joiner.email)).toHaveLength(0);
  });
});

describe('the local stream reader', () => {
  let restarted: StreamReader | undefined;
  afterAll(() => restarted?.stop());

  it('resumes from its checkpoint after a restart: nothing is resent, joins made while it was down are sent', async () => {
    await t.stack.notifier!.stop();
    const { token } = await when(t).linkToken(OWNER);
    const whileDown = person();
    await joinAll(token, [whileDown]);

    const { handler } = await import('../../functions/notify-signup.ts');
    const seen: string[] = [];
    restarted = await startStreamReader({
      streamArn: t.stack.streamArn,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: t.stack.tableName,
      consumer: STREAM_CONSUMERS.notifier,
      iam: t.stack.iam,
      handler: (event: DynamoDBStreamEvent) => {
        seen.push(...event.Records.map((r) => r.dynamodb?.NewImage?.email?.S ?? '(malformed)'));
        return handler(event);
      },
    });
    expect(await eventually(() => emailsAbout(whileDown.email), (e) => e.length > 0, 20_000)).toHaveLength(1);
    await settle();
    expect(seen).toEqual([whileDown.email]);
    for (const email of everyone) expect(await emailsAbout(email), email).toHaveLength(1);
  });
});

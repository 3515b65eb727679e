/**
 * `npm run create-domain` against DynamoDB Local: a fresh table per file, the command's core run
 * as the operator runs it (flags and env), then the items read back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../ops/create-domain.ts';
import { identityTableName, IdentityStore } from '../../local/identity/identities.ts';
import { freePort, LOCAL_AWS } from '../../local/services.ts';
import { ensureTable } from '../../local/table.ts';
import { DomainAlreadyExists, parseNewDomain, firstAdminRecords } from '../../shared/domain/new-domain.ts';
import { createDomain } from '../../shared/store/dynamodb/create-domain.ts';
import { dynamoStore } from '../../shared/store/dynamodb/dynamo-store.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { ENTITY } from '../../shared/store/dynamodb/table.ts';

const table = `test-${randomUUID()}`;
let client: DynamoDBClient;
let db: DynamoDBDocumentClient;
let env: Record<string, string>;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  db = DynamoDBDocumentClient.from(client);
  await ensureTable(client, table);
  env = { DYNAMODB_PORT: new URL(endpoint).port, TABLE_NAME: table, PORT: '3999' };
});
afterAll(() => client?.destroy());

const run = (...argv: string[]) => runWith(env, ...argv);

async function runWith(environment: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, environment, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

const admin = (email: string, first = 'Ada', last = 'Lovelace') => ['--admin-email', email, '--admin-first-name', first, '--admin-last-name', last];
const get = async (key: Record<string, string>) => (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
const everything = async (tableName: string) => {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items.map((i) => `${i.PK}|${i.SK}`).sort();
};
const identities = () => new IdentityStore(db, identityTableName(table));

describe('an operator creates a domain and its first admin with one command', () => {
  let userId: string;

  beforeAll(async () => {
    const result = await run(
      '--name', 'Acme Studio',
      '--team', 'Editors', '--team', 'Night Crew',
      '--default-team', 'Night Crew',
      '--role-group', 'Viewers', '--role-group', 'User Managers=users:create',
      '--group', 'Archive',
      ...admin('Ada@Acme.test'),
    );
    expect(result).toMatchObject({ status: 0, err: '' });
    userId = /admin userId\s+(\S+)/.exec(result.out)![1]!;
  });

  it('the admin gets an identity at the local identity provider, and its sub is their userId', async () => {
    const identity = await identities().findByEmail('ada@acme.test');
    expect(identity).toMatchObject({ sub: userId, email: 'ada@acme.test', emailVerified: true, givenName: 'Ada', familyName: 'Lovelace' });
  });

  it('writes the domain, with links enabled, and its directory', async () => {
    expect(await get(keys.domain('acme-studio'))).toMatchObject({
      entityType: ENTITY.Domain,
      domainId: 'acme-studio',
      name: 'Acme Studio',
      defaultTeamId: 'night-crew',
      linksEnabled: true,
      linkGeneration: 0,
    });
    expect(await get(keys.directory('acme-studio'))).toMatchObject({
      entityType: ENTITY.Directory,
      teams: [
        { id: 'editors', name: 'Editors' },
        { id: 'night-crew', name: 'Night Crew' },
      ],
      roleGroups: [
        { id: 'viewers', name: 'Viewers', permissions: [] },
        { id: 'user-managers', name: 'User Managers', permissions: ['users:create'] },
      ],
      groups: [{ id: 'archive', name: 'Archive' }],
    });
  });

  it('writes the admin\'s profile, their membership (POWER, admin, default team) and their member email', async () => {
    expect(await get(keys.user(userId))).toMatchObject({ entityType: ENTITY.User, userId, email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
    expect(await get(keys.membership(userId, 'acme-studio'))).toMatchObject({
      entityType: ENTITY.Membership,
      userId,
      domainId: 'acme-studio',
      email: 'ada@acme.test',
      userType: 'POWER',
      isAdmin: true,
      teamIds: ['night-crew'],
      roleGroupIds: [],
      groupIds: [],
    });
    expect(await get(keys.memberEmail('acme-studio', 'ada@acme.test'))).toMatchObject({ entityType: ENTITY.MemberEmail, domainId: 'acme-studio', userId });
  });

  it('the admin is listed among the domain\'s members', async () => {
    const { items } = await dynamoStore(db, table).listMembers('acme-studio', { limit: 10 });
    expect(items.map((m) => m.userId)).toEqual([userId]);
  });

  it('prints the domain id, team ids, the admin\'s userId and how to sign in', async () => {
    const again = await run('--name', 'Printed Co', '--team', 'Editors', ...admin('printer@acme.test', 'Pat', 'Printer'));
    expect(again.status).toBe(0);
    expect(again.out).toContain('domain id     printed-co');
    expect(again.out).toContain('teams         editors (default)');
    expect(again.out).toMatch(/admin userId {2}[0-9a-f-]{36} /);
    expect(again.out).toContain('http://localhost:3999/signin');
    expect(again.out).toContain('npm run token -- printer@acme.test');
  });
});

describe('a domain id that exists is refused and nothing is written', () => {
  it('a second run with the same domain id fails, naming the id, and writes nothing anywhere', async () => {
    const first = await run('--name', 'Twice', '--team', 'Crew', ...admin('first@twice.test'));
    expect(first.status).toBe(0);
    const before = [await everything(table), await everything(identityTableName(table))];

    const second = await run('--name', 'Another Name', '--id', 'twice', '--team', 'Other', ...admin('second@twice.test'));
    expect(second.status).toBe(1);
    expect(second.err).toContain('A domain with id "twice" already exists ("Twice")');
    expect(second.err).toContain('--id');
    expect([await everything(table), await everything(identityTableName(table))]).toEqual(before);
    expect(await identities().findByEmail('second@twice.test')).toBeUndefined();
  });

  it('the transaction itself refuses a taken id, even when the id was free when checked', async () => {
    const { directory, admin: person } = parseNewDomain({
      name: 'Race Co',
      teams: ['Crew'],
      roleGroups: [],
      groups: [],
      adminEmail: 'racer@race.test',
      adminFirstName: 'R',
      adminLastName: 'Acer',
    });
    const now = new Date();
    await createDomain(db, table, { directory, ...firstAdminRecords(directory, person, 'sub-racer-1', now) });
    const before = await everything(table);

    const loser = { ...directory, domain: { ...directory.domain, name: 'Race Co Two' } };
    const attempt = createDomain(db, table, { directory: loser, ...firstAdminRecords(loser, { ...person, email: 'other@race.test' }, 'sub-racer-2', now) });
    await expect(attempt).rejects.toBeInstanceOf(DomainAlreadyExists);
    await expect(attempt).rejects.toMatchObject({ domainId: 'race-co', existingName: 'Race Co' });
    expect(await everything(table)).toEqual(before);
  });
});

describe('a person who already has an account keeps it', () => {
  it('an admin who already has a user profile keeps it and gains a second membership of the same user', async () => {
    const first = await run('--name', 'Home Base', '--team', 'Crew', ...admin('grace@hopper.test', 'Grace', 'Hopper'));
    expect(first.status).toBe(0);
    const identity = (await identities().findByEmail('grace@hopper.test'))!;
    const profile = await get(keys.user(identity.sub));

    const second = await run('--name', 'Second Home', '--team', 'Crew', ...admin('grace@hopper.test', 'Amazing', 'Grace'));
    expect(second.status).toBe(0);
    expect(second.out).toContain(`admin userId  ${identity.sub} (existing identity at the local identity provider; user profile already there, kept)`);
    expect(await get(keys.user(identity.sub))).toEqual(profile);
    expect(await get(keys.membership(identity.sub, 'home-base'))).toMatchObject({ isAdmin: true });
    expect(await get(keys.membership(identity.sub, 'second-home'))).toMatchObject({ isAdmin: true, userType: 'POWER' });
  });

  it('an identity that already exists at the local identity provider is reused', async () => {
    await IdentityStore.ensureTable(client, identityTableName(table));
    const existing = await identities().ensure({ email: 'known@provider.test', givenName: 'Kim', familyName: 'Known', sub: 'sub-known-1' });
    const result = await run('--name', 'Known Co', '--team', 'Crew', ...admin('KNOWN@provider.test', 'Kim', 'Known'));
    expect(result.status).toBe(0);
    expect(await get(keys.membership(existing.sub, 'known-co'))).toMatchObject({ userId: 'sub-known-1', email: 'known@provider.test' });
    expect(await get(keys.user('sub-known-1'))).toMatchObject({ email: 'known@provider.test' });
  });
});

describe('on a deployed table', () => {
  // The deployed target uses the operator's usual AWS configuration; here that points DynamoDB at
  // DynamoDB Local, and Cognito is a stand-in that answers like the real service.
  const cognito = mockClient(CognitoIdentityProviderClient);
  const overrides = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  const saved = Object.fromEntries(overrides.map((name) => [name, process.env[name]]));
  const deployed = (...extra: string[]) => ['--table', table, '--region', 'eu-west-1', ...extra];

  beforeAll(() => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    });
  });
  afterAll(() => {
    for (const name of overrides) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    cognito.restore();
  });

  it('--user-pool-id creates the admin in the pool with a verified email and names, and uses its sub', async () => {
    cognito.reset();
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'cognito-sub-1' }] } });
    const result = await run('--name', 'Pool Co', '--team', 'Crew', ...admin('pool@pool.test', 'Paula', 'Pool'), ...deployed('--user-pool-id', 'eu-west-1_AbC123'));
    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toContain('Cognito has emailed pool@pool.test');
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_AbC123',
      Username: 'pool@pool.test',
      UserAttributes: [
        { Name: 'email', Value: 'pool@pool.test' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'given_name', Value: 'Paula' },
        { Name: 'family_name', Value: 'Pool' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(await get(keys.membership('cognito-sub-1', 'pool-co'))).toMatchObject({ isAdmin: true, userType: 'POWER', teamIds: ['crew'] });
  });

  it('a user who is already in the pool is reused', async () => {
    cognito.reset();
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'An account with the given email already exists.', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'x', UserAttributes: [{ Name: 'sub', Value: 'cognito-sub-2' }] });
    const result = await run('--name', 'Pool Two', '--team', 'Crew', ...admin('again@pool.test'), ...deployed('--user-pool-id', 'eu-west-1_AbC123'));
    expect(result).toMatchObject({ status: 0, err: '' });
    expect(result.out).toContain('already had a Cognito account');
    expect(await get(keys.user('cognito-sub-2'))).toMatchObject({ email: 'again@pool.test' });
  });

  it('a taken domain id is refused before anyone is created in the pool', async () => {
    cognito.reset();
    const result = await run('--name', 'Pool Co', '--team', 'Crew', ...admin('late@pool.test'), ...deployed('--user-pool-id', 'eu-west-1_AbC123'));
    expect(result.status).toBe(1);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('--admin-sub takes the sub of the operator\'s own identity provider as it is', async () => {
    cognito.reset();
    const result = await run('--name', 'External Co', '--team', 'Crew', ...admin('ext@idp.test'), ...deployed('--admin-sub', 'auth0|abc123'));
    expect(result).toMatchObject({ status: 0, err: '' });
    expect(cognito.calls()).toHaveLength(0);
    expect(await get(keys.membership('auth0|abc123', 'external-co'))).toMatchObject({ isAdmin: true });
  });

  it('a table that does not exist is named', async () => {
    const result = await run('--name', 'Lost Co', '--team', 'Crew', ...admin('x@x.test'), '--table', 'no-such-table', '--region', 'eu-west-1', '--admin-sub', 's');
    expect(result).toMatchObject({ status: 1, err: expect.stringContaining('No table "no-such-table" in eu-west-1') });
  });
});

describe('the command tells the operator what is wrong', () => {
  it('bad input exits 2 with a message naming the flag, before touching any table', async () => {
    expect(await run('--name', 'X', ...admin('x@x.test'))).toMatchObject({ status: 2, err: expect.stringContaining('--team is required') });
    expect(await run('--name', 'X', '--team', 'A', '--team', 'B', ...admin('x@x.test'))).toMatchObject({
      status: 2,
      err: expect.stringContaining('--default-team'),
    });
    expect(await run('--name', 'X', '--team', 'A', '--role-group', 'M=users:delete', ...admin('x@x.test'))).toMatchObject({
      status: 2,
      err: expect.stringContaining('--role-group: "M": unknown permission "users:delete"'),
    });
    expect(await run('--name', 'X', '--team', 'A', ...admin('not-an-email'))).toMatchObject({ status: 2, err: expect.stringContaining('--admin-email') });
    expect(await run('--name', 'X', '--team', 'A', ...admin('x@x.test'), '--table', 't', '--region', 'eu-west-1')).toMatchObject({
      status: 2,
      err: expect.stringContaining('--user-pool-id'),
    });
    expect(await run('--name', 'X', '--team', 'A', ...admin('x@x.test'), '--colour', 'red')).toMatchObject({ status: 2, err: expect.stringContaining('--colour') });
  });

  it('--help lists every flag and exits 0', async () => {
    const help = await run('--help');
    expect(help.status).toBe(0);
    for (const flag of ['--name', '--id', '--team', '--default-team', '--role-group', '--group', '--admin-email', '--admin-first-name', '--admin-last-name', '--table', '--region', '--user-pool-id', '--admin-sub']) {
      expect(help.out).toContain(flag);
    }
  });

  it('with nothing answering on DYNAMODB_PORT it says to start the local stack, and exits 1', async () => {
    const port = await freePort();
    const result = await runWith({ DYNAMODB_PORT: String(port) }, '--name', 'Nowhere', '--team', 'Crew', ...admin('x@x.test'));
    expect(result.status).toBe(1);
    expect(result.err).toContain(`Nothing answers at http://127.0.0.1:${port}`);
    expect(result.err).toContain('npm start');
  });

  it('on a DynamoDB Local without the table it names the table and says to run npm start', async () => {
    const missing = `missing-${randomUUID()}`;
    const result = await runWith({ ...env, TABLE_NAME: missing }, '--name', 'Nowhere', '--team', 'Crew', ...admin('x@x.test'));
    expect(result.status).toBe(1);
    expect(result.err).toContain(`has no table "${missing}"`);
    expect(result.err).toContain('npm start');
  });
});

/**
 * `npm run create-domain -- ...`: a new domain (teams, role groups, legacy groups, default team)
 * and its first admin, on the local stack's DynamoDB Local or on a deployed table. `--help` lists
 * the flags; docs/deploy.md walks through both targets.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DomainAlreadyExists,
  firstAdminRecords,
  InvalidNewDomain,
  parseNewDomain,
  ROLE_GROUP_PERMISSIONS,
  type FirstAdmin,
  type NewDomain,
  type NewDomainField,
} from '#shared/domain/new-domain.ts';
import type { Directory } from '#shared/domain/types.ts';
import { createDomain, findDomain } from '#shared/store/dynamodb/create-domain.ts';
import { identityTableName, IdentityStore } from '#local/identity/identities.ts';
import { LOCAL_AWS } from '#local/services.ts';

type Env = Record<string, string | undefined>;

const USAGE = `Creates a domain and its first admin (POWER, admin, in the default team).

npm run create-domain -- --name <name> --team <name> [--team <name> ...] [options]

The domain
  --name <name>              the domain's name (required, up to 100 characters)
  --id <id>                  its id (default: made from the name, "Acme Studio" -> acme-studio)
  --team <name>              a team; repeat for more (at least one)
  --default-team <name>      the team onboarding links put people in (required with several teams)
  --role-group <name>        a role group; repeat for more. "Name=perm1,perm2" grants permissions
                             (known: ${ROLE_GROUP_PERMISSIONS.join(', ')}), e.g. --role-group "User Managers=users:create"
  --group <name>             a legacy group; repeat for more
Ids of teams, role groups and groups are made from their names the same way.

The first admin
  --admin-email <email>      (required)
  --admin-first-name <name>  (required)
  --admin-last-name <name>   (required)

Where (default: the local stack, with \`npm start\` running)
  local stack                DynamoDB Local on http://127.0.0.1:\${DYNAMODB_PORT:-8000}, table \${TABLE_NAME:-invite-links};
                             the admin gets an identity at the local identity provider (or keeps theirs)
  --table <name>             a deployed table (the stack's TableName output), with your usual AWS credentials
  --region <region>          its region (default: AWS_REGION)
  --user-pool-id <id>        with --table: the stack's Cognito pool (UserPoolId output); the admin is created
                             there and Cognito emails them an invitation (an existing user is reused)
  --admin-sub <sub>          with --table: the admin's subject ("sub") at your own identity provider

  -h, --help                 this text

Exit status: 0 created, 2 bad input (the message names the flag), 1 anything else (nothing is
written when the domain id is taken).`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  id: { type: 'string' },
  team: { type: 'string', multiple: true },
  'default-team': { type: 'string' },
  'role-group': { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  'admin-email': { type: 'string' },
  'admin-first-name': { type: 'string' },
  'admin-last-name': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  'user-pool-id': { type: 'string' },
  'admin-sub': { type: 'string' },
} as const;

const FLAG_OF: Record<NewDomainField, string> = {
  name: '--name',
  id: '--id',
  teams: '--team',
  defaultTeam: '--default-team',
  roleGroups: '--role-group',
  groups: '--group',
  adminEmail: '--admin-email',
  adminFirstName: '--admin-first-name',
  adminLastName: '--admin-last-name',
};

export type Target =
  | { kind: 'local'; endpoint: string; table: string }
  | { kind: 'deployed'; table: string; region: string; identity: { userPoolId: string } | { adminSub: string } };

export interface CommandLine {
  request: NewDomain;
  target: Target;
}

/** Bad input: exit 2, the message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the operator can act on, worded for them: exit 1. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

/** `undefined` means `--help`. */
export function parseCommandLine(argv: string[], env: Env = process.env): CommandLine | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const { values, tokens } = parsed;
  if (values.help) return undefined;

  const repeatable = new Set(Object.entries(OPTIONS).filter(([, o]) => 'multiple' in o).map(([name]) => name));
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || repeatable.has(token.name)) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given twice`);
    seen.add(token.name);
  }
  for (const flag of ['name', 'admin-email', 'admin-first-name', 'admin-last-name'] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  }
  if (!values.team?.length) throw new UsageError('--team is required (repeat it for more teams)');

  let request: NewDomain;
  try {
    request = parseNewDomain({
      name: values.name!,
      id: values.id,
      teams: values.team,
      defaultTeam: values['default-team'],
      roleGroups: values['role-group'] ?? [],
      groups: values.group ?? [],
      adminEmail: values['admin-email']!,
      adminFirstName: values['admin-first-name']!,
      adminLastName: values['admin-last-name']!,
    });
  } catch (error) {
    if (error instanceof InvalidNewDomain) throw new UsageError(`${FLAG_OF[error.field]}: ${error.message}`);
    throw error;
  }
  return { request, target: targetOf(values, env) };
}

function targetOf(values: { table?: string; region?: string; 'user-pool-id'?: string; 'admin-sub'?: string }, env: Env): Target {
  const { table, region, 'user-pool-id': userPoolId, 'admin-sub': adminSub } = values;
  if (table === undefined) {
    for (const flag of ['region', 'user-pool-id', 'admin-sub'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --table (a deployed table); leave it out for the local stack`);
    }
    return { kind: 'local', endpoint: `http://127.0.0.1:${env.DYNAMODB_PORT ?? 8000}`, table: env.TABLE_NAME ?? 'invite-links' };
  }
  if (table.trim() === '') throw new UsageError('--table: give the table name (the stack\'s TableName output)');
  const awsRegion = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!awsRegion) throw new UsageError('--region is required with --table (or set AWS_REGION)');
  if ((userPoolId === undefined) === (adminSub === undefined)) {
    throw new UsageError('--table needs exactly one of --user-pool-id (the stack\'s Cognito pool) or --admin-sub (your own identity provider)');
  }
  if (userPoolId !== undefined) {
    if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) throw new UsageError(`--user-pool-id: "${userPoolId}" is not a user pool id (like us-east-1_AbC123)`);
    return { kind: 'deployed', table, region: awsRegion, identity: { userPoolId } };
  }
  // OpenID Connect: a sub is at most 255 ASCII characters; it becomes part of the table's keys.
  if (!/^[\x21-\x7e]{1,255}$/.test(adminSub!)) throw new UsageError('--admin-sub: must be 1 to 255 printable ASCII characters, no spaces');
  return { kind: 'deployed', table, region: awsRegion, identity: { adminSub: adminSub! } };
}

export interface Created {
  directory: Directory;
  admin: FirstAdmin & { userId: string };
  /** Whether the identity provider account was made now or already existed (or was given). */
  identity: 'created' | 'existing' | 'given';
  profile: 'created' | 'kept';
  target: Target;
}

/** The command's work: refuse a taken id before touching the identity provider, then one transaction. */
export async function createDomainAndAdmin(command: CommandLine, now = new Date()): Promise<Created> {
  const { request, target } = command;
  const client =
    target.kind === 'local'
      ? new DynamoDBClient({ endpoint: target.endpoint, ...LOCAL_AWS, maxAttempts: 1 })
      : new DynamoDBClient({ region: target.region });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const { domainId } = request.directory.domain;
    const existing = await withTableErrors(target, () => findDomain(db, target.table, domainId));
    if (existing) throw new DomainAlreadyExists(domainId, existing.name);

    const { sub, identity } = await adminIdentity(target, client, db, request.admin);
    const records = firstAdminRecords(request.directory, request.admin, sub, now);
    const { profile } = await withTableErrors(target, () => createDomain(db, target.table, { directory: request.directory, ...records }));
    return { directory: request.directory, admin: { ...request.admin, userId: sub }, identity, profile, target };
  } finally {
    client.destroy();
  }
}

async function adminIdentity(
  target: Target,
  client: DynamoDBClient,
  db: DynamoDBDocumentClient,
  admin: FirstAdmin,
): Promise<{ sub: string; identity: Created['identity'] }> {
  if (target.kind === 'local') {
    const table = identityTableName(target.table);
    await IdentityStore.ensureTable(client, table);
    const identities = new IdentityStore(db, table);
    const existing = await identities.findByEmail(admin.email);
    if (existing) return { sub: existing.sub, identity: 'existing' };
    const created = await identities.ensure({ email: admin.email, givenName: admin.firstName, familyName: admin.lastName });
    return { sub: created.sub, identity: 'created' };
  }
  if ('adminSub' in target.identity) return { sub: target.identity.adminSub, identity: 'given' };
  return cognitoUser(target.region, target.identity.userPoolId, admin);
}

/** The admin in the stack's pool: created with a verified email (Cognito emails the invitation), or found. */
async function cognitoUser(region: string, userPoolId: string, admin: FirstAdmin): Promise<{ sub: string; identity: Created['identity'] }> {
  const cognito = new CognitoIdentityProviderClient({ region });
  const subOf = (attributes: AttributeType[] | undefined) => {
    const sub = attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new CommandFailed(`Cognito returned no sub for ${admin.email} in ${userPoolId}.`);
    return sub;
  };
  try {
    // The stack's pool signs people in by email, so the email is the username.
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: admin.email,
        UserAttributes: [
          { Name: 'email', Value: admin.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'given_name', Value: admin.firstName },
          { Name: 'family_name', Value: admin.lastName },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    return { sub: subOf(User?.Attributes), identity: 'created' };
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw cognitoFailure(error, userPoolId);
    try {
      const { UserAttributes } = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: admin.email }));
      return { sub: subOf(UserAttributes), identity: 'existing' };
    } catch (again) {
      throw cognitoFailure(again, userPoolId);
    }
  } finally {
    cognito.destroy();
  }
}

function cognitoFailure(error: unknown, userPoolId: string): Error {
  if (error instanceof CommandFailed) return error;
  const { name, message } = error as Error;
  if (name === 'ResourceNotFoundException') return new CommandFailed(`No Cognito user pool ${userPoolId} in this region (--user-pool-id, --region).`);
  return new CommandFailed(`Cognito refused to create the admin (${name}: ${message}). Nothing was written to the table.`);
}

/** The two ways a target is not there: nothing answers (local stack not running) or no such table. */
async function withTableErrors<T>(target: Target, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { name, code } = error as Error & { code?: string };
    if (target.kind === 'local') {
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || name === 'TimeoutError') {
        throw new CommandFailed(
          `Nothing answers at ${target.endpoint}. Start the local stack with \`npm start\` first (same DYNAMODB_PORT), or give --table for a deployed table.`,
        );
      }
      if (name === 'ResourceNotFoundException') {
        throw new CommandFailed(`DynamoDB Local at ${target.endpoint} has no table "${target.table}". Is \`npm start\` running with the same TABLE_NAME?`);
      }
    } else if (name === 'ResourceNotFoundException') {
      throw new CommandFailed(`No table "${target.table}" in ${target.region} (--table, --region; the stack's TableName output).`);
    }
    throw error;
  }
}

/** What was made, and how the admin signs in. */
export function report(created: Created, env: Env = process.env): string {
  const { directory, admin, identity, profile, target } = created;
  const { domain } = directory;
  const listed = (entries: { id: string; note?: string }[]) =>
    entries.length === 0 ? '(none)' : entries.map(({ id, note }) => (note ? `${id} (${note})` : id)).join(', ');
  const where = target.kind === 'local' ? `table ${target.table} on ${target.endpoint}` : `table ${target.table} in ${target.region}`;
  const identityLine = {
    created: target.kind === 'local' ? 'new identity at the local identity provider' : 'new user in the Cognito pool',
    existing: target.kind === 'local' ? 'existing identity at the local identity provider' : 'existing user in the Cognito pool',
    given: 'sub given with --admin-sub',
  }[identity];
  const lines = [
    `Created domain "${domain.name}" in ${where}.`,
    `  domain id     ${domain.domainId}`,
    `  teams         ${listed(directory.teams.map(({ id }) => ({ id, note: id === domain.defaultTeamId ? 'default' : undefined })))}`,
    `  role groups   ${listed(directory.roleGroups.map(({ id, permissions }) => ({ id, note: permissions.join(', ') })))}`,
    `  groups        ${listed(directory.groups)}`,
    `  admin         ${admin.email}: POWER, admin, in ${domain.defaultTeamId}`,
    `  admin userId  ${admin.userId} (${identityLine}; user profile ${profile === 'created' ? 'created' : 'already there, kept'})`,
    '',
  ];
  if (target.kind === 'local') {
    const base = `http://localhost:${env.PORT ?? 3000}`;
    lines.push(
      'Next: with `npm start` running,',
      `  sign in as ${admin.email} at ${base}/signin, or get a bearer token:`,
      `  npm run token -- ${admin.email}`,
    );
  } else if ('userPoolId' in target.identity) {
    lines.push(
      identity === 'created'
        ? `Next: Cognito has emailed ${admin.email} a temporary password; they sign in at <WebUrl>/signin (the stack's WebUrl output) and choose their own.`
        : `Next: ${admin.email} already had a Cognito account; they sign in as before at <WebUrl>/signin (the stack's WebUrl output).`,
    );
  } else {
    lines.push(`Next: ${admin.email} signs in at <WebUrl>/signin through your identity provider, with the account whose sub is ${admin.userId}.`);
  }
  return lines.join('\n');
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the command; returns the exit status. */
export async function main(argv: string[], env: Env = process.env, io: Output = { out: console.log, err: console.error }): Promise<number> {
  let command: CommandLine | undefined;
  try {
    command = parseCommandLine(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`create-domain: ${error.message}\nRun \`npm run create-domain -- --help\` for the flags.`);
    return 2;
  }
  if (!command) {
    io.out(USAGE);
    return 0;
  }
  try {
    io.out(report(await createDomainAndAdmin(command), env));
    return 0;
  } catch (error) {
    if (error instanceof DomainAlreadyExists) io.err(`create-domain: ${error.message} Choose another id with --id.`);
    else if (error instanceof CommandFailed) io.err(`create-domain: ${error.message}`);
    else io.err(`create-domain failed: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

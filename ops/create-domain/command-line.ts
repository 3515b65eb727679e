/** create-domain's command line: its flags and help text, what they ask for (the request, and where to make it), and the command's two ways of failing. */
import { parseArgs } from 'node:util';
import { SETTINGS } from '#shared/config.ts';
import { InvalidNewDomain, parseNewDomain, ROLE_GROUP_PERMISSIONS, type NewDomain, type NewDomainField } from '#shared/domain/new-domain.ts';

export type Env = Record<string, string | undefined>;

export const USAGE = `Creates a domain and its first admin (POWER, admin, in the default team).

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

/** What a new domain holds and who its first admin is: this command's flags, and the deploy command's for its first domain. */
export const DIRECTORY_OPTIONS = {
  team: { type: 'string', multiple: true },
  'default-team': { type: 'string' },
  'role-group': { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  'admin-email': { type: 'string' },
  'admin-first-name': { type: 'string' },
  'admin-last-name': { type: 'string' },
  'admin-sub': { type: 'string' },
} as const;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  id: { type: 'string' },
  ...DIRECTORY_OPTIONS,
  table: { type: 'string' },
  region: { type: 'string' },
  'user-pool-id': { type: 'string' },
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
    return { kind: 'local', endpoint: `http://127.0.0.1:${env.DYNAMODB_PORT ?? 8000}`, table: env[SETTINGS.tableName] ?? 'invite-links' };
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

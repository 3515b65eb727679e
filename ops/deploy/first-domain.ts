/**
 * The first domain and its admin, made right after the deploy: the deploy command hands its flags
 * to `npm run create-domain` (ops/create-domain.ts), which checks them and does the work, with
 * the table and the pool taken from the outputs file.
 */
import { DIRECTORY_OPTIONS, parseCommandLine, UsageError, type CommandLine } from '../create-domain/command-line.ts';
import { SettingsRefused } from './refused.ts';

/** The deploy command's flags for it; the names say they are about the first domain. */
export const FIRST_DOMAIN_OPTIONS = {
  'first-domain': { type: 'string' },
  'first-domain-id': { type: 'string' },
  ...DIRECTORY_OPTIONS,
} as const;

/** A domain needs a team for onboarding links to put people in; one is made when none is named. */
export const DEFAULT_TEAM = 'Everyone';

/** Deploy flag for each create-domain flag whose name differs. */
const DEPLOY_FLAG: Record<string, string> = { '--name': '--first-domain', '--id': '--first-domain-id' };

export interface FirstDomainFlags {
  /** create-domain's flags, the target (table, region, identity) left out. */
  argv: string[];
  name: string;
  adminEmail: string;
  /** The admin's `sub` at the operator's own identity provider; absent with the stack's Cognito pool. */
  adminSub?: string;
}

/** Where the domain goes, known once the stack is deployed. */
export interface FirstDomainTarget {
  table: string;
  region: string;
  /** The stack's Cognito pool, where the admin gets an account; else `adminSub` names them. */
  userPoolId?: string;
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The flags given, or undefined when no first domain was asked for. */
export function firstDomainFlags(values: Values): FirstDomainFlags | undefined {
  const given = Object.keys(FIRST_DOMAIN_OPTIONS).filter((flag) => values[flag] !== undefined);
  if (given.length === 0) return undefined;
  const name = values['first-domain'] as string | undefined;
  if (name === undefined) throw new SettingsRefused(`--${given[0]} goes with --first-domain <name> (the first domain and its admin)`);
  const string = (flag: string) => values[flag] as string | undefined;
  const list = (flag: string) => (values[flag] as string[] | undefined) ?? [];
  const teams = list('team');
  const argv = [
    '--name', name,
    ...(string('first-domain-id') !== undefined ? ['--id', string('first-domain-id')!] : []),
    ...(teams.length > 0 ? teams : [DEFAULT_TEAM]).flatMap((team) => ['--team', team]),
    ...(string('default-team') !== undefined ? ['--default-team', string('default-team')!] : []),
    ...list('role-group').flatMap((group) => ['--role-group', group]),
    ...list('group').flatMap((group) => ['--group', group]),
    ...(['admin-email', 'admin-first-name', 'admin-last-name'] as const).flatMap((flag) => (string(flag) !== undefined ? [`--${flag}`, string(flag)!] : [])),
  ];
  const adminSub = string('admin-sub');
  return { argv, name, adminEmail: string('admin-email') ?? '', ...(adminSub !== undefined ? { adminSub } : {}) };
}

/** create-domain's whole command line for the deployed table. */
export function createDomainArgv(flags: FirstDomainFlags, target: FirstDomainTarget): string[] {
  const identity = target.userPoolId !== undefined ? ['--user-pool-id', target.userPoolId] : ['--admin-sub', flags.adminSub ?? ''];
  return [...flags.argv, '--table', target.table, '--region', target.region, ...identity];
}

/** create-domain's own reading of it, its messages naming the deploy command's flags. */
export function firstDomainCommand(flags: FirstDomainFlags, target: FirstDomainTarget): CommandLine {
  try {
    return parseCommandLine(createDomainArgv(flags, target), {})!;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new SettingsRefused(error.message.replace(/--(name|id)\b/g, (flag) => DEPLOY_FLAG[flag] ?? flag));
  }
}

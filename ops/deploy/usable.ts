/**
 * Settings that would deploy a stack nobody can use are refused before anything runs: the
 * cdk.json placeholders (`.invalid`, there so `npm run synth` works offline), no SES sender, no
 * identity provider, and a first domain with no way to name its admin.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeploySettings } from './settings.ts';
import { SettingsRefused } from './refused.ts';

export type Context = Record<string, string>;

/** cdk.json's context, values as the CLI passes them to the app (strings). */
export async function projectContext(root: string): Promise<Context> {
  const { context = {} } = JSON.parse(await readFile(join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** The `.invalid` top-level domain is reserved never to exist (RFC 2606): such a value is a placeholder. */
const PLACEHOLDER = /\.invalid(?![a-z0-9-])/i;
const EMAIL = /[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+/;
const IDENTITY_KEYS = ['jwtIssuer', 'jwtAudience', 'jwtClientId', 'identityProviderOrigins'];

/** Every reason the settings would deploy something unusable; empty when they are fine. */
export function unusableSettings(settings: Pick<DeploySettings, 'context' | 'firstDomain'>, project: Context): string[] {
  const given = settings.context;
  const effective: Context = { ...project, ...given };
  const placeholder = (key: string) =>
    `${key} "${effective[key]}" is ${given[key] === undefined ? "cdk.json's placeholder" : 'a placeholder (no .invalid domain exists)'}`;
  const problems: string[] = [];
  const createUserPool = effective.createUserPool === 'true';

  if (createUserPool) {
    const both = IDENTITY_KEYS.filter((key) => given[key] !== undefined);
    if (both.length > 0) problems.push(`Two identity providers: --create-user-pool makes the stack's own, so leave out ${both.map((k) => `--${flagOf(k)}`).join(', ')}.`);
  } else if (!effective.jwtIssuer || !effective.jwtAudience) {
    problems.push('No identity provider: pass --create-user-pool (the stack makes a Cognito pool), or --jwt-issuer <issuer URL> and --jwt-audience <audience> for your own.');
  } else if (PLACEHOLDER.test(effective.jwtIssuer)) {
    problems.push(`No identity provider: ${placeholder('jwtIssuer')}. Pass --create-user-pool, or --jwt-issuer <issuer URL> and --jwt-audience <audience>.`);
  } else if (given.jwtIssuer !== undefined && given.jwtAudience === undefined) {
    problems.push(`--jwt-issuer needs --jwt-audience: cdk.json's "${effective.jwtAudience}" goes with its placeholder issuer.`);
  } else if (!/^https:\/\/[^\s/]+/.test(effective.jwtIssuer)) {
    problems.push(`--jwt-issuer: "${effective.jwtIssuer}" is not an https URL (API Gateway fetches the provider's keys from it).`);
  }

  const sender = effective.notifyFrom;
  if (!sender) problems.push('No SES sender: pass --notify-from <address verified in SES> (every email the service sends comes from it).');
  else if (PLACEHOLDER.test(sender)) problems.push(`No SES sender: ${placeholder('notifyFrom')}. Pass --notify-from <address verified in SES>.`);
  else if (!EMAIL.test(sender)) problems.push(`--notify-from: "${sender}" holds no email address (invites@example.com, or "Invite Links <invites@example.com>").`);

  const reported = new Set(['jwtIssuer', 'notifyFrom', ...(createUserPool ? IDENTITY_KEYS : [])]);
  for (const [key, value] of Object.entries(effective)) {
    if (!reported.has(key) && PLACEHOLDER.test(value)) problems.push(`${placeholder(key)}: pass a real value with -c ${key}=...`);
  }

  if (effective.cognitoEmailFrom && !createUserPool) problems.push("--cognito-email-from is how the stack's own pool sends its codes: it goes with --create-user-pool.");
  if (effective.cognitoEmailIdentity && !['address', 'domain'].includes(effective.cognitoEmailIdentity)) {
    problems.push(`--cognito-email-identity: "${effective.cognitoEmailIdentity}" is not address or domain.`);
  }

  const ttl = effective.inviteLinkTtlSeconds;
  if (ttl !== undefined && !/^[1-9]\d*$/.test(ttl)) problems.push(`--invite-link-ttl-seconds: "${ttl}" is not a whole number of seconds.`);
  const stackName = effective.stackName;
  if (stackName !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,122}$/.test(stackName)) {
    problems.push(`--stack-name: "${stackName}" is not a CloudFormation stack name (a letter, then letters, digits and dashes).`);
  }

  const firstDomain = settings.firstDomain;
  if (firstDomain && createUserPool && firstDomain.adminSub !== undefined) {
    problems.push("--admin-sub names the admin at your own identity provider; with --create-user-pool the admin gets an account in the stack's pool, so leave it out.");
  }
  if (firstDomain && !createUserPool && firstDomain.adminSub === undefined) {
    problems.push('--first-domain with your own identity provider needs --admin-sub <the admin\'s sub there>: the directory knows people by it.');
  }
  return problems;
}

export function refuseUnusable(settings: Pick<DeploySettings, 'context' | 'firstDomain'>, project: Context): void {
  const problems = unusableSettings(settings, project);
  if (problems.length > 0) throw new SettingsRefused(problems.join('\n'));
}

const flagOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * `npm run deploy -- ...`: what the operator says, read into settings. The deploy settings are the
 * CDK app's context (infra/service-app.ts reads them); the rest says where and how to deploy.
 */
import { parseArgs } from 'node:util';
import { FIRST_DOMAIN_OPTIONS, firstDomainFlags, type FirstDomainFlags } from './first-domain.ts';
import { SettingsRefused } from './refused.ts';

/** A setting the CDK app reads from its context, as the operator gives it. */
export interface ContextSetting {
  flag: string;
  context: string;
  /** How the value looks in the help; absent for a switch. */
  value?: string;
  help: string;
}

/** Every context setting docs/deploy.md describes; anything else goes through `-c key=value`. */
export const CONTEXT_SETTINGS: readonly ContextSetting[] = [
  { flag: 'notify-from', context: 'notifyFrom', value: '<address>', help: 'required: the SES sender, verified in the region (invites@example.com, or "Invite Links <invites@example.com>")' },
  { flag: 'create-user-pool', context: 'createUserPool', help: 'the stack makes a Cognito user pool people sign up in, and trusts its tokens' },
  { flag: 'jwt-issuer', context: 'jwtIssuer', value: '<url>', help: 'or your own OpenID Connect provider: its issuer (https://...)' },
  { flag: 'jwt-audience', context: 'jwtAudience', value: '<aud>[,<aud>]', help: 'with --jwt-issuer: the audiences the API accepts' },
  { flag: 'jwt-client-id', context: 'jwtClientId', value: '<id>', help: "with --jwt-issuer: the pages' public client, when it is not the first audience" },
  { flag: 'identity-provider-origins', context: 'identityProviderOrigins', value: '<origins>', help: 'with --jwt-issuer: other origins the pages fetch from, comma-separated (a token endpoint on another host)' },
  { flag: 'user-pool-domain-prefix', context: 'userPoolDomainPrefix', value: '<prefix>', help: 'with --create-user-pool: the managed login domain prefix (default <stack name>-<account>)' },
  { flag: 'cognito-email-from', context: 'cognitoEmailFrom', value: '<address>', help: "with --create-user-pool: Cognito sends its codes through SES as this sender (else from its own address, 50 a day)" },
  { flag: 'cognito-email-identity', context: 'cognitoEmailIdentity', value: '<identity>', help: 'with --cognito-email-from: the SES identity that is verified, address (default) or domain' },
  { flag: 'invite-link-ttl-seconds', context: 'inviteLinkTtlSeconds', value: '<seconds>', help: 'how long links live (default 604800, 7 days)' },
  { flag: 'stack-name', context: 'stackName', value: '<name>', help: 'the stack (default InviteLinks); its web ACL stack is <name>Edge' },
  { flag: 'web-acl-arn', context: 'webAclArn', value: '<arn>', help: 'an existing CloudFront web ACL (us-east-1) instead of the <name>Edge stack' },
];

export const DEFAULT_OUTPUTS_FILE = 'cdk-outputs.json';

export interface DeploySettings {
  /** The context given on the command line, passed to cdk as `-c key=value`; cdk.json supplies the rest. */
  context: Record<string, string>;
  region?: string;
  profile?: string;
  /** The account the operator means; the credentials' account must be this one. */
  account?: string;
  outputsFile: string;
  dryRun: boolean;
  firstDomain?: FirstDomainFlags;
}


const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'dry-run': { type: 'boolean' },
  region: { type: 'string' },
  profile: { type: 'string' },
  account: { type: 'string' },
  'outputs-file': { type: 'string' },
  context: { type: 'string', short: 'c', multiple: true },
  ...Object.fromEntries(CONTEXT_SETTINGS.map((s) => [s.flag, { type: s.value ? 'string' : 'boolean' }])),
  ...FIRST_DOMAIN_OPTIONS,
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/** `undefined` means `--help`. */
export function parseDeployArgs(argv: string[]): DeploySettings | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS as never, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new SettingsRefused((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const values = parsed.values as Values;
  if (values.help) return undefined;
  const repeatable = new Set(Object.entries(OPTIONS).filter(([, o]) => 'multiple' in o).map(([name]) => name));
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || repeatable.has(token.name)) continue;
    if (seen.has(token.name)) throw new SettingsRefused(`--${token.name} is given twice`);
    seen.add(token.name);
  }

  const context: Record<string, string> = {};
  const give = (key: string, value: string, from: string) => {
    if (key in context) throw new SettingsRefused(`${key} is given twice (${from})`);
    context[key] = value;
  };
  for (const setting of CONTEXT_SETTINGS) {
    const value = values[setting.flag];
    if (value === undefined || value === false) continue;
    give(setting.context, value === true ? 'true' : String(value), `--${setting.flag}`);
  }
  for (const pair of (values.context as string[] | undefined) ?? []) {
    const match = /^([^=\s]+)=(.*)$/s.exec(pair);
    if (!match) throw new SettingsRefused(`-c "${pair}": write it as key=value`);
    give(match[1]!, match[2]!, `-c ${match[1]}`);
  }

  const region = values.region as string | undefined;
  if (region !== undefined && !isRegion(region)) throw new SettingsRefused(`--region: "${region}" is not an AWS region (like eu-west-1)`);
  const account = values.account as string | undefined;
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new SettingsRefused(`--account: "${account}" is not an AWS account id (12 digits)`);
  const outputsFile = (values['outputs-file'] as string | undefined) ?? DEFAULT_OUTPUTS_FILE;
  if (outputsFile.trim() === '') throw new SettingsRefused('--outputs-file: give a file name');
  const firstDomain = firstDomainFlags(values);
  return {
    context,
    ...(region ? { region } : {}),
    ...(values.profile ? { profile: values.profile as string } : {}),
    ...(account ? { account } : {}),
    outputsFile,
    dryRun: values['dry-run'] === true,
    ...(firstDomain ? { firstDomain } : {}),
  };
}

export const isRegion = (value: string) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value);

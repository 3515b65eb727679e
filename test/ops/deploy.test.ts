/**
 * `npm run deploy`: the plan it prints and follows, the settings it refuses before anything runs,
 * and its run against stand-ins for AWS (aws-sdk-client-mock) and for the commands. No test here
 * calls AWS or runs cdk.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CommandLine } from '../../ops/create-domain/command-line.ts';
import { createDomainAndAdmin } from '../../ops/create-domain/domain-and-admin.ts';
import { report } from '../../ops/create-domain/report.ts';
import { main, USAGE } from '../../ops/deploy.ts';
import { awsChecks, bootstrapState, resolveRegion } from '../../ops/deploy/aws.ts';
import { FIRST_DOMAIN_OPTIONS } from '../../ops/deploy/first-domain.ts';
import type { Command } from '../../ops/deploy/plan.ts';
import type { DeployWorld } from '../../ops/deploy/run.ts';
import { CONTEXT_SETTINGS } from '../../ops/deploy/settings.ts';
import { projectContext, type Context } from '../../ops/deploy/usable.ts';
import { DomainAlreadyExists } from '../../shared/domain/new-domain.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ACCOUNT = '123456789012';
/** What cdk.json holds, as the CLI passes it to the app. */
const PROJECT: Context = { jwtIssuer: 'https://idp.example.invalid/', jwtAudience: 'invite-links', notifyFrom: 'invite-links@example.invalid', createUserPool: 'false' };
const COGNITO = ['--create-user-pool', '--notify-from', 'invites@acme.test'];
const FIRST_DOMAIN = ['--first-domain', 'Acme Studio', '--admin-email', 'ada@acme.test', '--admin-first-name', 'Ada', '--admin-last-name', 'Lovelace'];

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);

beforeEach(() => {
  sts.reset();
  cloudFormation.reset();
});

/** Commands and creations are recorded; AWS answers through the mocked clients unless a test says otherwise. */
function world(overrides: Partial<DeployWorld> = {}) {
  const commands: Command[] = [];
  const created: CommandLine[] = [];
  const logs: string[] = [];
  const w: DeployWorld = {
    ...awsChecks(),
    exec: async (command) => {
      commands.push(command);
      return 0;
    },
    readOutputs: async () => ({
      InviteLinksEdge: { WebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y' },
      InviteLinks: { WebUrl: 'https://d1.cloudfront.net', TableName: 'InviteLinks-Table-1', UserPoolId: 'eu-west-1_Pool1' },
    }),
    createDomain: async (command) => {
      created.push(command);
      return { directory: command.request.directory, admin: { ...command.request.admin, userId: 'sub-1' }, identity: 'created', profile: 'created', target: command.target };
    },
    describeCreated: (result) => `created ${result.directory.domain.domainId}`,
    log: (line) => logs.push(line),
    ...overrides,
  };
  return { world: w, commands, created, logs };
}

/** A world that fails the test if anything in it is touched. */
const untouchable: DeployWorld = new Proxy({} as DeployWorld, {
  get: (_target, name) => () => {
    throw new Error(`the deploy touched ${String(name)}`);
  },
});

async function deploy(argv: string[], options: { env?: Record<string, string>; world?: DeployWorld; project?: Context } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, options.env ?? {}, { out: (t) => out.push(t), err: (t) => err.push(t) }, {
    projectContext: async () => options.project ?? PROJECT,
    world: options.world ?? untouchable,
  });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

/** Stand-ins for CloudFormation in each region: the bootstrap stack's version there, or none. */
function toolkitStacks(versions: Record<string, number | undefined>) {
  cloudFormation.on(DescribeStacksCommand).callsFake(async (_input, getClient) => {
    const region = await (getClient() as CloudFormationClient).config.region();
    const version = versions[region];
    if (version === undefined) throw Object.assign(new Error('Stack with id CDKToolkit does not exist'), { name: 'ValidationError' });
    return { Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: String(version) }] }] };
  });
}

const cdk = 'CDK_DISABLE_CLI_TELEMETRY=true AWS_REGION=eu-west-1 node_modules/.bin/cdk';

describe('the plan (--dry-run prints it and calls nothing)', () => {
  it('outside us-east-1: the account, both regions\' bootstrap, the pages, the deploy, the first domain, in that order', async () => {
    const result = await deploy(['--dry-run', '--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN]);
    expect(result.status).toBe(0);
    expect(result.out.split('\n')).toEqual([
      'Deploy plan: InviteLinks in eu-west-1',
      "1.  check   the credentials' account: STS GetCallerIdentity",
      '2.  check   eu-west-1 is bootstrapped (InviteLinks goes there): CloudFormation DescribeStacks CDKToolkit, settled, BootstrapVersion 6 or later',
      "3.  check   us-east-1 is bootstrapped (InviteLinksEdge, the web ACL's stack, goes there): CloudFormation DescribeStacks CDKToolkit, settled, BootstrapVersion 6 or later",
      '4.  run     npm run build:web',
      `5.  run     only if eu-west-1 is not bootstrapped: ${cdk} bootstrap 'aws://<account>/eu-west-1' --no-notices -c notifyFrom=invites@acme.test -c createUserPool=true`,
      `6.  run     only if us-east-1 is not bootstrapped: ${cdk} bootstrap 'aws://<account>/us-east-1' --no-notices -c notifyFrom=invites@acme.test -c createUserPool=true`,
      `7.  run     ${cdk} deploy --all --require-approval never --outputs-file cdk-outputs.json --no-notices -c notifyFrom=invites@acme.test -c createUserPool=true`,
      "        (writes the stacks' outputs to cdk-outputs.json)",
      '8.  create  the first domain "Acme Studio" and its admin ada@acme.test, table and user pool from cdk-outputs.json (InviteLinks):',
      "        npm run create-domain -- --name 'Acme Studio' --team Everyone --admin-email ada@acme.test --admin-first-name Ada --admin-last-name Lovelace --table '<TableName>' --region eu-west-1 --user-pool-id '<UserPoolId>'",
      'Dry run: nothing was called.',
    ]);
    expect(sts.calls()).toHaveLength(0);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('in us-east-1 there is one region to bootstrap', async () => {
    const { out } = await deploy(['--dry-run', '--region', 'us-east-1', ...COGNITO]);
    expect(out.match(/is bootstrapped/g)).toHaveLength(1);
    expect(out).toContain("bootstrap 'aws://<account>/us-east-1'");
    expect(out).not.toContain('InviteLinksEdge');
  });

  it('with a web ACL of your own, us-east-1 is not needed', async () => {
    const { out } = await deploy(['--dry-run', '--region', 'eu-west-1', ...COGNITO, '--web-acl-arn', 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/1']);
    expect(out).not.toContain('us-east-1 is bootstrapped');
    expect(out).toContain('-c webAclArn=arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/1');
  });

  it('every setting reaches cdk as context, the account and profile as the operator gave them, the outputs where asked', async () => {
    const { status, out } = await deploy([
      '--dry-run', '--region', 'eu-west-1', '--profile', 'prod', '--account', ACCOUNT, '--outputs-file', 'out/prod.json',
      '--jwt-issuer', 'https://login.acme.test', '--jwt-audience', 'pages,api', '--jwt-client-id', 'pages',
      '--notify-from', 'Invite Links <invites@acme.test>', '--stack-name', 'Invites', '-c', 'alarmEmail=ops@acme.test',
      ...FIRST_DOMAIN, '--admin-sub', 'idp|42', '--team', 'Editors', '--team', 'Crew', '--default-team', 'Crew',
    ]);
    expect(status).toBe(0);
    expect(out).toContain('Deploy plan: Invites in eu-west-1, account 123456789012');
    expect(out).toContain('(must be 123456789012)');
    expect(out).toContain('bootstrap aws://123456789012/us-east-1');
    expect(out).toContain(
      "CDK_DISABLE_CLI_TELEMETRY=true AWS_REGION=eu-west-1 AWS_PROFILE=prod node_modules/.bin/cdk deploy --all --require-approval never --outputs-file out/prod.json --no-notices " +
        "-c 'notifyFrom=Invite Links <invites@acme.test>' -c jwtIssuer=https://login.acme.test -c jwtAudience=pages,api -c jwtClientId=pages -c stackName=Invites -c alarmEmail=ops@acme.test",
    );
    expect(out).toContain('InvitesEdge');
    expect(out).toContain("--team Editors --team Crew --default-team Crew --admin-email ada@acme.test --admin-first-name Ada --admin-last-name Lovelace --table '<TableName>' --region eu-west-1 --admin-sub 'idp|42'");
  });

  it('--help documents every setting', async () => {
    const { status, out } = await deploy(['--help']);
    expect(status).toBe(0);
    expect(out).toBe(USAGE);
    const flags = [...CONTEXT_SETTINGS.map((s) => s.flag), ...Object.keys(FIRST_DOMAIN_OPTIONS), 'region', 'profile', 'account', 'outputs-file', 'dry-run', 'context', 'help'];
    for (const flag of flags) expect(USAGE).toContain(`--${flag}`);
  });
});

describe('settings that would deploy a stack nobody can use are refused before anything runs', () => {
  it("cdk.json's .invalid placeholders: no identity provider, no SES sender", async () => {
    const { status, err } = await deploy(['--region', 'eu-west-1'], { project: await projectContext(ROOT) });
    expect(status).toBe(2);
    expect(err).toContain('No identity provider: jwtIssuer "https://idp.example.invalid/" is cdk.json\'s placeholder');
    expect(err).toContain('No SES sender: notifyFrom "invite-links@example.invalid" is cdk.json\'s placeholder');
  });

  it('a missing SES sender', async () => {
    const { status, err } = await deploy(['--region', 'eu-west-1', '--create-user-pool'], { project: { createUserPool: 'false' } });
    expect(status).toBe(2);
    expect(err).toContain('No SES sender: pass --notify-from');
  });

  it('a missing identity provider, or two of them', async () => {
    const none = await deploy(['--region', 'eu-west-1', '--notify-from', 'invites@acme.test'], { project: {} });
    expect(none.status).toBe(2);
    expect(none.err).toContain('No identity provider: pass --create-user-pool');
    const two = await deploy(['--region', 'eu-west-1', ...COGNITO, '--jwt-issuer', 'https://login.acme.test', '--jwt-audience', 'x']);
    expect(two.status).toBe(2);
    expect(two.err).toContain('Two identity providers');
    const halfGiven = await deploy(['--region', 'eu-west-1', '--notify-from', 'invites@acme.test', '--jwt-issuer', 'https://login.acme.test']);
    expect(halfGiven.err).toContain('--jwt-issuer needs --jwt-audience');
    const ownProviderCognitoEmail = await deploy(['--region', 'eu-west-1', '--notify-from', 'i@acme.test', '--jwt-issuer', 'https://login.acme.test', '--jwt-audience', 'x', '--cognito-email-from', 'i@acme.test']);
    expect(ownProviderCognitoEmail.err).toContain('--cognito-email-from is how the stack\'s own pool sends its codes: it goes with --create-user-pool.');
    for (const refused of [none, two, halfGiven, ownProviderCognitoEmail]) expect(refused.status).toBe(2);
  });

  it('an .invalid value given on the command line, and a sender that is no address', async () => {
    const placeholder = await deploy(['--region', 'eu-west-1', '--create-user-pool', '--notify-from', 'me@acme.invalid', '-c', 'alarmEmail=ops@x.invalid']);
    expect(placeholder.status).toBe(2);
    expect(placeholder.err).toContain('notifyFrom "me@acme.invalid" is a placeholder');
    expect(placeholder.err).toContain('alarmEmail "ops@x.invalid" is a placeholder');
    const notAnAddress = await deploy(['--region', 'eu-west-1', '--create-user-pool', '--notify-from', 'Invite Links']);
    expect(notAnAddress.err).toContain('--notify-from: "Invite Links" holds no email address');
  });

  it('a first domain whose admin cannot be named, or whose flags create-domain refuses', async () => {
    const noSub = await deploy(['--region', 'eu-west-1', '--notify-from', 'i@acme.test', '--jwt-issuer', 'https://login.acme.test', '--jwt-audience', 'pages', ...FIRST_DOMAIN]);
    expect(noSub.err).toContain('--first-domain with your own identity provider needs --admin-sub');
    const subWithPool = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN, '--admin-sub', 'x']);
    expect(subWithPool.err).toContain('--admin-sub names the admin at your own identity provider');
    const noDomain = await deploy(['--region', 'eu-west-1', ...COGNITO, '--admin-email', 'ada@acme.test']);
    expect(noDomain.err).toContain('--admin-email goes with --first-domain');
    const noName = await deploy(['--region', 'eu-west-1', ...COGNITO, '--first-domain', 'Acme', '--admin-email', 'ada@acme.test']);
    expect(noName.err).toContain('--admin-first-name is required');
    const badEmail = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN.slice(0, 2), '--admin-email', 'ada', ...FIRST_DOMAIN.slice(4)]);
    expect(badEmail.err).toMatch(/--admin-email: /);
    const longName = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN.slice(2), '--first-domain', 'x'.repeat(101)]);
    expect(longName.err).toMatch(/^deploy: refused, nothing has run:\n--first-domain: /);
    for (const refused of [noSub, subWithPool, noDomain, noName, badEmail, longName]) expect(refused.status).toBe(2);
  });

  it('unknown flags, a bad region or account, and no region at all', async () => {
    expect((await deploy(['--yes', ...COGNITO])).err).toContain("Unknown option '--yes'");
    expect((await deploy(['--region', 'Europe', ...COGNITO])).err).toContain('--region: "Europe" is not an AWS region');
    expect((await deploy(['--region', 'eu-west-1', '--account', '42', ...COGNITO])).err).toContain('--account: "42" is not an AWS account id');
    vi.stubEnv('AWS_CONFIG_FILE', join(mkdtempSync(join(tmpdir(), 'aws-')), 'none'));
    vi.stubEnv('AWS_REGION', undefined);
    try {
      const noRegion = await deploy(COGNITO);
      expect(noRegion.status).toBe(2);
      expect(noRegion.err).toContain('No region: pass --region, set AWS_REGION, or give your AWS profile a region.');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('the region: --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the AWS profile', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('takes the first that is set', async () => {
    expect(await resolveRegion('eu-west-3', { AWS_REGION: 'eu-west-1' })).toBe('eu-west-3');
    expect(await resolveRegion(undefined, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-1');
    expect(await resolveRegion(undefined, { AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-2');
  });

  it("reads the profile's region from the AWS config file, calling nothing", async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'aws-')), 'config');
    writeFileSync(config, '[profile studio]\nregion = ap-southeast-2\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_REGION', undefined);
    expect(await resolveRegion(undefined, {}, 'studio')).toBe('ap-southeast-2');
    const { out } = await deploy(['--dry-run', '--profile', 'studio', ...COGNITO]);
    expect(out).toContain('Deploy plan: InviteLinks in ap-southeast-2');
    expect(out).toContain('AWS_REGION=ap-southeast-2 AWS_PROFILE=studio node_modules/.bin/cdk deploy');
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('is a region bootstrapped? (CloudFormation mocked)', () => {
  const state = () => bootstrapState(new CloudFormationClient({ region: 'eu-west-1' }));
  const stack = (StackStatus: string, version?: string) => ({
    Stacks: [{ StackName: 'CDKToolkit', StackStatus, CreationTime: new Date(), Outputs: version ? [{ OutputKey: 'BootstrapVersion', OutputValue: version }] : [] }],
  });

  it('yes: the stack is settled and its version is 6 or later', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves(stack('UPDATE_ROLLBACK_COMPLETE', '28') as never);
    expect(await state()).toEqual({ ready: true, version: 28 });
  });

  it('no: no stack, a stack that never finished, or one too old', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id CDKToolkit does not exist'), { name: 'ValidationError' }));
    expect(await state()).toEqual({ ready: false, reason: 'no CDKToolkit stack' });
    cloudFormation.on(DescribeStacksCommand).resolves(stack('ROLLBACK_COMPLETE', '28') as never);
    expect(await state()).toEqual({ ready: false, reason: 'CDKToolkit is ROLLBACK_COMPLETE' });
    cloudFormation.on(DescribeStacksCommand).resolves(stack('CREATE_COMPLETE') as never);
    expect(await state()).toMatchObject({ ready: false, reason: expect.stringContaining('version 0') });
  });

  it('cannot tell: the refusal is named', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }));
    await expect(state()).rejects.toThrow('CloudFormation DescribeStacks CDKToolkit failed (AccessDenied');
  });
});

describe('the run (AWS mocked, commands recorded)', () => {
  beforeEach(() => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ada` });
  });

  it('bootstraps only the region that needs it, then builds the pages and deploys without prompts', async () => {
    toolkitStacks({ 'eu-west-1': 28 });
    const run = world();
    const result = await deploy(['--region', 'eu-west-1', ...COGNITO], { world: run.world });
    expect(result.status).toBe(0);
    expect(run.commands.map((c) => c.argv.slice(0, 3).join(' '))).toEqual(['npm run build:web', 'node_modules/.bin/cdk bootstrap aws://123456789012/us-east-1', 'node_modules/.bin/cdk deploy --all']);
    expect(run.commands[2]!.argv).toEqual(expect.arrayContaining(['--require-approval', 'never', '--outputs-file', 'cdk-outputs.json', '--no-notices']));
    expect(run.commands[2]!.env).toEqual({ CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_REGION: 'eu-west-1' });
    expect(run.logs).toContain('eu-west-1 is bootstrapped (version 28).');
    expect(run.logs).toContain('us-east-1 needs bootstrapping: no CDKToolkit stack.');
    expect(result.out).toContain('Deployed. Prove it: npm run smoke -- cdk-outputs.json');
    expect(cloudFormation.calls()).toHaveLength(2);
  });

  it('bootstraps both regions of a new account', async () => {
    toolkitStacks({});
    const run = world();
    await deploy(['--region', 'eu-west-1', ...COGNITO], { world: run.world });
    expect(run.commands.filter((c) => c.argv[1] === 'bootstrap').map((c) => c.argv[2])).toEqual(['aws://123456789012/eu-west-1', 'aws://123456789012/us-east-1']);
  });

  it('stops before changing anything when the credentials are for another account', async () => {
    toolkitStacks({});
    const run = world();
    const result = await deploy(['--region', 'eu-west-1', '--account', '210987654321', ...COGNITO], { world: run.world });
    expect(result.status).toBe(1);
    expect(result.err).toContain('The credentials are for account 123456789012, not 210987654321 (--account). Nothing was changed.');
    expect(run.commands).toEqual([]);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('stops at a command that fails', async () => {
    toolkitStacks({ 'eu-west-1': 28, 'us-east-1': 28 });
    const run = world({ exec: async (command) => (command.argv[0] === 'npm' ? 1 : 0) });
    const result = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN], { world: run.world });
    expect(result.status).toBe(1);
    expect(result.err).toContain('Building the pages failed (exit status 1)');
    expect(run.created).toEqual([]);
  });

  it('says so when there are no credentials', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const result = await deploy(['--region', 'eu-west-1', ...COGNITO], { world: world().world });
    expect(result.status).toBe(1);
    expect(result.err).toContain('No AWS credentials');
  });
});

describe('the first domain, made after the deploy from its outputs', () => {
  beforeEach(() => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    toolkitStacks({ 'eu-west-1': 28, 'us-east-1': 28 });
  });

  it("with the stack's pool: create-domain gets the table and the pool from the outputs", async () => {
    const run = world();
    const result = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN], { world: run.world });
    expect(result.status).toBe(0);
    expect(run.created).toHaveLength(1);
    const [command] = run.created;
    expect(command!.target).toEqual({ kind: 'deployed', table: 'InviteLinks-Table-1', region: 'eu-west-1', identity: { userPoolId: 'eu-west-1_Pool1' } });
    expect(command!.request.directory.domain).toMatchObject({ domainId: 'acme-studio', name: 'Acme Studio', defaultTeamId: 'everyone' });
    expect(command!.request.admin).toEqual({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
    expect(run.logs).toContain('created acme-studio');
  });

  it("the admin's userId is their sub in the stack's Cognito pool (create-domain's own work, AWS mocked)", async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    const db = mockClient(DynamoDBDocumentClient);
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'cognito-sub-7' }] } });
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).resolves({});
    try {
      const run = world({ createDomain: (command) => createDomainAndAdmin(command), describeCreated: (created) => report(created, {}) });
      const result = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN], { world: run.world });
      expect(result.status).toBe(0);
      expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toMatchObject({ UserPoolId: 'eu-west-1_Pool1', Username: 'ada@acme.test' });
      const written = db.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
      expect(written.some((item) => item.Put?.TableName === 'InviteLinks-Table-1' && item.Put.Item?.userId === 'cognito-sub-7')).toBe(true);
      expect(run.logs.join('\n')).toContain('admin userId  cognito-sub-7 (new user in the Cognito pool');
    } finally {
      cognito.restore();
      db.restore();
    }
  });

  it('with your own provider: the admin is named by --admin-sub', async () => {
    const run = world();
    await deploy(['--region', 'eu-west-1', '--notify-from', 'i@acme.test', '--jwt-issuer', 'https://login.acme.test', '--jwt-audience', 'pages', ...FIRST_DOMAIN, '--admin-sub', 'idp|42'], { world: run.world });
    expect(run.created[0]!.target).toEqual({ kind: 'deployed', table: 'InviteLinks-Table-1', region: 'eu-west-1', identity: { adminSub: 'idp|42' } });
  });

  it('deploying again with the same settings leaves the domain it made as it is', async () => {
    const again = world({ createDomain: async () => Promise.reject(new DomainAlreadyExists('acme-studio', 'Acme Studio')) });
    const result = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN], { world: again.world });
    expect(result.status).toBe(0);
    expect(again.logs).toContain('The domain "Acme Studio" (acme-studio) is already there: left as it is.');
    const taken = world({ createDomain: async () => Promise.reject(new DomainAlreadyExists('acme-studio', 'Acme Stunts')) });
    const refused = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN], { world: taken.world });
    expect(refused.status).toBe(1);
    expect(refused.err).toContain('Choose another id with --first-domain-id.');
  });

  it('an outputs file without the pool is reported, not guessed', async () => {
    const run = world({ readOutputs: async () => ({ InviteLinks: { WebUrl: 'https://d1.cloudfront.net', TableName: 't' } }) });
    const result = await deploy(['--region', 'eu-west-1', ...COGNITO, ...FIRST_DOMAIN], { world: run.world });
    expect(result.status).toBe(1);
    expect(result.err).toContain('cdk-outputs.json has no UserPoolId output for InviteLinks');
  });
});

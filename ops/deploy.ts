/**
 * `npm run deploy -- <settings>`: bootstraps the regions that need it, builds the pages, deploys
 * every stack without prompts, writes the outputs and, when asked, creates the first domain and
 * its admin. `--dry-run` prints the plan and calls nothing; `--help` lists every setting.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDomainAndAdmin } from './create-domain/domain-and-admin.ts';
import { report } from './create-domain/report.ts';
import { OutputsUnusable, readCdkOutputs } from './cdk-outputs.ts';
import { AwsRefused, awsChecks, resolveRegion } from './deploy/aws.ts';
import { DEFAULT_TEAM, firstDomainCommand } from './deploy/first-domain.ts';
import { formatPlan, planDeploy } from './deploy/plan.ts';
import { SettingsRefused } from './deploy/refused.ts';
import { runPlan, StepFailed, type DeployWorld } from './deploy/run.ts';
import { CONTEXT_SETTINGS, DEFAULT_OUTPUTS_FILE, isRegion, parseDeployArgs } from './deploy/settings.ts';
import { projectContext, refuseUnusable, type Context } from './deploy/usable.ts';

type Env = Record<string, string | undefined>;

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

const option = (flag: string, help: string) => `  ${flag.padEnd(38)} ${help}`;

export const USAGE = `Deploys the service to AWS in one go: checks the credentials' account, bootstraps the
regions that need it, builds the pages, deploys every stack without prompts, writes the stacks'
outputs to a file and, when asked, creates the first domain and its admin.

npm run deploy -- --notify-from <address> (--create-user-pool | --jwt-issuer <url> --jwt-audience <aud>) [options]

What to deploy (the CDK app's context; cdk.json gives the rest, and its .invalid placeholders are refused)
${CONTEXT_SETTINGS.map((s) => option(`--${s.flag}${s.value ? ` ${s.value}` : ''}`, s.help)).join('\n')}
${option('-c, --context <key>=<value>', 'any other context the app reads; repeat it')}

Where
${option('--region <region>', 'default: AWS_REGION, AWS_DEFAULT_REGION, then your AWS profile\'s region')}
${option('--profile <name>', 'the AWS profile to use (default: AWS_PROFILE, or the SDK\'s usual credentials)')}
${option('--account <id>', 'stop unless the credentials are for this account')}
${option('--outputs-file <file>', `where the stacks' outputs go (default ${DEFAULT_OUTPUTS_FILE}); npm run smoke reads it`)}

The first domain and its admin (optional; made after the deploy, as \`npm run create-domain\` makes it)
${option('--first-domain <name>', 'the domain\'s name')}
${option('--first-domain-id <id>', 'its id (default: made from the name, "Acme Studio" -> acme-studio)')}
${option('--team <name>', `a team; repeat for more (default: one team, "${DEFAULT_TEAM}")`)}
${option('--default-team <name>', 'the team onboarding links put people in (with several teams)')}
${option('--role-group <name>[=<perm>,...]', 'a role group; repeat; "User Managers=users:create" may invite')}
${option('--group <name>', 'a legacy group; repeat for more')}
${option('--admin-email <email>', 'the first admin (POWER, admin, in the default team); required with --first-domain')}
${option('--admin-first-name <name>', 'required with --first-domain')}
${option('--admin-last-name <name>', 'required with --first-domain')}
${option('--admin-sub <sub>', 'with your own identity provider: the admin\'s sub there. With --create-user-pool the')}
${option('', 'admin gets an account in the stack\'s pool and Cognito emails them a temporary password')}

${option('--dry-run', 'print the plan (every check and command, in order) and stop: nothing is called')}
${option('-h, --help', 'this text')}

Exit status: 0 deployed, 2 settings refused (nothing has run), 1 a step failed (the steps before it stay done).
Then prove it: npm run smoke -- <outputs file>`;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface DeployDependencies {
  /** Everything the run touches outside the process; the default is the real one. */
  world?: DeployWorld;
  projectContext?: () => Promise<Context>;
}

/** Runs the command; returns the exit status. */
export async function main(argv: string[], env: Env = process.env, io: Output = { out: console.log, err: console.error }, deps: DeployDependencies = {}): Promise<number> {
  let plan;
  try {
    const settings = parseDeployArgs(argv);
    if (!settings) {
      io.out(USAGE);
      return 0;
    }
    const project = await (deps.projectContext ?? (() => projectContext(ROOT)))();
    refuseUnusable(settings, project);
    const region = await resolveRegion(settings.region, env, settings.profile);
    if (!region) throw new SettingsRefused('No region: pass --region, set AWS_REGION, or give your AWS profile a region.');
    if (!isRegion(region)) throw new SettingsRefused(`The region "${region}" is not an AWS region (like eu-west-1).`);
    plan = planDeploy(settings, region, project);
    const firstDomain = plan.steps.find((step) => step.kind === 'first-domain');
    // create-domain checks the flags now, with stand-ins for the outputs, so a typo fails before the deploy.
    if (firstDomain) firstDomainCommand(firstDomain.flags, { table: 'TableName', region, ...(firstDomain.userPool ? { userPoolId: `${region}_UserPoolId` } : {}) });
  } catch (error) {
    if (!(error instanceof SettingsRefused)) throw error;
    io.err(`deploy: refused, nothing has run:\n${error.message}\nRun \`npm run deploy -- --help\` for the settings.`);
    return 2;
  }

  io.out(formatPlan(plan));
  if (plan.settings.dryRun) {
    io.out('Dry run: nothing was called.');
    return 0;
  }
  try {
    await runPlan(plan, deps.world ?? liveWorld(plan.settings.profile, env, io));
  } catch (error) {
    if (!(error instanceof StepFailed || error instanceof AwsRefused || error instanceof OutputsUnusable || error instanceof SettingsRefused)) throw error;
    io.err(`deploy: ${error.message}`);
    return 1;
  }
  io.out(`Deployed. Prove it: npm run smoke -- ${plan.outputsFile}`);
  return 0;
}

function liveWorld(profile: string | undefined, env: Env, io: Output): DeployWorld {
  // create-domain's clients take the SDK's usual credentials: the same profile as the rest.
  if (profile) process.env.AWS_PROFILE = profile;
  return {
    ...awsChecks(profile),
    exec: (command) =>
      new Promise((resolve, reject) => {
        const child = spawn(command.argv[0]!, command.argv.slice(1), { cwd: ROOT, env: { ...process.env, ...command.env }, stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
    readOutputs: (file) => readCdkOutputs(resolve(ROOT, file)),
    createDomain: (command) => createDomainAndAdmin(command),
    describeCreated: (created) => report(created, env),
    log: io.out,
  };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

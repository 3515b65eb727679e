/**
 * What a deploy does, in order, as data: `--dry-run` prints it, the runner carries it out, and the
 * commands it prints are built by the same functions that build the ones it runs.
 */
import { WEB_ACL_REGION } from '../../infra/constructs/web-acl.ts';
import { MIN_BOOTSTRAP_VERSION, TOOLKIT_STACK } from './aws.ts';
import { createDomainArgv, type FirstDomainFlags } from './first-domain.ts';
import type { DeploySettings } from './settings.ts';

/** The pinned CLI (docs/deploy.md: the one that reads this aws-cdk-lib's cloud assembly). */
export const CDK = 'node_modules/.bin/cdk';

export interface Command {
  argv: string[];
  /** Added to the environment the deploy command runs in. */
  env: Record<string, string>;
}

export type Step =
  | { kind: 'identify'; account?: string }
  | { kind: 'check-bootstrap'; region: string; why: string }
  | { kind: 'build-pages'; command: Command }
  /** Runs only when the region's check found it not ready. */
  | { kind: 'bootstrap'; region: string }
  | { kind: 'deploy'; command: Command }
  | { kind: 'first-domain'; flags: FirstDomainFlags; userPool: boolean };

export interface Plan {
  region: string;
  /** Known before the run only when the operator named it (`--account`). */
  account?: string;
  stackName: string;
  outputsFile: string;
  settings: DeploySettings;
  steps: Step[];
}

export function planDeploy(settings: DeploySettings, region: string, context: Record<string, string>): Plan {
  const effective = { ...context, ...settings.context };
  const stackName = effective.stackName ?? 'InviteLinks';
  // The web ACL's stack goes to us-east-1 unless the stack is there already or one is given.
  const edgeRegion = !effective.webAclArn && region !== WEB_ACL_REGION ? WEB_ACL_REGION : undefined;
  const plan: Plan = { region, ...(settings.account ? { account: settings.account } : {}), stackName, outputsFile: settings.outputsFile, settings, steps: [] };
  plan.steps.push(
    { kind: 'identify', ...(settings.account ? { account: settings.account } : {}) },
    { kind: 'check-bootstrap', region, why: `${stackName} goes there` },
    ...(edgeRegion ? [{ kind: 'check-bootstrap' as const, region: edgeRegion, why: `${stackName}Edge, the web ACL's stack, goes there` }] : []),
    { kind: 'build-pages', command: { argv: ['npm', 'run', 'build:web'], env: {} } },
    { kind: 'bootstrap', region },
    ...(edgeRegion ? [{ kind: 'bootstrap' as const, region: edgeRegion }] : []),
    { kind: 'deploy', command: deployCommand(plan) },
  );
  if (settings.firstDomain) plan.steps.push({ kind: 'first-domain', flags: settings.firstDomain, userPool: effective.createUserPool === 'true' });
  return plan;
}

/** Every cdk command runs with the settings as context, so `cdk bootstrap` synthesizes the same app. */
function cdkCommand(plan: Plan, args: string[]): Command {
  const context = Object.entries(plan.settings.context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  return {
    argv: [CDK, ...args, '--no-notices', ...context],
    env: { CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_REGION: plan.region, ...(plan.settings.profile ? { AWS_PROFILE: plan.settings.profile } : {}) },
  };
}

function deployCommand(plan: Plan): Command {
  return cdkCommand(plan, ['deploy', '--all', '--require-approval', 'never', '--outputs-file', plan.outputsFile]);
}

export function bootstrapCommand(plan: Plan, region: string, account: string): Command {
  return cdkCommand(plan, ['bootstrap', `aws://${account}/${region}`]);
}

/** create-domain's command line as the operator could type it, the outputs not yet known named as placeholders. */
export function firstDomainEquivalent(plan: Plan, step: Extract<Step, { kind: 'first-domain' }>): string {
  const argv = createDomainArgv(step.flags, { table: '<TableName>', region: plan.region, ...(step.userPool ? { userPoolId: '<UserPoolId>' } : {}) });
  return shellLine({ argv: ['npm', 'run', 'create-domain', '--', ...argv], env: {} });
}

export function formatPlan(plan: Plan): string {
  const account = plan.account ?? '<account>';
  const lines = [`Deploy plan: ${plan.stackName} in ${plan.region}${plan.account ? `, account ${plan.account}` : ''}`];
  plan.steps.forEach((step, index) => {
    const n = `${index + 1}.`.padEnd(4);
    switch (step.kind) {
      case 'identify':
        lines.push(`${n}check   the credentials' account: STS GetCallerIdentity${step.account ? ` (must be ${step.account})` : ''}`);
        break;
      case 'check-bootstrap':
        lines.push(`${n}check   ${step.region} is bootstrapped (${step.why}): CloudFormation DescribeStacks ${TOOLKIT_STACK}, settled, BootstrapVersion ${MIN_BOOTSTRAP_VERSION} or later`);
        break;
      case 'build-pages':
      case 'deploy':
        lines.push(`${n}run     ${shellLine(step.command)}`);
        if (step.kind === 'deploy') lines.push(`        (writes the stacks' outputs to ${plan.outputsFile})`);
        break;
      case 'bootstrap':
        lines.push(`${n}run     only if ${step.region} is not bootstrapped: ${shellLine(bootstrapCommand(plan, step.region, account))}`);
        break;
      case 'first-domain':
        lines.push(
          `${n}create  the first domain "${step.flags.name}" and its admin ${step.flags.adminEmail}, table${step.userPool ? ' and user pool' : ''} from ${plan.outputsFile} (${plan.stackName}):`,
          `        ${firstDomainEquivalent(plan, step)}`,
        );
        break;
    }
  });
  return lines.join('\n');
}

/** A command as it would be typed in a POSIX shell. */
export function shellLine({ argv, env }: Command): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return [...Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`), ...argv.map(quote)].join(' ');
}

/**
 * Carries out a deploy plan, step by step, stopping at the first that fails. Everything outside
 * the process (AWS, commands, files, the create-domain work) comes in through `DeployWorld`, so
 * tests run the real order against fakes.
 */
import type { CommandLine } from '../create-domain/command-line.ts';
import type { Created } from '../create-domain/domain-and-admin.ts';
import { DomainAlreadyExists } from '#shared/domain/new-domain.ts';
import { serviceStackOutputs, type CdkOutputs } from '../cdk-outputs.ts';
import type { BootstrapState } from './aws.ts';
import { firstDomainCommand } from './first-domain.ts';
import { bootstrapCommand, shellLine, type Command, type Plan } from './plan.ts';

export interface DeployWorld {
  accountOf(region: string): Promise<string>;
  bootstrapState(region: string): Promise<BootstrapState>;
  /** Runs a command in the repository with the terminal attached; resolves to its exit status. */
  exec(command: Command): Promise<number>;
  readOutputs(file: string): Promise<CdkOutputs>;
  createDomain(command: CommandLine): Promise<Created>;
  /** What the first domain's creation says (create-domain's own report). */
  describeCreated(created: Created): string;
  log(line: string): void;
}

/** A step that failed: exit 1, with what was done before it left as it is. */
export class StepFailed extends Error {
  override name = 'StepFailed';
}

export async function runPlan(plan: Plan, world: DeployWorld): Promise<void> {
  let account = plan.account;
  const notReady = new Set<string>();
  const exec = async (what: string, command: Command) => {
    world.log(`$ ${shellLine(command)}`);
    const status = await world.exec(command);
    if (status !== 0) throw new StepFailed(`${what} failed (exit status ${status}); see its output above.`);
  };

  for (const step of plan.steps) {
    switch (step.kind) {
      case 'identify': {
        const actual = await world.accountOf(plan.region);
        if (step.account && actual !== step.account) {
          throw new StepFailed(`The credentials are for account ${actual}, not ${step.account} (--account). Nothing was changed.`);
        }
        account = actual;
        world.log(`Account ${actual}, region ${plan.region}.`);
        break;
      }
      case 'check-bootstrap': {
        const state = await world.bootstrapState(step.region);
        if (state.ready) world.log(`${step.region} is bootstrapped (version ${state.version}).`);
        else {
          notReady.add(step.region);
          world.log(`${step.region} needs bootstrapping: ${state.reason}.`);
        }
        break;
      }
      case 'build-pages':
        await exec('Building the pages', step.command);
        break;
      case 'bootstrap':
        if (notReady.has(step.region)) await exec(`Bootstrapping ${step.region}`, bootstrapCommand(plan, step.region, account!));
        break;
      case 'deploy':
        await exec('cdk deploy', step.command);
        world.log(`Outputs written to ${plan.outputsFile}.`);
        break;
      case 'first-domain':
        await firstDomain(plan, step.flags, step.userPool, world);
        break;
    }
  }
}

async function firstDomain(plan: Plan, flags: Parameters<typeof firstDomainCommand>[0], userPool: boolean, world: DeployWorld) {
  const { outputs } = serviceStackOutputs(await world.readOutputs(plan.outputsFile), plan.outputsFile, plan.stackName);
  const need = (name: string) => {
    const value = outputs[name];
    if (!value) throw new StepFailed(`${plan.outputsFile} has no ${name} output for ${plan.stackName}: the first domain cannot be made.`);
    return value;
  };
  const command = firstDomainCommand(flags, { table: need('TableName'), region: plan.region, ...(userPool ? { userPoolId: need('UserPoolId') } : {}) });
  try {
    world.log(world.describeCreated(await world.createDomain(command)));
  } catch (error) {
    // Deploying again with the same settings finds the domain it made the first time.
    if (error instanceof DomainAlreadyExists && error.existingName === command.request.directory.domain.name) {
      world.log(`The domain "${error.existingName}" (${error.domainId}) is already there: left as it is.`);
      return;
    }
    const hint = error instanceof DomainAlreadyExists ? ' Choose another id with --first-domain-id.' : '';
    throw new StepFailed(`Creating the first domain failed: ${(error as Error).message}${hint}`);
  }
}

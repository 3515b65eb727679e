/**
 * `npm run create-domain -- ...`: a new domain (teams, role groups, legacy groups, default team)
 * and its first admin, on the local stack's DynamoDB Local or on a deployed table. `--help` lists
 * the flags; docs/deploy.md walks through both targets.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DomainAlreadyExists } from '#shared/domain/new-domain.ts';
import { CommandFailed, parseCommandLine, USAGE, UsageError, type CommandLine, type Env } from './create-domain/command-line.ts';
import { createDomainAndAdmin } from './create-domain/domain-and-admin.ts';
import { report } from './create-domain/report.ts';

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

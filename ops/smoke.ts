/**
 * `npm run smoke -- <outputs file | base URL>`: checks a running deployment from outside, one
 * pass/fail line per check, and exits non-zero when any fails. `--help` says what it checks.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OutputsUnusable } from './cdk-outputs.ts';
import { formatResult, NO_LOCAL_ORIGIN, runSmoke, SMOKE_CHECKS } from './smoke/checks.ts';
import { smokeTarget } from './smoke/target.ts';

type Output = { out(text: string): void; err(text: string): void };

export const USAGE = `Checks a running deployment from outside: one PASS, FAIL or SKIP line per check.

npm run smoke -- <outputs file | base URL> [options]

  <outputs file>             what \`npm run deploy\` (cdk deploy --outputs-file) wrote, e.g. cdk-outputs.json:
                             the pages at WebUrl, the API origin at ApiOriginUrl
  <base URL>                 the pages' origin, e.g. https://d111111abcdef8.cloudfront.net, or
                             http://localhost:3000 for \`npm start\`
  --stack <name>             the stack in the outputs file, when it holds several service stacks
  --api-origin <url>         the API's own endpoint behind CloudFront, instead of ApiOriginUrl
  -h, --help                 this text

Checks, in order:
${SMOKE_CHECKS.map((check) => `  - ${check.name}`).join('\n')}
On the local stack the direct-origin check is skipped (${NO_LOCAL_ORIGIN}).

Exit status: 0 every check passed or was skipped, 1 a check failed, 2 bad arguments or an unreadable outputs file.`;

export async function main(argv: string[], io: Output = { out: console.log, err: console.error }): Promise<number> {
  let where: string;
  let options: { stack?: string; 'api-origin'?: string };
  try {
    const parsed = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, stack: { type: 'string' }, 'api-origin': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      io.out(USAGE);
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new Error('give one outputs file or base URL');
    where = parsed.positionals[0]!;
    options = parsed.values;
  } catch (error) {
    io.err(`smoke: ${(error as Error).message}\nRun \`npm run smoke -- --help\` for the arguments.`);
    return 2;
  }

  let target;
  try {
    target = await smokeTarget(where, { ...(options.stack ? { stack: options.stack } : {}), ...(options['api-origin'] ? { apiOrigin: options['api-origin'] } : {}) });
  } catch (error) {
    if (!(error instanceof OutputsUnusable)) throw error;
    io.err(`smoke: ${error.message}`);
    return 2;
  }
  io.out(`Smoke checks of ${target.webUrl} (${target.source})`);
  const results = await runSmoke(target);
  for (const result of results) io.out(formatResult(result));
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  io.out(`${count('pass')} passed, ${count('skip')} skipped, ${count('fail')} failed`);
  return count('fail') > 0 ? 1 : 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

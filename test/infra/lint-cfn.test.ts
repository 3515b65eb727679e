/**
 * `npm run lint:cfn` needs cfn-lint, a Python tool the project does not install: on a machine
 * without it the command says so and succeeds, so nothing (this suite included) depends on it.
 * Where it is installed, running the command is the test (docs/deploy.md, Template checks).
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run lint:cfn without cfn-lint', () => {
  it('says cfn-lint is missing and how to get it, and exits 0 without synthesizing anything', () => {
    const script = new URL('../../infra/cli/lint-templates.ts', import.meta.url).pathname;
    // Only Node's own folder on the PATH: no cfn-lint there.
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { PATH: dirname(process.execPath) }, cwd: new URL('../..', import.meta.url).pathname });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^cfn-lint is not installed here, so the templates were not linted \(pip install cfn-lint, then npm run lint:cfn\)/);
    expect(run.status).toBe(0);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * What the tests leave in the temporary directory (synths, built pages, browser profiles, data dirs)
 * goes under one directory of this run, removed when the run ends: `npm test` a hundred times does
 * not fill a disk.
 */
const runTmp = mkdtempSync(join(tmpdir(), 'invite-links-test-'));
process.once('exit', () => rmSync(runTmp, { recursive: true, force: true }));

/** Unit files that need DynamoDB Local. */
const STACK_UNIT_FILES = ['test/unit/conflict-emulation.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      // Synthesizing the app needs no stack: these files share their workers (aws-cdk-lib loads once per worker, not per file).
      // A synth takes 20-30 s alone and minutes on a machine busy with much else: its hooks get the time a loaded CI runner needs.
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false, hookTimeout: 600_000 } },
      // Pure code: the files share their workers one after another, each starting as if alone (its modules loaded afresh, its
      // environment and spies put back after it), as the handler edges' mocks and loggers expect: a fresh process per file cost the
      // suite about a second of CPU each.
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/ops/**/*.test.ts'], exclude: [...STACK_UNIT_FILES], isolate: false, setupFiles: ['test/support/one-file-at-a-time.ts'] },
      },
      // DynamoDB Local and local SES start once for the whole run; each test file gets its own table and front door,
      // and the files share their workers one after another (the SDK, the provider and Chromium's driver load once per worker).
      {
        extends: true,
        test: {
          name: 'service',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', ...STACK_UNIT_FILES],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/one-file-at-a-time.ts'],
          isolate: false,
        },
      },
    ],
    // Both cores: each file runs against its own tables, front door and local SES, so two files at once share nothing but DynamoDB Local.
    maxWorkers: 2,
    testTimeout: 60_000,
    // A poll waits for what it waits for: a page that answers later on a loaded machine is not a failure (the bench measures speed).
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 120_000,
    // Handlers a unit test calls print no EMF; the local stack turns metrics back on and reads them (local/metrics.ts).
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', TMPDIR: runTmp },
  },
});

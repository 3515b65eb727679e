import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      // Synthesizing the app needs no stack: these files share their workers (aws-cdk-lib loads once per worker, not per file).
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false } },
      // DynamoDB Local and local SES start once for the whole run; each test file gets its own table and front door.
      { extends: true, test: { name: 'service', include: ['test/**/*.test.ts'], exclude: ['test/infra/**'], globalSetup: ['test/support/global-setup.ts'] } },
    ],
    // Both cores: each file runs against its own tables, front door and local SES, so two files at once share nothing but DynamoDB Local.
    maxWorkers: 2,
    testTimeout: 60_000,
    // A poll waits for what it waits for: a page that answers later on a loaded machine is not a failure (the bench measures speed).
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 120_000,
    // Handlers a unit test calls print no EMF; the local stack turns metrics back on and reads them (local/metrics.ts).
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});

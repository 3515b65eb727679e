/**
 * Test files that share their worker (vitest `isolate: false`) run one after another. Each file
 * still starts as if alone: what it set in the environment is put back, its spies restored, its
 * SDK clients' stubs taken off, and the project's modules loaded afresh, so the next file's
 * functions read their own table, SES and front door at their cold start, as each Lambda instance
 * does.
 */
import { createRequire } from 'node:module';
import { afterAll, vi } from 'vitest';

/**
 * The sinon aws-sdk-client-mock stubs through: its own, as its CommonJS build requires it. An `import`
 * of sinon here would load sinon's ES build, another copy with another default sandbox.
 */
const sinon = createRequire(createRequire(import.meta.url).resolve('aws-sdk-client-mock'))('sinon') as typeof import('sinon');

const environment = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  vi.restoreAllMocks();
  // aws-sdk-client-mock stubs a client class's `send` on its prototype through sinon's default sandbox; the SDK's modules are not
  // loaded afresh (they are not the project's), so a stub left on would answer the next file's real clients.
  sinon.restore();
  vi.resetModules();
});

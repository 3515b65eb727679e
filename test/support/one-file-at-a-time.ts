/**
 * Stack test files share their worker (vitest `isolate: false`), one file after another. Each file
 * still starts as if alone: what it set in the environment is put back, its spies restored, and
 * the project's modules loaded afresh, so the next file's functions read their own table, SES and
 * front door at their cold start, as each Lambda instance does.
 */
import { afterAll, vi } from 'vitest';

const environment = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  vi.restoreAllMocks();
  vi.resetModules();
});

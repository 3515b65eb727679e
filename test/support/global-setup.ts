/**
 * Starts the real local services once per test run: DynamoDB Local (in memory) and local SES, and
 * synthesizes the app once for every function's IAM role; unpacks the page tests' Chromium. When the whole suite ran and passed, the
 * grants no test used are reported and fail the run: every role is exactly what its code needs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import chromiumBuild from '@sparticuz/chromium';
import type { TestProject } from 'vitest/node';
import { unusedGrants } from '../../local/iam/least-privilege.ts';
import { synthesizedRoles, type SynthesizedRoles } from '../../local/iam/roles.ts';
import { freePort, LOCAL_SENDER, startDynamoDbLocal, startSesLocal } from '../../local/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
    /** Every function's role from the synthesized app, read once for the whole run. */
    iamRoles: SynthesizedRoles;
    /** Where each test file's process writes the grants its functions used (support/iam.ts). */
    iamUsageDir: string;
    /** The headless Chromium the page files launch (support/browser.ts). */
    chromiumPath: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, ses, roles, chromiumPath] = await Promise.all([
    freePort().then((p) => startDynamoDbLocal(p, { jit: 'quick' })),
    freePort().then((p) => startSesLocal(p)),
    synthesizedRoles(LOCAL_SENDER),
    // Unpacked here, once, before any worker needs it: two workers unpacking it at once left one unable to start it (ETXTBSY).
    process.env.CHROMIUM_PATH ?? chromiumBuild.executablePath(),
  ]);
  const usageDir = mkdtempSync(join(tmpdir(), 'invite-links-iam-usage-'));
  project.provide('iamRoles', roles);
  project.provide('iamUsageDir', usageDir);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  project.provide('chromiumPath', chromiumPath);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
    try {
      if (await wholeSuitePassed(project)) assertEveryGrantUsed(roles, usageDir);
    } finally {
      rmSync(usageDir, { recursive: true, force: true });
    }
  };
}

/** Only a full, green run has used what the code uses: a filtered or failed run says nothing about unused grants. */
async function wholeSuitePassed(project: TestProject): Promise<boolean> {
  const ran = project.vitest.state.getFiles();
  const { testFiles } = await project.globTestFiles();
  const ranPaths = new Set(ran.map((file) => resolve(file.filepath)));
  return testFiles.every((file) => ranPaths.has(resolve(file))) && ran.every((file) => file.result?.state === 'pass');
}

function assertEveryGrantUsed(roles: SynthesizedRoles, usageDir: string) {
  const used: Record<string, Set<string>> = {};
  for (const file of readdirSync(usageDir)) {
    for (const [fn, keys] of Object.entries(JSON.parse(readFileSync(join(usageDir, file), 'utf8')) as Record<string, string[]>)) {
      for (const key of keys) (used[fn] ??= new Set()).add(key);
    }
  }
  const unused = Object.entries(unusedGrants(roles, used));
  if (unused.length > 0) {
    throw new Error(
      `Least privilege: these grants were used by no call in the whole suite; take them out of the role (shared/contract/operations.ts tableActions, or the construct that grants them), or test the code that needs them:\n${unused
        .map(([fn, grants]) => `  ${fn}: ${grants.join('; ')}`)
        .join('\n')}`,
    );
  }
}

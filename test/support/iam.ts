/**
 * The IAM emulation as the tests run it: every stack gets the roles synthesized once for the run,
 * and every grant a function used is written down when the test file's process ends, so the run
 * can tell grants that nothing used (global-setup.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Authorization } from '../../local/iam/emulation.ts';
import type { IamSetting } from '../../local/iam/enforce.ts';
import { grantKey } from '../../local/iam/least-privilege.ts';

const used = new Map<string, Set<string>>();
let flushing = false;

function record({ functionName, grants }: Authorization) {
  if (!flushing) {
    flushing = true;
    const dir = inject('iamUsageDir');
    process.once('exit', () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}-${Date.now()}.json`), JSON.stringify(Object.fromEntries([...used].map(([fn, keys]) => [fn, [...keys]]))));
    });
  }
  const keys = used.get(functionName) ?? new Set<string>();
  for (const grant of grants) keys.add(grantKey(grant));
  used.set(functionName, keys);
}

/** For a test's local stack: the run's roles, and what each function uses recorded. */
export function testIam(): IamSetting {
  return { roles: inject('iamRoles'), onAuthorization: record };
}

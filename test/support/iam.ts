/**
 * The IAM emulation as the tests run it: every stack gets the roles synthesized once for the run,
 * and every grant a function used is written down, so the run can tell grants that nothing used
 * (global-setup.ts). The file is rewritten whenever a grant is first used: a test file's process
 * may be ended without an exit event, and there are only a few hundred grants in all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Authorization } from '../../local/iam/emulation.ts';
import type { IamSetting } from '../../local/iam/enforce.ts';
import { grantKey } from '../../local/iam/least-privilege.ts';

const used = new Map<string, Set<string>>();
let file: string | undefined;

function record({ functionName, grants }: Authorization) {
  const keys = used.get(functionName) ?? new Set<string>();
  used.set(functionName, keys);
  const before = keys.size;
  for (const grant of grants) keys.add(grantKey(grant));
  if (keys.size === before) return;
  if (!file) {
    const dir = inject('iamUsageDir');
    mkdirSync(dir, { recursive: true });
    file = join(dir, `${process.pid}-${Date.now()}.json`);
  }
  writeFileSync(file, JSON.stringify(Object.fromEntries([...used].map(([fn, grantKeys]) => [fn, [...grantKeys]]))));
}

/** For a test's local stack: the run's roles, and what each function uses recorded. */
export function testIam(): IamSetting {
  return { roles: inject('iamRoles'), onAuthorization: record };
}

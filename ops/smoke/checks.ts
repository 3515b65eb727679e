/**
 * What `npm run smoke` checks of a running deployment, from outside, in order. Each check passes,
 * fails with what it saw, or is skipped for a stated reason. The same checks run against the local
 * stack in `npm test`, so they are known to work before anyone points them at AWS.
 */
import { apiDocument, authorizationReachesApi, directOriginRefused, missingToken, unknownRoute } from './api.ts';
import type { SmokeCheck, SmokeContext, SmokeResult } from './check.ts';
import { CheckFailed } from './http.ts';
import { notFound, pageConfig, pages } from './pages.ts';
import { signInStarts } from './sign-in.ts';
import type { SmokeTarget } from './target.ts';

export { NO_LOCAL_ORIGIN, type SmokeCheck, type SmokeResult } from './check.ts';

export const SMOKE_CHECKS: readonly SmokeCheck[] = [
  pages,
  pageConfig,
  notFound,
  authorizationReachesApi,
  directOriginRefused,
  unknownRoute,
  missingToken,
  signInStarts,
  apiDocument,
];

/** Every check in order; one failing does not stop the next. */
export async function runSmoke(target: SmokeTarget, checks: readonly SmokeCheck[] = SMOKE_CHECKS): Promise<SmokeResult[]> {
  const context: SmokeContext = { target };
  const results: SmokeResult[] = [];
  for (const check of checks) {
    try {
      const verdict = await check.run(context);
      results.push({ name: check.name, ...verdict });
    } catch (error) {
      results.push({ name: check.name, outcome: 'fail', detail: error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return results;
}

export function formatResult({ name, outcome, detail }: SmokeResult): string {
  if (outcome === 'skip') return `SKIP  ${name} (skipped: ${detail})`;
  return `${outcome === 'pass' ? 'PASS' : 'FAIL'}  ${name}: ${detail}`;
}

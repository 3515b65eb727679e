/** What a smoke check is, what it sees, and what it says. */
import type { PageConfig } from '../../web/page-config.ts';
import type { SmokeTarget } from './target.ts';

export interface SmokeContext {
  target: SmokeTarget;
  /** config.json, once a check has read it. */
  config?: PageConfig;
  /** The pages' Content-Security-Policy, once a check has read it. */
  pagePolicy?: string;
}

export type Verdict = { outcome: 'pass'; detail: string } | { outcome: 'skip'; detail: string };

export interface SmokeCheck {
  name: string;
  run(context: SmokeContext): Promise<Verdict>;
}

export interface SmokeResult {
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

/** Why the direct-origin check does not apply to the local stack. */
export const NO_LOCAL_ORIGIN = 'no separate origin locally';

export const pass = (detail: string): Verdict => ({ outcome: 'pass', detail });
export const skip = (detail: string): Verdict => ({ outcome: 'skip', detail });

/**
 * The timer sweep (functions/fire-timers.ts, every minute in AWS; the local stack's scheduler on its
 * clock): every timer due by now is fired, then deleted. Firing re-reads what the timer is about and
 * acts only if it still applies, once; a timer that fails stays and is fired again by the next
 * sweep. Timers are independent, so one that keeps failing holds up no other.
 */
import type { Timer } from '../domain/timers.ts';
import { logger } from '../observability/logger.ts';
import type { Store } from '../store/store.ts';
import type { TimerStore } from '../store/timers.ts';
import { noteLinkExpired, noteLinkExpiring } from './link-ends.ts';
import { fireMembershipTimer } from './membership-end.ts';

export interface SweepDeps {
  store: Store;
  timers: TimerStore;
  now: () => Date;
}

/** How many timers one sweep fires at most; the rest wait for the next (a minute later), oldest first. */
export const SWEEP_LIMIT = 800;
/** How many are fired at once. */
const IN_PARALLEL = 16;

export interface SweepResult {
  fired: number;
  failed: number;
}

export async function fireTimer(deps: SweepDeps, timer: Timer): Promise<unknown> {
  switch (timer.kind) {
    case 'link-expiring':
      return noteLinkExpiring(deps, timer.linkId, timer.domainId);
    case 'link-expired':
      return noteLinkExpired(deps, timer.linkId, timer.domainId);
    case 'membership-ending':
    case 'membership-ended':
      return fireMembershipTimer(deps, timer);
  }
}

export async function sweepTimers(deps: SweepDeps): Promise<SweepResult> {
  const due = await deps.timers.due(deps.now(), SWEEP_LIMIT);
  const result: SweepResult = { fired: 0, failed: 0 };
  for (let start = 0; start < due.length; start += IN_PARALLEL) {
    await Promise.all(
      due.slice(start, start + IN_PARALLEL).map(async ({ timer, key }) => {
        try {
          const outcome = await fireTimer(deps, timer);
          await deps.timers.done(key);
          result.fired += 1;
          logger.info('timer fired', { kind: timer.kind, dueAt: timer.dueAt, domainId: timer.domainId, outcome: typeof outcome === 'string' ? outcome : undefined });
        } catch (error) {
          result.failed += 1;
          logger.warn('a timer failed; the next sweep fires it again', { kind: timer.kind, dueAt: timer.dueAt, domainId: timer.domainId, error: error as Error });
        }
      }),
    );
  }
  return result;
}

/**
 * Scheduled (EventBridge Scheduler, every minute; the local stack's scheduler on its own clock):
 * fires every timer due by now (shared/service/timers.ts). A failed timer stays for the next sweep;
 * the sweep as a whole fails only when it cannot read its timers.
 */
import type { Context } from 'aws-lambda';
import { now } from '#shared/clock.ts';
import { count } from '#shared/observability/metrics.ts';
import { METRIC } from '#shared/observability/names.ts';
import { watchedHandler } from '#shared/observability/watch.ts';
import { sweepTimers, type SweepResult } from '#shared/service/timers.ts';
import { store, timerStore } from '#shared/store/dynamodb/index.ts';
import { TIMER_SWEEP } from '#shared/timer-sweep.ts';

const deps = { store, timers: timerStore(), now };

export const handler = watchedHandler(TIMER_SWEEP.name, async (_event: unknown, _context: Context): Promise<SweepResult> => {
  const result = await sweepTimers(deps);
  count(METRIC.timersFired, result.fired);
  count(METRIC.timersFailed, result.failed);
  return result;
});

/**
 * The local stand-in for EventBridge Scheduler's schedule of the timer sweep (shared/timer-sweep.ts):
 * it invokes functions/fire-timers.ts as that function (IAM emulation) again and again, one run at
 * a time, each `everyMs` of real time after the last ended. The sweep reads the service's clock
 * (shared/clock.ts), so a test that moves the clock on sees its timers fire at the next run
 * without waiting for the real time to pass; in AWS a run comes every minute.
 */
import { TIMER_SWEEP } from '#shared/timer-sweep.ts';
import type { SweepResult } from '#shared/service/timers.ts';
import { NO_IAM, type IamEmulation } from './iam/emulation.ts';

export interface LocalScheduler {
  /** Runs the sweep now (after the run under way, if any), as a scheduled run would. */
  runNow(): Promise<SweepResult>;
  stop(): Promise<void>;
}

type SweepHandler = (event: unknown) => Promise<SweepResult>;

export async function startScheduler(options: { iam?: IamEmulation; everyMs?: number; handler?: SweepHandler } = {}): Promise<LocalScheduler> {
  const iam = options.iam ?? NO_IAM;
  const everyMs = options.everyMs ?? 1000;
  const handler: SweepHandler = options.handler ?? ((await import(`../functions/${TIMER_SWEEP.name}.ts`)) as { handler: SweepHandler }).handler;
  const event = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };
  let running: Promise<SweepResult | undefined> = Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const run = (): Promise<SweepResult> => {
    const next = running.catch(() => undefined).then(() => iam.asFunction(TIMER_SWEEP.name, () => handler(event)));
    running = next.catch((error: unknown) => {
      // As in AWS, a failed run is logged and the next one fires what is still due.
      console.error(`[${TIMER_SWEEP.name}] the sweep failed: ${(error as Error).message}`);
      return undefined;
    });
    return next;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void running.then(() => run().catch(() => undefined)).finally(schedule), everyMs);
    timer.unref();
  };
  schedule();

  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

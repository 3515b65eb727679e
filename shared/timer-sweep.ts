/**
 * The timer sweep, described once: the CDK (its function, a schedule every minute, its alarm), the
 * local stack (its scheduler) and the IAM emulation read it. Its code is functions/fire-timers.ts;
 * timers are explained in shared/domain/timers.ts and docs/timers.md. Importing this module needs
 * no environment variable.
 */
import type { TableAction } from './contract/operations.ts';

export const TIMER_SWEEP = {
  name: 'fire-timers',
  description: 'invite-links: fires the timers due (a link\'s warning a day before its end and its end, a membership\'s end and the warning before it), every minute',
  /** EventBridge Scheduler runs it this often: a timer fires at most this long (and one sweep) after its time. */
  everyMinutes: 1,
  /** Less than the minute between sweeps, so two rarely overlap (firing twice changes nothing if they do). */
  functionTimeoutSeconds: 50,
  // It reads each timer partition up to now (Query) and deletes a timer once fired; a link's timer reads the link, its domain
  // and its counters (BatchGetItem) and notes it once (a transaction: UpdateItem on the link, PutItem of the entry and the
  // creator's email); a membership's timer reads the membership and removes it as an admin's removal does (shared/service/membership-end.ts).
  tableActions: ['Query', 'BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'] as readonly TableAction[],
  alarms: {
    errors: 'The timer sweep failed as a whole: link warnings, expiry events and membership ends are late until it runs again.',
    failedTimers: 'Timers keep failing to fire: a link warning, an expiry event or a membership end is late (the sweep retries every minute; see its logs).',
  },
} as const;

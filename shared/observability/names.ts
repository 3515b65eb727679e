/**
 * What the service's metrics are called and where they live, in one place: the functions emit them
 * (EMF, through Powertools Metrics), the local stack serves them, the dashboard and alarms read them.
 */

/** The `service` of every log line, trace and metric. */
export const SERVICE_NAME = 'invite-links';
export const NAMESPACE = 'InviteLinks';

/**
 * Every metric carries `service` (Powertools adds it) and `function` (the file under functions/,
 * which for an API function is its operation); `Problems` carries `code` as well.
 */
export const DIMENSIONS = { service: 'service', function: 'function', code: 'code' } as const;

export const METRIC = {
  /** Every invocation of an API function. */
  requests: 'Requests',
  /** Every problem+json answer a function made, by its `code` (BUSY and INTERNAL included). */
  problems: 'Problems',
  /** Answers with a 5xx status: INTERNAL (a handler failed) and BUSY (conflicts outlasted the retries). */
  serverErrors: 'ServerErrors',
  /** Joins committed. */
  joins: 'Joins',
  /** Writes cancelled because another transaction held one of their items. */
  conflicts: 'Conflicts',
  /** Conflicted writes tried again (the ones not tried again answered BUSY). */
  conflictRetries: 'ConflictRetries',
  /** Emails SES accepted, and attempts that failed (each retry of a record counts). */
  emailsSent: 'EmailsSent',
  emailsFailed: 'EmailsFailed',
  /** Events EventBridge accepted, and attempts that failed (each retry of a record counts). */
  eventsPublished: 'EventsPublished',
  eventsFailed: 'EventsFailed',
  /** Timers fired by the sweep, and fired timers that failed (each is fired again by the next sweep). */
  timersFired: 'TimersFired',
  timersFailed: 'TimersFailed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

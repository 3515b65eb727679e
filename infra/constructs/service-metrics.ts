/**
 * The service's own metrics as CloudWatch holds them: what the functions count through Powertools
 * Metrics (shared/observability/names.ts), as graphs for the dashboard and as the share of joins
 * answering BUSY that an alarm watches.
 */
import type { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { OperationName } from '#shared/contract/operations.ts';
import { PROBLEMS } from '#shared/contract/problems.ts';
import { DIMENSIONS, METRIC, NAMESPACE, SERVICE_NAME, type MetricName } from '#shared/observability/names.ts';
import { STREAM_CONSUMERS } from '#shared/streams/consumers.ts';
import { TIMER_SWEEP } from '#shared/timer-sweep.ts';

const JOIN: OperationName = 'join';

/** Powertools' own: one per on-demand instance started, with the Lambda function's name as a further dimension. */
const COLD_START = { metric: 'ColdStart', dimension: 'function_name' } as const;

export function serviceMetrics(period: Duration) {
  const seconds = period.toSeconds();
  /** One metric of one function, summed over the period. */
  const of = (metricName: MetricName, fn: string, label: string, extra: Record<string, string> = {}) =>
    new Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { [DIMENSIONS.service]: SERVICE_NAME, [DIMENSIONS.function]: fn, ...extra }, statistic: 'Sum', period, label });
  /** One line per function (and code) that has reported the metric: new functions and codes appear without a deploy. */
  const search = (metricName: string, dimensions: readonly string[], label: string): IMetric =>
    new MathExpression({
      expression: `SEARCH('{${NAMESPACE},${[DIMENSIONS.service, ...dimensions].sort().join(',')}} ${DIMENSIONS.service}="${SERVICE_NAME}" MetricName="${metricName}"', 'Sum', ${seconds})`,
      usingMetrics: {},
      period,
      label,
    });
  const byFunction = `\${PROP('Dim.${DIMENSIONS.function}')}`;
  const busy = of(METRIC.problems, JOIN, 'BUSY', { [DIMENSIONS.code]: PROBLEMS.Busy.code });
  const joinRequests = of(METRIC.requests, JOIN, 'join requests');
  const { notifier, eventsFeed } = STREAM_CONSUMERS;

  return {
    /** Graphs, each a title and its lines. */
    graphs: {
      'Requests by function': [search(METRIC.requests, [DIMENSIONS.function], byFunction)],
      'Problems by function and code': [search(METRIC.problems, [DIMENSIONS.function, DIMENSIONS.code], `${byFunction} \${PROP('Dim.${DIMENSIONS.code}')}`)],
      '5xx answers by function': [search(METRIC.serverErrors, [DIMENSIONS.function], byFunction)],
      'Joins and BUSY answers': [of(METRIC.joins, JOIN, 'joins'), busy],
      'Conflicts and retries': [
        search(METRIC.conflicts, [DIMENSIONS.function], `${byFunction} conflicts`),
        search(METRIC.conflictRetries, [DIMENSIONS.function], `${byFunction} retries`),
      ],
      'Cold starts': [search(COLD_START.metric, [DIMENSIONS.function, COLD_START.dimension], byFunction)],
      'Emails': [of(METRIC.emailsSent, notifier.name, 'sent'), of(METRIC.emailsFailed, notifier.name, 'failed attempts')],
      'Events': [of(METRIC.eventsPublished, eventsFeed.name, 'published'), of(METRIC.eventsFailed, eventsFeed.name, 'failed attempts')],
      'Timers': [of(METRIC.timersFired, TIMER_SWEEP.name, 'fired'), of(METRIC.timersFailed, TIMER_SWEEP.name, 'failed (fired again next minute)')],
    } satisfies Record<string, IMetric[]>,
    /** Percent of joins answered 503 BUSY in the period; 0 while fewer than `minJoins` came, so one unlucky join pages nobody. */
    busyJoinsPercent: (minJoins: number) =>
      new MathExpression({
        expression: `IF(joins >= ${minJoins}, 100 * FILL(busy, 0) / joins, 0)`,
        usingMetrics: { joins: joinRequests, busy },
        period,
        label: 'joins answered BUSY (%)',
      }),
  };
}

/**
 * Powertools Metrics, one instance per function, made on its first use: in Lambda the one of its
 * process; the local stack runs every function in one process, so each keeps its own. count() adds
 * to the metrics of the invocation in progress from anywhere below its handler (the store's retry
 * loops, a consumer's record handler).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';
import { DIMENSIONS, METRIC, NAMESPACE, SERVICE_NAME, type MetricName } from './names.ts';

const byFunction = new Map<string, Metrics>();
const invocation = new AsyncLocalStorage<Metrics>();

/** The metrics of the function `name` (its file under functions/). */
export function metricsOf(name: string): Metrics {
  let metrics = byFunction.get(name);
  if (!metrics) {
    metrics = new Metrics({ namespace: NAMESPACE, serviceName: SERVICE_NAME, defaultDimensions: { [DIMENSIONS.function]: name }, logger });
    byFunction.set(name, metrics);
  }
  return metrics;
}

/** Runs an invocation's work with `metrics` as where count() adds. */
export const countingInto = <T>(metrics: Metrics, work: () => T): T => invocation.run(metrics, work);

/** One more `name` in the invocation in progress; outside one (the local stack's own writes, the bench, scripts) nothing. */
export function count(name: MetricName, value = 1): void {
  const metrics = invocation.getStore();
  if (metrics) countIn(metrics, name, value);
}

export const countIn = (metrics: Metrics, name: MetricName, value = 1): void => void metrics.addMetric(name, MetricUnit.Count, value);

/** A problem+json answer: counted by its code (a record of its own, for the extra dimension), and as a 5xx. */
export function countProblem(problem: { status: number; code: string }, metrics = invocation.getStore()): void {
  if (!metrics) return;
  const byCode = metrics.singleMetric();
  byCode.addDimension(DIMENSIONS.code, problem.code);
  countIn(byCode, METRIC.problems);
  if (problem.status >= 500) countIn(metrics, METRIC.serverErrors);
}

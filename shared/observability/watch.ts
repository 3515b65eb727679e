/**
 * What every function wears, the way Powertools has it: the logger told of each invocation (cold
 * start, request id), the handler traced, and its metrics flushed as EMF when the invocation ends.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { countingInto, metricsOf } from './metrics.ts';
import { tracer } from './tracer.ts';

/** The middlewares that watch the function `name` (its file under functions/), outermost first, and its metrics. */
export function watching(name: string) {
  const metrics = metricsOf(name);
  const middlewares: middy.MiddlewareObj[] = [
    injectLambdaContext(logger, { resetKeys: true }),
    // Answers carry links and people's details: a trace keeps their timing, not their bodies.
    captureLambdaHandler(tracer, { captureResponse: false }),
    logMetrics(metrics, { captureColdStartMetric: true }),
  ];
  return { metrics, middlewares };
}

/** A function that is not an API operation (a stream consumer), watched the same way; count() inside it counts into its metrics. */
export function watchedHandler<E, R>(name: string, handler: (event: E, context: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  const { metrics, middlewares } = watching(name);
  const watched = middy<E, R, Error, Context>()
    .use(middlewares)
    .handler((event, context) => countingInto(metrics, () => handler(event, context)));
  // The local stream reader and tests invoke it without a context; middy gives it an empty one.
  return (event, context) => watched(event, context as Context);
}

/**
 * One Powertools Tracer per instance. Lambda's active tracing hands it the invocation's segment;
 * outside Lambda (the local stack, tests, the bench) Powertools leaves it off.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './names.ts';

// The SDK clients are traced one by one (traced below): patching node:http as well would trace each call twice.
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

/** An AWS SDK client whose every call is a subsegment (service, operation, table, retries) while tracing is on. */
export const traced = <C>(client: C): C => tracer.captureAWSv3Client(client);

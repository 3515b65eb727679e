/** One KMS client per cold start, traced. Endpoint and region come from the standard AWS env. */
import { KMSClient } from '@aws-sdk/client-kms';
import { traced } from '../../observability/tracer.ts';

export const kms = traced(new KMSClient({}));

/** The one error mapping: every thrown error becomes an RFC 9457 problem+json response here. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ServiceError } from '../domain/errors.ts';
import { INTERNAL, PROBLEM_CONTENT_TYPE, problemOf } from '../contract/problems.ts';

export function problemResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  const problem = error instanceof ServiceError ? problemOf(error) : INTERNAL;
  const retryAfter = error instanceof ServiceError ? error.retryAfterSeconds : undefined;
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) },
    body: JSON.stringify(problem),
  };
}

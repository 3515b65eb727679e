/** The one error mapping: every thrown error becomes an RFC 9457 problem+json response here. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ServiceError } from '../domain/errors.ts';
import { INTERNAL, PROBLEM_CONTENT_TYPE, problemOf, type Problem } from '../contract/problems.ts';

/** The problem an error answers with: a ServiceError's own, INTERNAL for anything else. */
export const problemFor = (error: unknown): Problem => (error instanceof ServiceError ? problemOf(error) : INTERNAL);

export function problemResponse(error: unknown, problem = problemFor(error)): APIGatewayProxyStructuredResultV2 {
  const retryAfter = error instanceof ServiceError ? error.retryAfterSeconds : undefined;
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) },
    body: JSON.stringify(problem),
  };
}

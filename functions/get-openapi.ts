/**
 * GET /v1/openapi.json: the API's OpenAPI 3.1 document, generated from the operation table (npm run
 * openapi). Deliberately not built on operationHandler: the middy stack and every operation's
 * schemas would be three quarters of this function's cold start, for a request with no input. It
 * keeps what that stack gives every response: the origin check first, the same security headers,
 * problem+json on refusal (test/integration/api-document.test.ts holds it to the other routes), and
 * it is watched and counted as every function is.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import document from '../docs/openapi.json' with { type: 'json' };
import { notThroughCloudFront, originCheck } from '#shared/http/origin-verify.ts';
import { problemFor, problemResponse } from '#shared/http/problem.ts';
import { SECURITY_HEADERS } from '#shared/http/security-headers.ts';
import type { OPERATIONS, OperationName } from '#shared/contract/operations.ts';
import { count, countProblem } from '#shared/observability/metrics.ts';
import { METRIC } from '#shared/observability/names.ts';
import { watchedHandler } from '#shared/observability/watch.ts';

/** The operation's name and status, from the table (a type-only import: the table's schemas stay out of the bundle). */
const NAME: OperationName = 'get-openapi';
const STATUS: (typeof OPERATIONS)[typeof NAME]['status'] = 200;

/** As operationHandler checks it: with a secret configured, the request must carry it, and the secret goes no further. */
const cameThroughCloudFront = originCheck();
/** The answer's body, the same for every request: made while the instance starts, not in its first request. */
const body = JSON.stringify(document);

export const handler = watchedHandler(NAME, async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  count(METRIC.requests);
  if (!cameThroughCloudFront(event.headers)) {
    const error = notThroughCloudFront();
    const problem = problemFor(error);
    countProblem(problem);
    const refused = problemResponse(error, problem);
    return { ...refused, headers: { ...refused.headers, ...SECURITY_HEADERS } };
  }
  return { statusCode: STATUS, headers: { 'cache-control': 'no-store', 'content-type': 'application/json', ...SECURITY_HEADERS }, body };
});

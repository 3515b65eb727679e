/**
 * The middy stack every API handler shares: watched as every function is (shared/observability/watch.ts)
 * and counted (requests, and every problem+json answer by its code), headers normalised, security
 * headers, one error handler, then input parsed and validated against its operation's zod schemas (shared/contract/operations.ts).
 * Handlers receive typed input and return the success body their operation describes; the status
 * comes from the operation, or from `answer(status, body)` for another success it documents
 * (`alsoAnswers`). They never build responses or error bodies.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { API_ANSWER_EARLY_MS, MAX_BODY_BYTES } from '../config.ts';
import { busy, invalidRequest, ServiceError, timedOut, unauthenticated } from '../domain/errors.ts';
import { isThrottled } from '../store/dynamodb/conflicts.ts';
import { OPERATIONS, routeKey, type Operation } from '../contract/operations.ts';
import type { RESPONSES } from '../contract/response-schemas.ts';
import { duplicateKey, isJsonContentType } from './json-body.ts';
import { notThroughCloudFront, originCheck } from './origin-verify.ts';
import { logger } from '../observability/logger.ts';
import { countIn, countingInto, countProblem } from '../observability/metrics.ts';
import { METRIC } from '../observability/names.ts';
import { watching } from '../observability/watch.ts';
import { problemFor, problemResponse } from './problem.ts';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

type Schema = z.ZodMiniType;
export type Claims = Readonly<Record<string, string | undefined>>;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface ApiRequest<B, P, Q> {
  body: Out<B>;
  params: Out<P>;
  query: Out<Q>;
  /** The signed-in user's id (the token's `sub`); empty on public routes. */
  callerId: string;
  /** The token's claims as the JWT authorizer passes them: every value a string. Empty on public routes. */
  claims: Claims;
  event: ApiEvent;
}

type Field<O, K extends string> = O extends { [P in K]: infer S } ? S : undefined;
/** What the handler of operation O receives, and what it returns (its success body; nothing for a 204). */
export type RequestOf<O> = ApiRequest<Field<O, 'body'>, Field<O, 'params'>, Field<O, 'query'>>;
type BodyOf<N> = N extends keyof typeof RESPONSES ? z.input<(typeof RESPONSES)[N]> : undefined;
export type ResponseOf<O> = (O extends { response: infer N extends keyof typeof RESPONSES } ? z.input<(typeof RESPONSES)[N]> : void) | OtherAnswer<O>;

const ANSWER = Symbol('another success');
/** One of the other successes an operation documents (`alsoAnswers`), in place of its usual one. */
export interface Answer<S extends number = number, B = unknown> {
  [ANSWER]: true;
  status: S;
  body: B;
}
type OtherAnswer<O> = O extends { alsoAnswers: readonly (infer A)[] } ? (A extends { status: infer S extends number } ? Answer<S, BodyOf<A extends { response: infer N } ? N : undefined>> : never) : never;

/** Answers with another success the operation documents, e.g. 202 for a join waiting for approval. */
export const answer = <S extends number, B>(status: S, body: B): Answer<S, B> => ({ [ANSWER]: true, status, body });
const isAnswer = (value: unknown): value is Answer => typeof value === 'object' && value !== null && ANSWER in value;

export function operationHandler<O extends Operation>(operation: O, handle: (request: RequestOf<O>) => Promise<ResponseOf<O>>) {
  const { auth, status } = operation;
  // The operation's own schemas are built while the instance starts rather than on its first request
  // (each is z.lazy: the rest of the API's are never built here). Parsing nothing builds one and its parser's tables.
  for (const schema of [operation.params, operation.query, operation.body]) schema?.safeParse(undefined);
  const { metrics, middlewares } = watching(nameOf(operation));
  return middy<ApiEvent, ApiResult, Error, Context>({ timeoutEarlyInMillis: API_ANSWER_EARLY_MS.function })
    .use(middlewares)
    .use({ before: () => countIn(metrics, METRIC.requests) })
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use({ onError: (request) => toProblem(request, metrics) })
    .use({ before: ({ event }) => assertCameThroughCloudFront(event) })
    .handler((event) => countingInto(metrics, async () => {
      const request = {
        callerId: auth === 'jwt' ? callerOf(event) : '',
        claims: auth === 'jwt' ? claimsOf(event) : {},
        params: validate(operation.params, event.pathParameters ?? {}, 'path'),
        query: validate(operation.query, event.queryStringParameters, 'query'),
        body: validate(operation.body, parseBody(event, operation.body !== undefined), 'body'),
        event,
      } as RequestOf<O>;
      const returned = await handle(request);
      const { status: answered, body } = isAnswer(returned) ? returned : { status, body: returned };
      if (answered !== status && !operation.alsoAnswers?.some((other) => other.status === answered)) throw new Error(`answered ${answered}, which the operation does not document`);
      const result: ApiResult = {
        statusCode: answered,
        headers: { 'cache-control': 'no-store', ...(answered === 204 ? {} : { 'content-type': 'application/json' }) },
        body: answered === 204 || body === undefined ? '' : JSON.stringify(body),
      };
      return result;
    }));
}

/** The operation's name in the table: its function's file under functions/, which its metrics are dimensioned by. */
const nameOf = (operation: Operation): string => Object.entries(OPERATIONS).find(([, entry]) => entry === operation)?.[0] ?? routeKey(operation);

/** Every error becomes its problem+json answer here, counted by its code. */
function toProblem(request: middy.Request<ApiEvent, ApiResult, Error, Context>, metrics: Metrics): void {
  const { context, event } = request;
  // middy's early timeout (just before Lambda's own): 503, not 500; the work may have been done.
  const timeout = request.error?.name === 'TimeoutError';
  if (timeout) logger.warn('the function ran out of time; answered 503 BUSY', { requestId: context.awsRequestId, routeKey: event.routeKey });
  // DynamoDB throttled past the SDK's retries: nothing was written, try again (503 BUSY, Retry-After), not 500.
  const error = timeout ? timedOut() : isThrottled(request.error) ? busy(2) : request.error;
  if (!(error instanceof ServiceError)) logger.error('request failed', { error: error ?? undefined, requestId: context.awsRequestId, routeKey: event.routeKey });
  const problem = problemFor(error);
  countProblem(problem, metrics);
  request.response = problemResponse(error, problem);
}

function callerOf(event: ApiEvent): string {
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated();
  return sub;
}

const cameThroughCloudFront = originCheck();

/** First of all: a request that bypassed CloudFront (straight to execute-api) is refused, and the secret goes no further. */
function assertCameThroughCloudFront(event: ApiEvent): void {
  if (!cameThroughCloudFront(event.headers)) throw notThroughCloudFront();
}

/** API Gateway hands claims over as strings ("true", "1700000000"); anything else is normalised the same way. */
function claimsOf(event: ApiEvent): Claims {
  const raw = event.requestContext.authorizer?.jwt?.claims ?? {};
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]));
}

function parseBody(event: ApiEvent, expectsBody: boolean): unknown {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw invalidRequest('body', `must be at most ${MAX_BODY_BYTES} bytes`);
  if (raw.trim() === '') return undefined;
  if (!expectsBody) throw invalidRequest('body', 'must be empty for this request');
  if (!isJsonContentType(event.headers['content-type'] ?? '')) {
    throw invalidRequest('body', 'must be JSON sent with Content-Type: application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as unknown;
  } catch {
    throw invalidRequest('body', 'is not valid JSON');
  }
  const repeated = duplicateKey(raw);
  if (repeated !== undefined) throw invalidRequest('body', `names "${repeated.slice(0, 40)}" twice in one object`);
  return parsed;
}

/** Validates one part of the request; the first problem found names its field. */
function validate(schema: Schema | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.length === 0 ? part : fieldName(path);
  const message = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  throw invalidRequest(field, message);
}

function fieldName(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

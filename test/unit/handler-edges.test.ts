/** A handler's edges: what a caller sees when DynamoDB itself fails, and the successes an operation may answer with. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { successResponses } from '../../shared/contract/openapi.ts';
import type { Operation } from '../../shared/contract/operations.ts';
import { answer, operationHandler } from '../../shared/http/handler.ts';

const ddb = mockClient(DynamoDBDocumentClient);
let join: (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;

beforeAll(async () => {
  process.env.TABLE_NAME = 'invite-links';
  process.env.AWS_REGION = 'us-east-1';
  process.env.PUBLIC_BASE_URL = 'https://links.example.test';
  join = (await import('../../functions/join.ts')).handler as never;
});

const event = (body: unknown) =>
  ({
    version: '2.0',
    routeKey: 'POST /v1/join',
    rawPath: '/v1/join',
    rawQueryString: '',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST', path: '/v1/join' },
      requestId: 'r',
      // As API Gateway's JWT authorizer passes them: strings.
      authorizer: { jwt: { claims: { sub: 'sub-pat', email: 'pat@example.test', email_verified: 'true', given_name: 'Pat', family_name: 'Doe' }, scopes: null } },
    },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const context = { functionName: 'join', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const token = 'T'.repeat(43);

describe('when DynamoDB fails', () => {
  it('the caller gets a 500 problem+json that leaks nothing, and the error is logged', async () => {
    const logged = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    ddb.on(BatchGetCommand).rejects(new Error('internal: table arn:aws:dynamodb:secret-detail'));
    const res = await join(event({ token }), context);
    expect(res.statusCode).toBe(500);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.body).not.toContain('secret-detail');
    expect(JSON.parse(res.body!)).toMatchObject({ status: 500, code: 'INTERNAL' });
    logged.mockRestore();
  });

  it('a handler that runs out of its time answers 503 BUSY with Retry-After, not 500: what it did may have been done', async () => {
    ddb.reset();
    const logged = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    // DynamoDB never answers; the function has 300 ms left, and middy answers API_ANSWER_EARLY_MS.function before they run out.
    ddb.on(BatchGetCommand).callsFake(() => new Promise(() => {}));
    const res = await join(event({ token }), { ...context, getRemainingTimeInMillis: () => 300 } as Context);
    logged.mockRestore();
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!)).toMatchObject({ status: 503, code: 'BUSY' });
    expect(res.headers?.['retry-after'] ?? res.headers?.['Retry-After']).toBe('2');
  });

  it('DynamoDB throttling past the SDK\'s retries answers 503 BUSY with Retry-After, not 500: nothing was written', async () => {
    ddb.reset();
    const logged = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    ddb.on(BatchGetCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity for one or more global secondary indexes.'), { name: 'ThrottlingException' }));
    const res = await join(event({ token }), context);
    logged.mockRestore();
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!)).toMatchObject({ status: 503, code: 'BUSY' });
  });

  it('validation still answers 400 without touching DynamoDB', async () => {
    ddb.reset();
    const res = await join(event({ token, firstName: '' }), context);
    expect(res.statusCode).toBe(400);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('responses carry security headers', async () => {
    const res = await join(event({ token: 'short' }), context);
    const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  });
});

describe('what is logged', () => {
  it('never contains the token', async () => {
    const lines: string[] = [];
    // The logger writes to the process streams through its own Console; capture both.
    const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
    ddb.on(BatchGetCommand).rejects(new Error('boom'));
    await join(event({ token }), context);
    spies.forEach((s) => s.mockRestore());
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(token);
  });
});

describe('an operation with more than one success', () => {
  const operation = {
    method: 'POST', path: '/v1/example', auth: 'jwt', status: 201, summary: 'Made', who: 'Anyone', response: 'joined', errors: [], tableActions: [],
    alsoAnswers: [{ status: 202, response: 'joined', when: 'Waiting for approval' }],
  } as const satisfies Operation;

  it('answers its usual status, or another one it documents, and never one it does not', async () => {
    const joined = { userId: 'u', domainId: 'd', email: 'e@example.test', userType: 'STANDARD' as const, teamIds: [], roleGroupIds: [], groupIds: [] };
    const made = operationHandler(operation, async () => joined);
    const waiting = operationHandler(operation, async () => answer(202, joined));
    const undocumented = operationHandler(operation, async () => answer(200 as 202, joined));
    expect((await made(event(undefined), context)).statusCode).toBe(201);
    const pending = await waiting(event(undefined), context);
    expect([pending.statusCode, JSON.parse(pending.body!)]).toEqual([202, joined]);
    const logged = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect((await undocumented(event(undefined), context)).statusCode).toBe(500);
    logged.mockRestore();
  });

  it('documents each of them in the API document', () => {
    expect(Object.keys(successResponses(operation))).toEqual(['201', '202']);
    expect(successResponses(operation)['202']).toMatchObject({ description: 'Waiting for approval', content: { 'application/json': { schema: expect.any(Object) } } });
  });
});

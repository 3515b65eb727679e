/** The security headers written out for get-openapi, which answers without the middy stack, are the ones that stack adds to every other answer. */
import { describe, expect, it } from 'vitest';
import middy from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { Operation } from '../../shared/contract/operations.ts';
import { operationHandler } from '../../shared/http/handler.ts';
import { SECURITY_HEADERS } from '../../shared/http/security-headers.ts';

const context = { functionName: 'example', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

describe('the security headers every API answer carries', () => {
  it('are exactly those @middy/http-security-headers adds with its defaults', async () => {
    const handler = middy().use(httpSecurityHeaders()).handler(async () => ({ statusCode: 200, headers: {}, body: '' }));
    const { headers } = await handler({}, context);
    expect(headers).toEqual(SECURITY_HEADERS);
  });

  it('are all an operation on the shared handler stack adds to its own headers', async () => {
    const operation = {
      method: 'GET', path: '/v1/example', auth: 'public', status: 204, summary: 'Nothing', who: 'Anyone', errors: [], tableActions: [],
    } as const satisfies Operation;
    const event = {
      version: '2.0', routeKey: 'GET /v1/example', rawPath: '/v1/example', rawQueryString: '', headers: {}, isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/v1/example' }, requestId: 'r' },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    const answered = await operationHandler(operation, async () => undefined)(event, context);
    expect(answered.statusCode).toBe(204);
    expect(answered.headers).toEqual({ 'cache-control': 'no-store', ...SECURITY_HEADERS });
  });
});

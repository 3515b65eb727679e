/** In AWS the API answers only requests that came through CloudFront, which adds a secret header. */
import { beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';

const SECRET = 's3cret-from-the-deploy-0123456789';
const ddb = mockClient(DynamoDBDocumentClient);
let getMe: (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<{ statusCode?: number; body?: string }>;

beforeAll(async () => {
  Object.assign(process.env, { TABLE_NAME: 'invite-links', AWS_REGION: 'us-east-1', ORIGIN_VERIFY_SECRET: SECRET });
  getMe = (await import('../../functions/get-me.ts')).handler as never;
  ddb.on(QueryCommand).resolves({ Items: [] });
});

const event = (headers: Record<string, string>) =>
  ({
    version: '2.0',
    routeKey: 'GET /v1/me',
    rawPath: '/v1/me',
    headers,
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: '/v1/me' }, requestId: 'r', authorizer: { jwt: { claims: { sub: 'u1', email: 'a@example.test', email_verified: 'true' }, scopes: null } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const context = { functionName: 'get-me', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

describe('the origin header', () => {
  it('lets a request from CloudFront through', async () => {
    expect((await getMe(event({ 'X-Origin-Verify': SECRET }), context)).statusCode).toBe(200);
  });

  it.each([['missing', {}], ['wrong', { 'x-origin-verify': 'guess' }], ['longer', { 'x-origin-verify': `${SECRET}x` }]])('refuses a request with the header %s (403), reading nothing', async (_case, headers) => {
    ddb.resetHistory();
    const res = await getMe(event(headers), context);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body!)).toMatchObject({ code: 'FORBIDDEN' });
    expect(res.body).not.toContain(SECRET);
    expect(ddb.calls()).toHaveLength(0);
  });
});

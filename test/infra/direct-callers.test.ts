/**
 * What a caller of the execute-api endpoint itself can reach, read from synthesized templates: every
 * route behind an authorizer (the JWT one, or the origin check, run here on its own code), no API
 * Gateway throttle to spend while a web ACL is in front, and the ceilings for all clients together
 * in that web ACL, which counts only what comes through CloudFront. Bundling is skipped.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY, ROUTE_CEILING } from '../../infra/constructs/api.ts';
import { ORIGIN_CHECK_CACHE, ORIGIN_CHECK_CODE } from '../../infra/constructs/origin-check.ts';
import { CEILINGS } from '../../infra/constructs/web-acl.ts';
import { InviteLinksStack } from '../../infra/invite-links-stack.ts';
import { OPERATION_LIST, PUBLIC_THROTTLE, routeKey } from '../../shared/contract/operations.ts';
import { ISSUER, synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any> };

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);
const ofType = (type: string, from = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
const originCheckAuthorizer = () => ofType('AWS::ApiGatewayV2::Authorizer').find(([, a]) => a.Properties.AuthorizerType === 'REQUEST')!;
const secretReference = () => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(s.invites.api.originVerifySecret) }, ':SecretString:::}}']] });
const samplePath = (path: string) => path.replace(/\{\w+\}/g, 'acme-studio');

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources;
});

describe('every route has an authorizer', () => {
  it('the JWT authorizer on signed-in routes, the origin check on the public ones: no route is open to any caller', () => {
    const [originCheckId] = originCheckAuthorizer();
    for (const op of OPERATION_LIST) {
      const [, route] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(op))!;
      if (op.auth === 'public') expect(route.Properties, routeKey(op)).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: originCheckId } });
      else expect(route.Properties.AuthorizationType, routeKey(op)).toBe('JWT');
    }
  });
});

describe('the origin check', () => {
  it('is a request authorizer whose identity source is CloudFront\'s header, so a request without it is refused before anything runs', () => {
    const [, authorizer] = originCheckAuthorizer();
    expect(authorizer.Properties).toMatchObject({
      IdentitySource: [`$request.header.${ORIGIN_VERIFY.header}`],
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      // API Gateway keeps each value's answer: CloudFront's own requests rarely call the function.
      AuthorizerResultTtlInSeconds: ORIGIN_CHECK_CACHE.toSeconds(),
      AuthorizerUri: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1:lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': [logicalId(s.invites.api.originCheck.function), 'Arn'] }, '/invocations']] },
    });
  });

  it('lets through the one value CloudFront sends and nothing else, compared in constant time', async () => {
    const secret = 'a'.repeat(24) + 'B'.repeat(24);
    const handlerWith = (configured: string | undefined) => {
      const module = { exports: {} as { handler: (event: unknown) => Promise<{ isAuthorized: boolean }> } };
      runInNewContext(ORIGIN_CHECK_CODE, { require: createRequire(import.meta.url), module, exports: module.exports, Buffer, process: { env: configured === undefined ? {} : { [ORIGIN_VERIFY.environment]: configured } } });
      return module.exports.handler;
    };
    const check = handlerWith(secret);
    const answer = (headers?: Record<string, string>) => check({ version: '2.0', type: 'REQUEST', headers }).then((r) => r.isAuthorized);
    expect(await answer({ [ORIGIN_VERIFY.header]: secret })).toBe(true);
    for (const given of ['', secret.slice(1), `${secret}x`, secret.replace('B', 'C'), secret.toLowerCase()]) expect(await answer({ [ORIGIN_VERIFY.header]: given }), given).toBe(false);
    expect(await answer({})).toBe(false);
    expect(await answer(undefined)).toBe(false);
    // A function that was never told the secret lets nothing through.
    for (const configured of [undefined, '']) expect((await handlerWith(configured)({ headers: { [ORIGIN_VERIFY.header]: '' } })).isAuthorized).toBe(false);
  });

  it('knows the secret by the same dynamic reference as CloudFront and the handlers: the template never holds it', () => {
    const fn = resources[logicalId(s.invites.api.originCheck.function)]!.Properties;
    expect(fn.Environment.Variables).toEqual({ [ORIGIN_VERIFY.environment]: secretReference() });
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 128, Handler: 'index.handler', LoggingConfig: { LogGroup: { Ref: logicalId(s.invites.api.originCheck.logGroup) } } });
    expect(fn.Code.ZipFile).toBe(ORIGIN_CHECK_CODE);
  });

  it('may write its own log group and nothing else, and only this API\'s authorizer may invoke it', () => {
    const role = logicalId(s.invites.api.originCheck.role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]);
    expect(statements).toEqual([{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(s.invites.api.originCheck.logGroup), 'Arn'] } }]);
    const invokers = ofType('AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(logicalId(s.invites.api.originCheck.function)));
    expect(invokers.map(([, p]) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalId(s.invites.api.originCheck.function), 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:us-east-1:123456789012:', { Ref: logicalId(s.invites.api.httpApi) }, '/authorizers/', { Ref: originCheckAuthorizer()[0] }]] },
      },
    ]);
  });
});

describe('API Gateway\'s own throttles, which count direct callers too', () => {
  it('are not set while a web ACL is in front: a direct caller has no shared ceiling to spend', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties).not.toHaveProperty('DefaultRouteSettings');
    expect(stage.Properties).not.toHaveProperty('RouteSettings');
  });

  it('hold the ceilings when no web ACL does (a stack outside us-east-1 given none): nothing else would count', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');
    const stack = new InviteLinksStack(app, 'Elsewhere', { env: { account: '123456789012', region: 'eu-west-1' }, notifyFrom: 'invites@example.com', jwtIssuer: ISSUER, jwtAudience: ['a'], webAssetDir: web });
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage', Template.fromStack(stack).toJSON().Resources)[0]!;
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: ROUTE_CEILING.rateLimit, ThrottlingBurstLimit: ROUTE_CEILING.burstLimit });
    expect(stage.Properties.RouteSettings).toEqual(
      Object.fromEntries(OPERATION_LIST.filter((op) => op.auth === 'public').map((op) => [routeKey(op), { ThrottlingRateLimit: PUBLIC_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_THROTTLE.burstLimit }])),
    );
  });
});

describe('the ceilings for all clients together, in the web ACL', () => {
  const ceiling = (name: string) => (ofType('AWS::WAFv2::WebACL')[0]![1].Properties.Rules as { Name: string; Statement: any; Action: any }[]).find((r) => r.Name === name)!;

  it('are the ceilings API Gateway had, per minute: the public routes\' and the whole API\'s', () => {
    expect(CEILINGS).toEqual({
      public: { requests: PUBLIC_THROTTLE.rateLimit * 60, windowSeconds: 60 },
      api: { requests: ROUTE_CEILING.rateLimit * 60, windowSeconds: 60 },
    });
    for (const [name, { requests, windowSeconds }] of [['CeilingPublic', CEILINGS.public], ['CeilingApi', CEILINGS.api]] as const) {
      expect(ceiling(name).Statement.RateBasedStatement, name).toMatchObject({ AggregateKeyType: 'CONSTANT', Limit: requests, EvaluationWindowSec: windowSeconds });
      expect(ceiling(name).Action.Block.CustomResponse, name).toMatchObject({ ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' });
    }
  });

  it('count the public routes and every API route respectively, nothing else', () => {
    const publicPattern = new RegExp(ceiling('CeilingPublic').Statement.RateBasedStatement.ScopeDownStatement.RegexMatchStatement.RegexString);
    for (const op of OPERATION_LIST) expect(publicPattern.test(samplePath(op.path)), routeKey(op)).toBe(op.auth === 'public');
    expect(ceiling('CeilingApi').Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/v1/' });
    expect(OPERATION_LIST.every((op) => op.path.startsWith('/v1/'))).toBe(true);
  });
});

describe('outputs', () => {
  it('ApiOriginUrl names the execute-api endpoint CloudFront sends /v1/* to, for a smoke test to call directly', () => {
    s.template.hasOutput('ApiOriginUrl', { Value: { 'Fn::Join': ['', ['https://', { Ref: logicalId(s.invites.api.httpApi) }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } });
  });
});

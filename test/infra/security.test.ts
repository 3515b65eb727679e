/**
 * What stands between the internet and the service, read from synthesized templates: one origin
 * for pages and API, the header that makes the execute-api endpoint useless on its own, the
 * refusals CloudFront answers with problem+json, the WAF web ACL (in the stack in us-east-1, in a
 * companion stack elsewhere) and pages deployed without their source maps. Bundling is skipped.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY } from '../../infra/constructs/api.ts';
import { InviteLinksWebAcl, RATE_LIMITED_PROBLEM } from '../../infra/constructs/web-acl.ts';
import { API_PATH_PATTERN, apiQueryStrings, UNCACHED_ERROR_STATUSES } from '../../infra/constructs/web.ts';
import { apiEdgeFunctionCode } from '../../infra/constructs/web/edge-functions.ts';
import { InviteLinksEdgeStack } from '../../infra/invite-links-edge-stack.ts';
import { InviteLinksStack } from '../../infra/invite-links-stack.ts';
import { ServiceError, rateLimited, unauthenticated } from '../../shared/domain/errors.ts';
import { openApiDocument } from '../../shared/contract/openapi.ts';
import { PROBLEM_CONTENT_TYPE } from '../../shared/contract/problems.ts';
import { problemResponse } from '../../shared/http/problem.ts';
import { CLIENT_LIMITS, OPERATION_LIST, routeKey } from '../../shared/contract/operations.ts';
import { buildWeb } from '../../web/build.ts';
import { ISSUER, synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any> };
type Behavior = Record<string, any>;

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const distribution = () => ofType('AWS::CloudFront::Distribution')[0]![1].Properties.DistributionConfig as Record<string, any>;
const apiBehavior = () => (distribution().CacheBehaviors as Behavior[]).find((b) => b.PathPattern === API_PATH_PATTERN)!;
const apiOrigin = () => (distribution().Origins as Behavior[]).find((o) => o.Id === apiBehavior().TargetOriginId)!;
const secretReference = () => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(s.invites.api.originVerifySecret) }, ':SecretString:::}}']] });
const violations = (nag: AwsSolutionsChecks, stack: Stack) => nag.validateScope(stack).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

/** A request the way CloudFront Functions hands it over; header names are lower case there. */
function viewerRequest(method: string, uri: string, headers: Record<string, string> = {}) {
  return { request: { method, uri, querystring: {}, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { value: v }])), cookies: {} } };
}
type EdgeAnswer = { statusCode?: number; headers: Record<string, { value: string }>; body?: { encoding: string; data: string }; uri?: string };
const edgeHandler = () => runInNewContext(`${apiEdgeFunctionCode()}; handler`) as (event: ReturnType<typeof viewerRequest>) => EdgeAnswer;
/** A concrete path for an operation's template. */
const samplePath = (path: string) => path.replace(/\{\w+\}/g, 'acme-studio');

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources;
});

describe('one origin: the API is /v1/* of the pages\' distribution', () => {
  it('sends /v1/* to the HTTP API\'s own endpoint over HTTPS (TLS 1.2), and everything else to the pages bucket', () => {
    expect(apiOrigin()).toMatchObject({
      DomainName: { 'Fn::Join': ['', [{ Ref: logicalId(s.invites.api.httpApi) }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    expect(distribution().CacheBehaviors).toHaveLength(1);
    expect(distribution().DefaultCacheBehavior.TargetOriginId).not.toBe(apiBehavior().TargetOriginId);
    expect(OPERATION_LIST.every((op) => op.path.startsWith(API_PATH_PATTERN.slice(0, -1)))).toBe(true);
  });

  it('caches nothing, takes every method and refuses plain HTTP rather than redirecting a POST', () => {
    expect(apiBehavior()).toMatchObject({
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
  });

  it('forwards Authorization the one way CloudFront allows with caching off (every viewer header but Host), no cookies, and only the query strings the operations take', () => {
    const policy = resources[apiBehavior().OriginRequestPolicyId.Ref]!.Properties.OriginRequestPolicyConfig;
    expect(policy.HeadersConfig).toEqual({ HeaderBehavior: 'allExcept', Headers: ['host'] });
    expect(policy.CookiesConfig).toEqual({ CookieBehavior: 'none' });
    expect(policy.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: apiQueryStrings() });
  });

  it('names exactly the query parameters the API document gives the operations', () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    const inQuery = Object.values(document.paths).flatMap((methods) => Object.values(methods)).flatMap((op) => op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(apiQueryStrings()).toEqual([...new Set(inQuery)].sort());
    expect(apiQueryStrings()).toEqual(expect.arrayContaining(['cursor', 'limit']));
  });
});

describe('the origin header: the execute-api endpoint alone gets nowhere', () => {
  it('is generated at deploy by Secrets Manager: the template holds no value', () => {
    expect(resources[logicalId(s.invites.api.originVerifySecret)]!.Properties).toMatchObject({
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(resources[logicalId(s.invites.api.originVerifySecret)]!.Properties).not.toHaveProperty('SecretString');
  });

  it('is added by CloudFront to every request for the API, resolved by CloudFormation, and to nothing else', () => {
    expect(apiOrigin().OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_VERIFY.header, HeaderValue: secretReference() }]);
    const pagesOrigin = (distribution().Origins as Behavior[]).find((o) => o !== apiOrigin())!;
    expect(pagesOrigin).not.toHaveProperty('OriginCustomHeaders');
  });

  it('is told to every API function, by the same reference, and to no other function', () => {
    for (const fn of Object.values(s.invites.api.functions)) {
      expect(resources[logicalId(fn.fn)]!.Properties.Environment.Variables[ORIGIN_VERIFY.environment], fn.node.id).toEqual(secretReference());
    }
    for (const fn of [s.invites.notifier.function, s.invites.eventsFeed.function]) {
      expect(resources[logicalId(fn.fn)]!.Properties.Environment.Variables, fn.node.id).not.toHaveProperty(ORIGIN_VERIFY.environment);
    }
  });
});

describe('what API Gateway would refuse with {"message": ...}, CloudFront refuses first with problem+json', () => {
  it('runs the check on every /v1/* request, before anything reaches the API', () => {
    const [id] = ofType('AWS::CloudFront::Function').find(([, f]) => f.Properties.FunctionCode === apiEdgeFunctionCode())!;
    expect(apiBehavior().FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [id, 'FunctionARN'] } }]);
    expect(resources[id]!.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(Buffer.byteLength(apiEdgeFunctionCode())).toBeLessThan(10 * 1024);
  });

  it('a request no operation matches gets the 404 NOT_FOUND the local front door gives', () => {
    const handler = edgeHandler();
    for (const [method, uri] of [['GET', '/v1/nope'], ['DELETE', '/v1/me'], ['GET', '/v1/me/'], ['OPTIONS', '/v1/join']]) {
      const answer = handler(viewerRequest(method!, uri!, { authorization: 'Bearer x' }));
      const expected = problemResponse(new ServiceError('NotFound', `No route for ${method} at this path. The operations are listed at /v1/openapi.json.`));
      expect(answer.statusCode, `${method} ${uri}`).toBe(404);
      expect(answer.body).toEqual({ encoding: 'text', data: expected.body });
      expect(answer.headers['content-type']).toEqual({ value: PROBLEM_CONTENT_TYPE });
      expect(answer.headers['cache-control']).toEqual({ value: 'no-store' });
    }
  });

  it('a signed-in operation without an Authorization header gets the handlers\' own 401 UNAUTHENTICATED', () => {
    const handler = edgeHandler();
    for (const op of OPERATION_LIST.filter((o) => o.auth === 'jwt')) {
      for (const headers of [{}, { authorization: '  ' }] as Record<string, string>[]) {
        const answer = handler(viewerRequest(op.method, samplePath(op.path), headers));
        expect(answer.statusCode, routeKey(op)).toBe(401);
        expect(answer.body).toEqual({ encoding: 'text', data: problemResponse(unauthenticated()).body });
        expect(answer.headers['www-authenticate']).toEqual({ value: 'Bearer' });
        expect(answer.headers['content-type']).toEqual({ value: PROBLEM_CONTENT_TYPE });
      }
    }
  });

  it('lets every operation through untouched when it could be served: public ones without a token, the others with one', () => {
    const handler = edgeHandler();
    for (const op of OPERATION_LIST) {
      const event = viewerRequest(op.method, samplePath(op.path), op.auth === 'jwt' ? { authorization: 'Bearer eyJ.x.y' } : {});
      expect(handler(event), routeKey(op)).toBe(event.request);
    }
  });

  it('keeps no API error for the next caller, and replaces no body: LINK_NOT_FOUND and the other specific codes reach the client', () => {
    expect(distribution().CustomErrorResponses).toEqual(UNCACHED_ERROR_STATUSES.map((status) => ({ ErrorCode: status, ErrorCachingMinTTL: 0 })));
    for (const response of distribution().CustomErrorResponses as Behavior[]) {
      expect(response).not.toHaveProperty('ResponsePagePath');
      expect(response).not.toHaveProperty('ResponseCode');
    }
  });
});

describe('the web ACL in front of everything', () => {
  let acl: Record<string, any>;
  const rule = (name: string) => (acl.Rules as Behavior[]).find((r) => r.Name === name)!;
  const rateRules = () => (acl.Rules as Behavior[]).filter((r) => r.Statement.RateBasedStatement?.AggregateKeyType === 'IP');
  const ceilings = () => (acl.Rules as Behavior[]).filter((r) => r.Statement.RateBasedStatement?.AggregateKeyType === 'CONSTANT');
  const limits = Object.entries(CLIENT_LIMITS);
  const rateRule = (limit: string) => rule(`RateLimit${limit[0]!.toUpperCase()}${limit.slice(1)}`);

  beforeAll(() => {
    acl = ofType('AWS::WAFv2::WebACL')[0]![1].Properties;
  });

  it('is a CloudFront web ACL, made by the construct in a us-east-1 stack, and attached to the distribution', () => {
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(distribution().WebACLId).toEqual({ 'Fn::GetAtt': [s.stack.getLogicalId(s.invites.webAcl!.webAcl), 'Arn'] });
  });

  it('limits each client address on the routes the operation table gives a clientLimit, as CLIENT_LIMITS says', () => {
    expect(rateRules()).toHaveLength(limits.length);
    for (const [limit, { perAddress: { requests, windowSeconds } }] of limits) {
      const statement = rateRule(limit).Statement.RateBasedStatement;
      expect(statement).toMatchObject({ AggregateKeyType: 'IP', Limit: requests, EvaluationWindowSec: windowSeconds });
      const pattern = new RegExp(statement.ScopeDownStatement.RegexMatchStatement.RegexString);
      for (const op of OPERATION_LIST) expect(pattern.test(samplePath(op.path)), `${limit}: ${routeKey(op)}`).toBe(op.clientLimit === limit);
      expect(statement.ScopeDownStatement.RegexMatchStatement.TextTransformations).toEqual([{ Priority: 0, Type: 'URL_DECODE' }]);
    }
  });

  it('limits each signed-in person joining by their bearer token, so colleagues behind one office address each have their own count', () => {
    const statement = rule('RateLimitJoinPerPerson').Statement.RateBasedStatement;
    expect(statement).toMatchObject({
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
      Limit: CLIENT_LIMITS.join.perPerson.requests,
      EvaluationWindowSec: CLIENT_LIMITS.join.perPerson.windowSeconds,
    });
    expect(new RegExp(statement.ScopeDownStatement.RegexMatchStatement.RegexString).test('/v1/join')).toBe(true);
    // An onboarding wave behind one address: hundreds of joins in ten minutes.
    expect(CLIENT_LIMITS.join.perAddress.requests).toBeGreaterThanOrEqual(300);
  });

  it('limits each signed-in person revealing links by their bearer token: a stolen session cannot empty a domain of its links quickly', () => {
    const statement = rule('RateLimitRevealPerPerson').Statement.RateBasedStatement;
    expect(statement).toMatchObject({ AggregateKeyType: 'CUSTOM_KEYS', Limit: CLIENT_LIMITS.reveal.perPerson.requests, EvaluationWindowSec: CLIENT_LIMITS.reveal.perPerson.windowSeconds });
    expect(new RegExp(statement.ScopeDownStatement.RegexMatchStatement.RegexString).test(`/v1/domains/demo-media-co/invite-links/${'A'.repeat(43)}/reveal`)).toBe(true);
    expect(pathsOf('reveal')).toEqual(['/v1/domains/{domainId}/invite-links/{linkId}/reveal']);
  });

  it('limits joining tighter than the public routes', () => {
    const rate = ({ requests, windowSeconds }: { requests: number; windowSeconds: number }) => requests / windowSeconds;
    expect(rate(CLIENT_LIMITS.join.perAddress)).toBeLessThan(rate(CLIENT_LIMITS.public.perAddress));
    expect(pathsOf('join')).toEqual(['/v1/join']);
    expect(pathsOf('public').sort()).toEqual(['/v1/join/lookup', '/v1/openapi.json']);
  });

  it('answers a client over its limit with 429, the handlers\' RATE_LIMITED problem and when to try again', () => {
    for (const [limit, { perAddress: { windowSeconds } }] of limits) {
      expect(rateRule(limit).Action.Block.CustomResponse).toEqual({
        ResponseCode: 429,
        CustomResponseBodyKey: 'rate-limited',
        ResponseHeaders: [
          { Name: 'retry-after', Value: String(windowSeconds) },
          { Name: 'cache-control', Value: 'no-store' },
        ],
      });
    }
    // WAF serves custom bodies as text/plain, text/html or application/json only.
    expect(acl.CustomResponseBodies['rate-limited']).toEqual({ ContentType: 'APPLICATION_JSON', Content: problemResponse(rateLimited()).body });
    expect(RATE_LIMITED_PROBLEM).toMatchObject({ type: 'about:blank', status: 429, title: 'Too many attempts', code: 'RATE_LIMITED' });
  });

  it('refuses known-bad addresses first, then counts per client, then applies the core and known-bad-inputs rule sets, and counts what is left against the ceilings', () => {
    const order = (acl.Rules as Behavior[]).sort((a, b) => a.Priority - b.Priority).map((r) => r.Name);
    expect(order).toEqual(['AWSManagedRulesAmazonIpReputationList', 'RateLimitPublic', 'RateLimitJoin', 'RateLimitJoinPerPerson', 'RateLimitReveal', 'RateLimitRevealPerPerson', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', ...ceilings().map((r) => r.Name)]);
    expect(ceilings().map((r) => r.Name)).toEqual(['CeilingPublic', 'CeilingApi']);
    for (const name of ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']) {
      expect(rule(name)).toMatchObject({ OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } } });
    }
  });

  it('only counts the core rule set\'s size limits, which legitimate bodies (up to 16 KiB) and cursors (up to 4 KiB) exceed', () => {
    expect(rule('AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'SizeRestrictions_QUERYSTRING', ActionToUse: { Count: {} } },
    ]);
  });

  it('reports every rule to CloudWatch with sampled requests', () => {
    for (const r of [acl, ...(acl.Rules as Behavior[])]) expect(r.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
  });

  it('cannot be made outside us-east-1', () => {
    const stack = new Stack(new App(), 'Elsewhere', { env: { region: 'eu-west-1' } });
    expect(() => new InviteLinksWebAcl(stack, 'Rules')).toThrow(/us-east-1/);
  });
});

function pathsOf(limit: string) {
  return OPERATION_LIST.filter((op) => op.clientLimit === limit).map((op) => op.path);
}

describe('a stack outside us-east-1, as infra/app.ts deploys it', () => {
  let app: App;
  let nag: AwsSolutionsChecks;
  let edge: InviteLinksEdgeStack;
  let main: InviteLinksStack;

  beforeAll(() => {
    app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    nag = new AwsSolutionsChecks(app);
    Validations.of(app).addPlugins(nag);
    const env = { account: '123456789012', region: 'eu-west-1' };
    const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');
    edge = new InviteLinksEdgeStack(app, 'InviteLinksEdge', { env });
    main = new InviteLinksStack(app, 'InviteLinks', { env, crossRegionReferences: true, webAclArn: edge.webAclArn, notifyFrom: 'invites@example.com', jwtIssuer: ISSUER, jwtAudience: ['a'], webAssetDir: web });
    app.synth();
  });

  it('gets its web ACL from a companion stack in us-east-1', () => {
    expect(edge.region).toBe('us-east-1');
    const edgeTemplate = Template.fromStack(edge);
    edgeTemplate.resourceCountIs('AWS::WAFv2::WebACL', 1);
    edgeTemplate.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    edgeTemplate.hasOutput('WebAclArn', {});
  });

  it('makes none itself, and reads the companion\'s ARN across regions into its distribution', () => {
    const template = Template.fromStack(main);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExportsReader'), Match.stringLikeRegexp('WebAcl')] } }),
    });
    expect(main.dependencies).toContain(edge);
  });

  it('has no unacknowledged cdk-nag finding in either stack', () => {
    expect(violations(nag, edge)).toEqual([]);
    expect(violations(nag, main)).toEqual([]);
  });
});

describe('source maps are not served', () => {
  const pagesWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
    for (const [path, text] of Object.entries({ 'index.html': '<!doctype html><title>test</title>', ...files })) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };

  it('the deployment leaves the maps of the pages\' code behind', () => {
    const webAssetDir = pagesWith({ 'assets/users.js': 'console.log(1);\n', 'assets/users.js.map': '{}', 'assets/api.css': 'a{}\n', 'assets/api.css.map': '{}' });
    const synthesized = synthesize({ webAssetDir });
    const outdir = (synthesized.stack.node.root as App).outdir;
    const staged = readdirSync(outdir).map((d) => join(outdir, d)).find((d) => existsSync(join(d, 'assets', 'users.js')))!;
    const deployed = readdirSync(staged, { recursive: true }).map(String).sort();
    expect(deployed).toEqual(['assets', 'assets/api.css', 'assets/users.js', 'index.html']);
  });

  it('pages whose code names its map are refused at synth: build them with `npm run build:web`', () => {
    const webAssetDir = pagesWith({ 'assets/users.js': 'console.log(1);\n//# sourceMappingURL=users.js.map\n', 'assets/users.js.map': '{}' });
    expect(() => synthesize({ webAssetDir })).toThrow(/users\.js name a source map.*npm run build:web/);
  });

  it('`npm run build:web` writes the maps beside the code but names none of them', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'invite-links-dist-'));
    await buildWeb(outDir, { sourceMaps: 'external' });
    const assets = readdirSync(join(outDir, 'assets'));
    const code = assets.filter((f) => /\.(?:js|css)$/.test(f));
    expect(code.length).toBeGreaterThan(0);
    for (const file of code) {
      expect(assets, file).toContain(`${file}.map`);
      expect(readFileSync(join(outDir, 'assets', file), 'utf8'), file).not.toMatch(/sourceMappingURL/);
    }
  });
});

describe('without a web ACL (a stack elsewhere, none given)', () => {
  it('warns at synth and acknowledges cdk-nag\'s CFR2 with why', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const nag = new AwsSolutionsChecks(app);
    Validations.of(app).addPlugins(nag);
    const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');
    const stack = new InviteLinksStack(app, 'Elsewhere', { env: { account: '123456789012', region: 'eu-west-1' }, notifyFrom: 'invites@example.com', jwtIssuer: ISSUER, jwtAudience: ['a'], webAssetDir: web });
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACL', 0);
    Annotations.fromStack(stack).hasWarning('/Elsewhere/Default/Web', Match.stringLikeRegexp('No WAF web ACL'));
    expect(violations(nag, stack)).toEqual([]);
  });
});

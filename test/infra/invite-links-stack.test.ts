/** The production stack, read from its synthesized template; its functions bundled as a deploy bundles them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App, Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/api.ts';
import { ITERATOR_AGE_ALARM_MS } from '../../infra/constructs/stream-reading.ts';
import { API_ANSWER_EARLY_MS, API_TIMEOUT_SECONDS } from '../../shared/config.ts';
import { ESBUILD_OPTIONS, REPO_ROOT, ServiceFunction } from '../../infra/constructs/service-function.ts';
import { pageRoutingCode } from '../../infra/constructs/web/edge-functions.ts';
import { OPERATION_LIST, routeKey } from '../../shared/contract/operations.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { AUDIENCE, deployedPageConfig, ISSUER, synthesize, type Synthesized } from './synth.ts';

const { filter: JOIN_RECORD_FILTER, delivery: NOTIFIER_DELIVERY, tableActions: NOTIFIER_TABLE_ACTIONS } = STREAM_CONSUMERS.notifier;

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const resolve = (value: unknown) => s.stack.resolve(value);
const authorizerOfType = (type: string) => ofType('AWS::ApiGatewayV2::Authorizer').find(([, a]) => a.Properties.AuthorizerType === type)![0];
const jwtAuthorizerId = () => authorizerOfType('JWT');
const originCheckId = () => authorizerOfType('REQUEST');

/** Every dynamodb:* action a role may perform, with the resources of each statement. */
function dynamoStatements(fn: ServiceFunction) {
  const role = logicalId(fn.role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
    .map((st) => ({ actions: [st.Action].flat(), resources: [st.Resource].flat() }))
    .filter((st) => st.actions.some((a) => a.startsWith('dynamodb:')));
}

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources;
});

describe('the table', () => {
  it('is on-demand, keyed PK/SK with the by-domain index, streams new images and expires items by TTL', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE.byDomainIndex.name,
          KeySchema: [
            { AttributeName: TABLE.byDomainIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE.byDomainIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: TABLE.streamView },
    });
  });

  it('has point-in-time recovery and deletion protection, and is retained when the stack goes', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('keeps the logical ID it had before the stack wrapped a construct, so a deployed stack updates it in place', () => {
    expect(logicalId(s.invites.table)).toBe('TableCD117FA1');
  });
});

describe('the functions', () => {
  const all = () => [...Object.values(s.invites.api.functions), s.invites.notifier.function];

  it('are one per API handler plus the notifier (and the events feed: events-feed.test.ts; the timer sweep: timer-sweep.test.ts; the origin check: direct-callers.test.ts), with the same defaults', () => {
    const ours = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Architectures?.[0] === 'arm64' && r.Properties.Runtime === 'nodejs24.x');
    const others = [s.invites.eventsFeed.function, s.invites.timerSweep.function];
    expect(ours.map(([id]) => id).sort()).toEqual([...[...all(), ...others].map((fn) => logicalId(fn.fn)), logicalId(s.invites.api.originCheck.function)].sort());
    for (const fn of all()) {
      const props = resources[logicalId(fn.fn)]!.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 1024,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
      });
      expect(props.Environment.Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'invite-links',
        PUBLIC_BASE_URL: resolve(s.invites.web.url),
      });
      // Only a function that touches the table is told its name (the API document's does not).
      const touchesTable = fn !== s.invites.api.functions['get-openapi'];
      expect(props.Environment.Variables.TABLE_NAME).toEqual(touchesTable ? { Ref: logicalId(s.invites.table) } : undefined);
      expect(props.Environment.Variables).not.toHaveProperty('INVITE_LINK_TTL_SECONDS');
      expect(resources[logicalId(fn.logGroup)]!.Properties.RetentionInDays).toBe(30);
    }
  });

  it('API functions time out within API Gateway\'s 30 s; the notifier has a minute per batch', () => {
    for (const fn of Object.values(s.invites.api.functions)) expect(resources[logicalId(fn.fn)]!.Properties.Timeout).toBe(10);
    // API Gateway stops waiting just before the function's timeout and answers 503 itself: Lambda's kill would reach the caller as a 500.
    const integrations = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(Object.keys(s.invites.api.functions).length);
    for (const integration of integrations) expect(integration.Properties.TimeoutInMillis).toBe(API_TIMEOUT_SECONDS * 1000 - API_ANSWER_EARLY_MS.gateway);
    expect(resources[logicalId(s.invites.notifier.function.fn)]!.Properties.Timeout).toBe(NOTIFIER_DELIVERY.functionTimeoutSeconds);
  });

  it('are bundled by CDK\'s esbuild as minified ESM with the AWS SDK inside, a require shim and a source map', () => {
    // One function through CDK's own bundling, in a stack of its own: each of the others goes through the same construct.
    const app = new App();
    const stack = new Stack(app, 'Bundled', { env: { account: '123456789012', region: 'us-east-1' } });
    const { fn } = new ServiceFunction(stack, 'Join', { name: 'join', description: 'join, bundled as deployed', timeout: Duration.seconds(10) });
    const dir = join(app.outdir, (fn.node.findChild('Code') as Asset).assetPath);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    expect(code).toContain('DynamoDBClient');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    expect(resources[logicalId(s.invites.api.functions.join.fn)]!.Properties.Handler).toBe('index.handler');
  });

  it('are one per entry under functions/, and every entry bundles with the settings CDK\'s esbuild gets', async () => {
    const entries = readdirSync(join(REPO_ROOT, 'functions')).filter((file) => file.endsWith('.ts'));
    expect(s.stack.node.findAll().filter((c) => c instanceof ServiceFunction)).toHaveLength(entries.length);
    // One esbuild run for all of them (CDK starts one per function): what fails to bundle fails here, not at deploy.
    const { errors, outputFiles } = await build({
      ...ESBUILD_OPTIONS,
      entryPoints: entries.map((file) => join(REPO_ROOT, 'functions', file)),
      outdir: join(REPO_ROOT, 'functions'),
      outExtension: { '.js': '.mjs' },
      absWorkingDir: REPO_ROOT,
      write: false,
      logLevel: 'silent',
    });
    expect(errors).toEqual([]);
    expect(outputFiles.filter((f) => f.path.endsWith('.mjs')).map((f) => f.path.slice(f.path.lastIndexOf('/') + 1)).sort()).toEqual(
      entries.map((file) => file.replace(/\.ts$/, '.mjs')).sort(),
    );
  });
});

describe('least privilege: a function can touch only the table actions it uses', () => {
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId(s.invites.table), 'Arn'] });
  const indexArn = () => ({ 'Fn::Join': ['', [tableArn(), `/index/${TABLE.byDomainIndex.name}`]] });

  it.each(OPERATION_LIST.map((op) => [op.name, op] as const))(
    '%s gets exactly its tableActions from shared/contract/operations.ts',
    (name, { tableActions }) => {
      // A grant is a set: an action listed twice (two reads that both use BatchGetItem) is granted once.
      const onTable = [...new Set(tableActions.filter((a) => a !== 'QueryByDomain'))];
      const expected = [
        ...(onTable.length > 0 ? [{ actions: onTable.map((a) => `dynamodb:${a}`).sort(), resources: [tableArn()] }] : []),
        ...(tableActions.includes('QueryByDomain') ? [{ actions: ['dynamodb:Query'], resources: [indexArn()] }] : []),
      ];
      const statements = dynamoStatements(s.invites.api.functions[name]).map((st) => ({ ...st, actions: st.actions.sort() }));
      expect(statements).toEqual(expected);
    },
  );

  it('the notifier gets its table actions, the admins\' Query on the by-domain index and stream reads, nothing more', () => {
    const statements = dynamoStatements(s.invites.notifier.function);
    const table = statements.find((st) => st.actions.includes('dynamodb:BatchGetItem'))!;
    expect(table.actions.sort()).toEqual(NOTIFIER_TABLE_ACTIONS.filter((a) => a !== 'QueryByDomain').map((a) => `dynamodb:${a}`).sort());
    expect(table.resources).toEqual([tableArn()]);
    const index = statements.find((st) => st.resources.some((r) => JSON.stringify(r) === JSON.stringify(indexArn())))!;
    expect(index.actions).toEqual(['dynamodb:Query']);
    const stream = statements.filter((st) => st !== table && st !== index).flatMap((st) => st.actions);
    expect(stream.sort()).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
  });

  it('the notifier may send email only from the configured sender, to anyone (in the SES sandbox each recipient identity is authorized too)', () => {
    const role = logicalId(s.invites.notifier.function.role);
    const ses = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown; Condition?: unknown }[])
      .filter((st) => JSON.stringify(st.Action).includes('ses:'));
    expect(ses).toEqual([
      {
        Action: 'ses:SendEmail',
        Effect: 'Allow',
        Resource: resolve(s.stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })),
        Condition: { StringEquals: { 'ses:FromAddress': 'invites@example.com' } },
      },
    ]);
  });
});

describe('the HTTP API', () => {
  it('has every route of the route table, each `jwt` route behind the JWT authorizer, the others behind the origin check', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(OPERATION_LIST.map(routeKey).sort());
    const authorizerId = jwtAuthorizerId();
    for (const route of OPERATION_LIST) {
      const synthesized = routes.find((r) => r.RouteKey === routeKey(route))!;
      if (route.auth === 'jwt') expect(synthesized).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      else expect(synthesized.AuthorizationType).toBe('CUSTOM');
      // ...and reaches the function the route table names.
      const integrationId = (synthesized.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      expect(resources[integrationId.Ref]!.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [logicalId(s.invites.api.functions[route.name].fn), 'Arn'] });
    }
  });

  it('POST /v1/join takes the person\'s bearer token: it is behind the JWT authorizer', () => {
    const join = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === 'POST /v1/join')![1];
    expect(join.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: jwtAuthorizerId() } });
  });

  it('only the link lookup and the API document are public: the join page shows what a link grants before sign-in', () => {
    expect(OPERATION_LIST.filter((r) => r.auth === 'public').map(routeKey)).toEqual(['POST /v1/join/lookup', 'GET /v1/openapi.json']);
    for (const key of ['POST /v1/join/lookup', 'GET /v1/openapi.json']) {
      const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)![1];
      // No token, only the origin check: CloudFront's header (direct-callers.test.ts).
      expect(route.Properties, key).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: originCheckId() } });
    }
  });

  it('trusts tokens of the configured issuer and audience', () => {
    s.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 2);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: [AUDIENCE] },
    });
  });

  it('throttles nothing itself with a web ACL in front: the ceilings are the web ACL\'s, where a direct caller cannot spend them (direct-callers.test.ts)', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties).not.toHaveProperty('RouteSettings');
    expect(stage.Properties).not.toHaveProperty('DefaultRouteSettings');
    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
  });

  it('answers no CORS preflight: browsers reach it through the pages\' own origin only', () => {
    const [, api] = ofType('AWS::ApiGatewayV2::Api')[0]!;
    expect(api.Properties).toMatchObject({ ProtocolType: 'HTTP' });
    expect(api.Properties).not.toHaveProperty('CorsConfiguration');
  });

  it('logs each request without its body, query string or any header (so never a token)', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    expect(DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(s.invites.api.accessLogs), 'Arn'] });
    expect(JSON.parse(Format)).toEqual(ACCESS_LOG_FIELDS);
    expect(Format).not.toMatch(/body|querystring|header|authorization|\$context\.path|\$request/i);
  });
});

describe('the signup notifier', () => {
  it('receives join records only, filtered by the same definition the local stack uses', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(JOIN_RECORD_FILTER) }] },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s.invites.table), 'StreamArn'] },
      FunctionName: { Ref: logicalId(s.invites.notifier.function.fn) },
    });
  });

  it('reports partial failures, retries a bounded number of times, then parks the record in SQS, as its delivery settings say', () => {
    expect(NOTIFIER_DELIVERY.reportBatchItemFailures).toBe(true);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: NOTIFIER_DELIVERY.bisectBatchOnFunctionError,
      MaximumRetryAttempts: NOTIFIER_DELIVERY.maxRetryAttempts,
      MaximumRecordAgeInSeconds: NOTIFIER_DELIVERY.maxRecordAgeSeconds,
      BatchSize: NOTIFIER_DELIVERY.batchSize,
      ParallelizationFactor: NOTIFIER_DELIVERY.parallelizationFactor,
      StartingPosition: NOTIFIER_DELIVERY.startingPosition,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s.invites.notifier.deadLetters), 'Arn'] } } },
    });
  });

  it('keeps failed records in an encrypted queue that refuses plain HTTP', () => {
    expect(resources[logicalId(s.invites.notifier.deadLetters)]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms on dead letters, function errors and iterator age', () => {
    const alarms = Object.values(s.invites.notifier.alarms).map((alarm) => resources[logicalId(alarm)]!.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'Errors', 'IteratorAge']);
    const dlq = alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')!;
    expect(dlq).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s.invites.notifier.deadLetters), 'QueueName'] } }] });
    expect(alarms.find((a) => a.MetricName === 'Errors')).toMatchObject({ Threshold: 0, Namespace: 'AWS/Lambda' });
    expect(alarms.find((a) => a.MetricName === 'IteratorAge')).toMatchObject({ Threshold: ITERATOR_AGE_ALARM_MS, Statistic: 'Maximum' });
  });

  it('knows its sender and where the pages are', () => {
    expect(resources[logicalId(s.invites.notifier.function.fn)]!.Properties.Environment.Variables).toMatchObject({
      NOTIFY_FROM: 'Invite Links <invites@example.com>',
      PUBLIC_BASE_URL: resolve(s.invites.web.url),
    });
  });
});

describe('the pages', () => {
  it('live in a private, encrypted bucket that refuses plain HTTP', () => {
    const bucket = resources[logicalId(s.invites.web.bucket)]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('are served by CloudFront through origin access control, index.html at the root, HTTPS only', () => {
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ SigningBehavior: 'always', OriginAccessControlOriginType: 's3' }) });
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue() })]),
      }),
    });
  });

  it('carry a strict CSP, no referrer, HSTS and nosniff', () => {
    const [, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of ["default-src 'self'", `connect-src 'self' ${new URL(ISSUER).origin};`, "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('execute-api');
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(headers).toMatchObject({
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY' },
    });
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: { Ref: ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]![0] } }) }),
    });
  });

  it('serve /join from join.html at the edge (clean URLs for every page), files unchanged, unknown addresses the not-found page', () => {
    const [id, fn] = ofType('AWS::CloudFront::Function').find(([, f]) => f.Properties.FunctionCode === pageRoutingCode())!;
    const handler = runInNewContext(`${fn.Properties.FunctionCode}; handler`) as (e: { request: { uri: string } }) => { uri: string };
    expect(handler({ request: { uri: '/join' } }).uri).toBe('/join.html');
    expect(handler({ request: { uri: '/join/' } }).uri).toBe('/join.html');
    expect(handler({ request: { uri: '/users' } }).uri).toBe('/users.html');
    expect(handler({ request: { uri: '/assets/users.js' } }).uri).toBe('/assets/users.js');
    expect(handler({ request: { uri: '/app.js' } }).uri).toBe('/not-found.html');
    expect(handler({ request: { uri: '/' } }).uri).toBe('/index.html');
    const association = (EventType: string) => ({ EventType, FunctionARN: { 'Fn::GetAtt': [id, 'FunctionARN'] } });
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ FunctionAssociations: [association('viewer-request'), association('viewer-response')] }),
      }),
    });
  });

  it('are deployed with a generated config.json naming the API (their own origin) and the identity provider, then the cache is invalidated', () => {
    const [, deployment] = ofType('Custom::CDKBucketDeployment')[0]!;
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    // An external provider's pages read its discovery document, so config.json names no endpoints.
    expect(deployedPageConfig(s)).toEqual({
      apiBaseUrl: '',
      identityProvider: { issuer: ISSUER, clientId: AUDIENCE, audience: [AUDIENCE], scope: 'openid email profile' },
    });
  });
});

describe('outputs', () => {
  it('name the API, the pages, the table, the dead-letter queue and the web ACL', () => {
    for (const name of ['ApiUrl', 'ApiOriginUrl', 'WebUrl', 'TableName', 'NotifierDlqUrl', 'WebAclArn']) s.template.hasOutput(name, {});
  });

  it('give the API at the pages\' address: /v1/* there goes to the HTTP API', () => {
    s.template.hasOutput('ApiUrl', { Value: resolve(s.invites.web.url) });
    // The origin itself, for the smoke test to show that a direct call gets nowhere.
    s.template.hasOutput('ApiOriginUrl', { Value: resolve(s.invites.api.url) });
    s.template.hasOutput('WebAclArn', { Value: { 'Fn::GetAtt': [s.stack.getLogicalId(s.invites.webAcl!.webAcl), 'Arn'] } });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding, error or warning', () => {
    const { violations } = s.nag.validateScope(s.stack);
    expect(violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('every acknowledgement carries a specific reason', () => {
    const acknowledged: [string, string][] = [];
    const walk = (c: IConstruct) => {
      for (const entry of c.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) acknowledged.push(...Object.entries(entry.data as Record<string, string>));
      }
      c.node.children.forEach(walk);
    };
    walk(s.stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});

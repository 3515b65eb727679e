/**
 * The HTTP API, built by walking THE operation table (shared/contract/operations.ts): one function per
 * operation, a JWT authorizer on every `jwt` one, the origin check on the public ones, and access
 * logs that never hold a body, a query string or a header. Browsers reach it only through the
 * pages' CloudFront distribution (no CORS); the origin check and the functions know the secret
 * CloudFront adds to every request, so a call to the execute-api endpoint itself reaches no
 * handler. API Gateway's own throttles count those calls too, so they are set only when no web
 * ACL holds the ceilings (docs/deploy.md, Security).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type HttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { OPERATION_LIST, PUBLIC_THROTTLE, routeKey, type OperationName } from '#shared/contract/operations.ts';
import { OriginCheck } from './origin-check.ts';
import { ServiceFunction, type LogOptions } from './service-function.ts';

/** The header CloudFront adds to every request it sends the API, and the variable that tells the functions its value. */
export { ORIGIN_VERIFY } from '#shared/config.ts';
import { API_ANSWER_EARLY_MS, API_TIMEOUT_SECONDS, ORIGIN_VERIFY } from '#shared/config.ts';

/**
 * What all callers together may send the API, requests per second and burst: each route's ceiling
 * where API Gateway counts (no web ACL), the routes' together where the web ACL does.
 */
export const ROUTE_CEILING = { rateLimit: 500, burstLimit: 1000 } as const;

/** API Gateway waits at most 30 s; a request here is a few DynamoDB round trips, so 10 s leaves room for SDK retries. */
const API_TIMEOUT = Duration.seconds(API_TIMEOUT_SECONDS);
/** API Gateway answers 503 just before the function's timeout, so a function that could not answer is never a 500. */
const INTEGRATION_TIMEOUT = Duration.millis(API_TIMEOUT_SECONDS * 1000 - API_ANSWER_EARLY_MS.gateway);

/**
 * One JSON line per request. Only $context variables that cannot carry a secret: no body, no
 * query string, no headers (so no Authorization), and the route key rather than the raw path.
 * The contract already keeps the link token out of every URL; this keeps the log safe regardless.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

export interface ApiProps {
  table: ITable;
  /** Seals links' tokens: the operations whose entry names keyActions get exactly those on it. */
  linkKey: IKey;
  jwtIssuer: string;
  jwtAudience: string[];
  /** Environment every API function gets besides TABLE_NAME. */
  environment: Record<string, string>;
  /** For every function's log group and the access logs (3 months unless given). */
  logs?: LogOptions;
  /**
   * Whether API Gateway throttles the stage (ROUTE_CEILING) and the public routes (PUBLIC_THROTTLE).
   * Its throttles count callers of the execute-api endpoint too, who could spend them and lock
   * everyone else out, so they are for a distribution without a web ACL, where nothing else counts.
   */
  gatewayThrottles: boolean;
}

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly functions: Record<OperationName, ServiceFunction>;
  readonly accessLogs: LogGroup;
  /** Generated at deploy; CloudFront sends it as ORIGIN_VERIFY.header, the functions read it from ORIGIN_VERIFY.environment. */
  readonly originVerifySecret: Secret;
  /** The authorizer on the public routes: no header, no call. */
  readonly originCheck: OriginCheck;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Invite links API (v1)',
      createDefaultStage: false,
    });

    this.originVerifySecret = new Secret(this, 'OriginVerify', {
      description: 'invite-links: the header value CloudFront adds to API requests, so the execute-api endpoint alone gets nowhere',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Not a credential to data: a shared value between the distribution and the API functions, resolved into both by CloudFormation. Rotating it means a new value and a deploy that updates both (docs/deploy.md, Security).',
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logs?.retention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: props.logs?.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      ...(props.gatewayThrottles ? { throttle: ROUTE_CEILING } : {}),
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, { jwtAudience: props.jwtAudience });
    this.originCheck = new OriginCheck(this, 'OriginCheck', { secret: this.originVerifySecret.secretValue, logs: props.logs });

    this.functions = {} as Record<OperationName, ServiceFunction>;
    const throttled: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of OPERATION_LIST) {
      const fn = new ServiceFunction(this, pascal(route.name), {
        name: route.name,
        description: `invite-links API: ${routeKey(route)}`,
        timeout: API_TIMEOUT,
        // A CloudFormation dynamic reference: the value never appears in the template.
        environment: { ...props.environment, [ORIGIN_VERIFY.environment]: this.originVerifySecret.secretValue.unsafeUnwrap() },
        logs: props.logs,
      })
        .bindTable(props.table, route.tableActions)
        .bindLinkKey(props.linkKey, route.keyActions ?? []);
      this.functions[route.name] = fn;
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.name)}Integration`, fn.fn, { timeout: INTEGRATION_TIMEOUT }),
        authorizer: route.auth === 'jwt' ? authorizer : this.originCheck.authorizer,
      }) as [HttpRoute];
      if (route.auth === 'public' && props.gatewayThrottles) {
        throttled[routeKey(route)] = { ThrottlingRateLimit: PUBLIC_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_THROTTLE.burstLimit };
        // Route settings name the route by key; the route must exist before the stage refers to it.
        this.stage.node.addDependency(created);
      }
    }
    if (Object.keys(throttled).length > 0) (this.stage.node.defaultChild as CfnStage).routeSettings = throttled;
  }

  /** {api-id}.execute-api.{region}.amazonaws.com: CloudFront's origin for /v1/*. */
  get domainName(): string {
    return `${this.httpApi.apiId}.execute-api.${this.httpApi.stack.region}.${this.httpApi.stack.urlSuffix}`;
  }

  /** https://{api-id}.execute-api.{region}.amazonaws.com, no trailing slash: the origin, which refuses calls without the CloudFront header. */
  get url(): string {
    return `https://${this.domainName}`;
  }
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * The origin check in front of the public routes: a Lambda authorizer whose identity source is the
 * header CloudFront adds (ORIGIN_VERIFY). A request without the header is refused by API Gateway
 * with 401 before anything runs; one with a wrong value gets 403 from this small function, whose
 * answer API Gateway keeps per value, so CloudFront's own requests rarely invoke it. Calls straight
 * to the execute-api endpoint thus reach no handler (the signed-in routes have the JWT authorizer,
 * and every handler checks the header again).
 */
import { Duration, RemovalPolicy, type SecretValue } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY } from '#shared/config.ts';
import { FUNCTION_DEFAULTS, type LogOptions } from './service-function.ts';

/** How long API Gateway keeps the function's answer for one header value. */
export const ORIGIN_CHECK_CACHE = Duration.minutes(5);

/** What API Gateway must find in a request before it calls the function at all. */
export const ORIGIN_CHECK_IDENTITY_SOURCE = `$request.header.${ORIGIN_VERIFY.header}`;

/**
 * The function, inline (a few lines, no bundle): the header against the secret in constant time,
 * answered in the HTTP API's simple response format. Header names arrive in lower case.
 */
export const ORIGIN_CHECK_CODE = `const { timingSafeEqual } = require('node:crypto');
const expected = Buffer.from(process.env[${JSON.stringify(ORIGIN_VERIFY.environment)}] || '');
exports.handler = async (event) => {
  const given = Buffer.from((event.headers && event.headers[${JSON.stringify(ORIGIN_VERIFY.header)}]) || '');
  return { isAuthorized: expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected) };
};
`;

export interface OriginCheckProps {
  /** The value CloudFront sends in ORIGIN_VERIFY.header. */
  secret: SecretValue;
  logs?: LogOptions;
}

export class OriginCheck extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** For the routes no JWT authorizer guards. */
  readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: OriginCheckProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logs?.retention ?? FUNCTION_DEFAULTS.logRetention,
      removalPolicy: props.logs?.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // It may write its own log group, nothing else.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.function = new LambdaFunction(this, 'Function', {
      description: 'invite-links: lets through only requests that carry the header CloudFront adds',
      code: Code.fromInline(ORIGIN_CHECK_CODE),
      handler: 'index.handler',
      runtime: FUNCTION_DEFAULTS.runtime,
      architecture: FUNCTION_DEFAULTS.architecture,
      // A comparison of two short strings: the smallest size does it in a millisecond.
      memorySize: 128,
      timeout: Duration.seconds(3),
      role: this.role,
      logGroup: this.logGroup,
      // A CloudFormation dynamic reference: the value never appears in the template.
      environment: { [ORIGIN_VERIFY.environment]: props.secret.unsafeUnwrap() },
    });
    this.authorizer = new HttpLambdaAuthorizer('OriginCheck', this.function, {
      identitySource: [ORIGIN_CHECK_IDENTITY_SOURCE],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: ORIGIN_CHECK_CACHE,
    });
  }
}

/**
 * The pages (web/dist) from a private S3 bucket behind CloudFront (origin access control).
 * CloudFront adds the security headers the join page needs and serves /join from join.html
 * (and every other extensionless page path from <path>.html).
 */
import { CfnElement, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { contentSecurityPolicy } from '../../web/content-security-policy.ts';
import type { PageConfig } from '../../web/page-config.ts';

export interface WebProps {
  /** Extra origins the pages may fetch from: the identity provider's discovery document and token endpoint. */
  connectSources?: string[];
}

/** Pages have clean URLs: /join is join.html, /users is users.html; files and / pass unchanged. */
export const PAGE_REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri.replace(/\\/+$/, '');
  if (uri !== '' && uri.split('/').pop().indexOf('.') === -1) request.uri = uri + '.html';
  return request;
}`;

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeaders: ResponseHeadersPolicy;
  /** https://dxxxx.cloudfront.net, no trailing slash: the web origin and PUBLIC_BASE_URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebProps = {}) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.bucket = new Bucket(this, 'Pages', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only built pages live here; they are rebuilt from the repository on every deploy.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    this.responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'invite-links pages: strict CSP, no referrer, HSTS',
      securityHeadersBehavior: {
        // The API URL cannot appear here: the API's CORS names this distribution, so naming the
        // API here would be a dependency cycle. The pages may call API Gateway in this region only.
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy([`https://*.execute-api.${region}.amazonaws.com`, ...(props.connectSources ?? [])]),
          override: true,
        },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'invite-links pages',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'JoinRewrite', {
              code: FunctionCode.fromInline(PAGE_REWRITE),
              runtime: FunctionRuntime.JS_2_0,
              comment: 'Clean page URLs: /join serves join.html',
            }),
          },
        ],
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Static pages read only by CloudFront through OAC; every object is public by design and rebuilt on deploy, so server access logs would record nothing of value.',
    });
    for (const [rule, reason] of [
      ['AwsSolutions-CFR1', 'Invite links are used worldwide; a geo restriction would lock out invitees.'],
      ['AwsSolutions-CFR2', 'Static pages only; the API (a separate origin) is throttled per route. WAF can be added for a custom domain.'],
      ['AwsSolutions-CFR3', 'The pages hold no data and the link token stays in the URL fragment, so CloudFront access logs would add cost and nothing to audit.'],
      ['AwsSolutions-CFR4', 'The default *.cloudfront.net certificate fixes the viewer TLS policy; setting TLSv1.2_2021 needs a custom domain and certificate.'],
    ] as const) {
      Validations.of(this.distribution).acknowledge({ id: rule, reason });
    }
  }

  /** Uploads web/dist plus a generated config.json, and invalidates CloudFront's cache. */
  deployPages(assetDir: string, config: PageConfig): BucketDeployment {
    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [Source.asset(assetDir), Source.jsonData('config.json', config)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    acknowledgeDeploymentHandler(deployment, this.bucket);
    return deployment;
  }
}

/**
 * BucketDeployment's handler is a stack-level singleton that CDK owns, shared by every deployment
 * of the same settings in the stack (a second InviteLinks, your own); each Web acknowledges the
 * handler's generic findings and the grant on its own pages bucket.
 */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, pages: Bucket) {
  const stack = Stack.of(pages);
  const handler = deployment.handlerRole.node.scope!;
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const reasons: Record<string, string> = {
    'AwsSolutions-L1': 'CDK pins the runtime of its BucketDeployment handler (Python); it runs only during deploys.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      'CDK-owned deploy-time handler; the managed policy only lets it write its own logs.',
  };
  const copy = 'CDK-owned deploy-time handler copying the built pages from the CDK asset bucket into the pages bucket; CDK scopes the grant to those two buckets.';
  for (const finding of [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    // cdk-nag names tokens as <AWS::AccountId> and <LogicalId.Arn>.
    `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${literal(stack.account, '<AWS::AccountId>')}-${literal(stack.region, '<AWS::Region>')}/*`,
    `Resource::<${stack.getLogicalId(pages.node.defaultChild as CfnElement)}.Arn>/*`,
  ]) {
    reasons[`AwsSolutions-IAM5[${finding}]`] = copy;
  }
  reasons['AwsSolutions-IAM5[Resource::*]'] = 'cloudfront:CreateInvalidation/GetInvalidation, granted by CDK for the cache invalidation after upload, support no resource-level scoping in that grant.';
  for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
}

const literal = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);

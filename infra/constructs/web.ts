/**
 * The pages (web/dist) from a private S3 bucket behind CloudFront (origin access control).
 * CloudFront adds the security headers the join page needs and serves /join from join.html.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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

/** What the pages read from /config.json at start: where the API is and who issues tokens. */
export interface WebConfig {
  apiBaseUrl: string;
  identityProvider: { issuer: string; clientId: string; audience: string[]; hostedUiDomain?: string };
}

export interface WebProps {
  /** Extra origins the pages may fetch from, e.g. the identity provider's token endpoint. */
  connectSources?: string[];
}

/** /join and /join/ are the join page; every other path is a file in the bucket. */
const JOIN_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri === '/join' || request.uri === '/join/') request.uri = '/join.html';
  return request;
}`;

export function contentSecurityPolicy(connectSources: string[]): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

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
              code: FunctionCode.fromInline(JOIN_REWRITE),
              runtime: FunctionRuntime.JS_2_0,
              comment: 'Serves /join from join.html',
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
  deployPages(assetDir: string, config: WebConfig): BucketDeployment {
    return new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [Source.asset(assetDir), Source.jsonData('config.json', config)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
  }
}

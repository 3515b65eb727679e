/**
 * The service's one origin: the pages (web/dist) from a private S3 bucket (origin access control)
 * and the API under /v1/* from the HTTP API, both behind one CloudFront distribution, so the pages
 * call their own origin (no CORS, connect-src 'self'). CloudFront adds the security headers the
 * pages need, serves each page at its clean URL (/join from join.html) and a not-found page with
 * status 404 for an address no page has, answers what API Gateway would refuse without a
 * problem+json body itself, and sends the API a secret header the functions check. A WAF web ACL
 * may sit in front of it all.
 */
import { Annotations, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import * as z from 'zod/mini';
import { OPERATION_LIST } from '#shared/contract/operations.ts';
import { unwrapped } from '#shared/contract/openapi.ts';
import { contentSecurityPolicy } from '../../web/content-security-policy.ts';
import type { PageConfig } from '../../web/page-config.ts';
import { ORIGIN_VERIFY, type Api } from './api.ts';
import { apiEdgeFunctionCode, pageRoutingCode } from './web/edge-functions.ts';
import { acknowledgeDeploymentHandler, refuseLinkedSourceMaps, SOURCE_MAPS } from './web/page-deployment.ts';

export interface WebProps {
  /** Origins the pages may fetch from besides their own: the identity provider's discovery document and token endpoint. */
  connectSources?: string[];
  /** A WAFv2 web ACL with scope CLOUDFRONT (so in us-east-1) for the distribution; none when absent. */
  webAclArn?: string;
}

/** The API's share of the distribution: every operation path starts /v1/. */
export const API_PATH_PATTERN = '/v1/*';

/**
 * Statuses CloudFront would otherwise keep for 10 s and serve to the next caller of the same URL
 * (it caches these whatever the cache policy): an API answer is one caller's, so none is kept.
 */
export const UNCACHED_ERROR_STATUSES = [404, 405, 414, 500, 501, 502, 503, 504] as const;

/** CloudFront takes at most 10 query strings in an origin request policy's allow list. */
const MAX_QUERY_STRINGS = 10;

/** The query string names the operations take, read from their zod query schemas. */
export function apiQueryStrings(): string[] {
  const names = new Set<string>();
  for (const op of OPERATION_LIST) {
    if (!op.query) continue;
    const schema = z.toJSONSchema(unwrapped(op.query).inner, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    for (const name of Object.keys(schema.properties ?? {})) names.add(name);
  }
  return [...names].sort();
}

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeaders: ResponseHeadersPolicy;
  /** What /v1/* requests carry to the API (routeApi). */
  apiRequests?: OriginRequestPolicy;
  /** https://dxxxx.cloudfront.net, no trailing slash: the web origin and PUBLIC_BASE_URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebProps = {}) {
    super(scope, id);
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
        // The API is this origin (/v1/*): only the identity provider is elsewhere.
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connectSources ?? []), override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });

    const pageRouting = new CloudFrontFunction(this, 'PageRouting', {
      code: FunctionCode.fromInline(pageRoutingCode()),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Page addresses: clean URLs, mangled join links, a 404 page for unknown addresses',
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'invite-links pages and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      errorResponses: UNCACHED_ERROR_STATUSES.map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: this.responseHeaders,
        // One function on both events: the request picks the file, the response makes the not-found page a 404.
        functionAssociations: [FunctionEventType.VIEWER_REQUEST, FunctionEventType.VIEWER_RESPONSE].map((eventType) => ({ eventType, function: pageRouting })),
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Static pages read only by CloudFront through OAC; every object is public by design and rebuilt on deploy, so server access logs would record nothing of value.',
    });
    if (!props.webAclArn) {
      Annotations.of(this).addWarningV2(
        'invite-links:no-web-acl',
        'No WAF web ACL: no per-client rate limits or managed rules in front of the pages and the API. Pass webAclArn (InviteLinksEdgeStack makes one in us-east-1).',
      );
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason: 'No web ACL was given (webAclArn) and a stack outside us-east-1 cannot make one for CloudFront; synth warns (invite-links:no-web-acl). The API stage still throttles every route.',
      });
    }
    for (const [rule, reason] of [
      ['AwsSolutions-CFR1', 'Invite links are used worldwide; a geo restriction would lock out invitees.'],
      ['AwsSolutions-CFR3', 'The pages hold no data and the link token stays in the URL fragment, so CloudFront access logs would add cost and nothing to audit.'],
      ['AwsSolutions-CFR4', 'The default *.cloudfront.net certificate fixes the viewer TLS policy; setting TLSv1.2_2021 needs a custom domain and certificate.'],
    ] as const) {
      Validations.of(this.distribution).acknowledge({ id: rule, reason });
    }
  }

  /**
   * /v1/* to the HTTP API: never cached, every method, the viewer's headers but Host (with caching
   * off, the only way CloudFront forwards Authorization), the query strings the operations take, no
   * cookies, and the secret header the functions check. Pages then call '' (this origin).
   */
  routeApi(api: Api): void {
    const queryStrings = apiQueryStrings();
    if (queryStrings.length > MAX_QUERY_STRINGS) throw new Error(`The operations take ${queryStrings.length} query strings; CloudFront forwards at most ${MAX_QUERY_STRINGS} by name.`);
    this.apiRequests = new OriginRequestPolicy(this, 'ApiRequests', {
      comment: 'invite-links API: viewer headers but Host, the operations query strings, no cookies',
      headerBehavior: OriginRequestHeaderBehavior.denyList('host'),
      queryStringBehavior: queryStrings.length > 0 ? OriginRequestQueryStringBehavior.allowList(...queryStrings) : OriginRequestQueryStringBehavior.none(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });
    this.distribution.addBehavior(
      API_PATH_PATTERN,
      new HttpOrigin(api.domainName, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        // A CloudFormation dynamic reference, resolved at deploy: the template never holds the value.
        customHeaders: { [ORIGIN_VERIFY.header]: api.originVerifySecret.secretValue.unsafeUnwrap() },
      }),
      {
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: this.apiRequests,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'ApiRefusals', {
              code: FunctionCode.fromInline(apiEdgeFunctionCode()),
              runtime: FunctionRuntime.JS_2_0,
              comment: 'problem+json for unknown API routes and signed-in routes without a token',
            }),
          },
        ],
      },
    );
  }

  /**
   * Uploads web/dist plus a generated config.json, and invalidates CloudFront's cache. Source maps
   * stay behind: the pages' code is public, how it reads before minifying need not be.
   */
  deployPages(assetDir: string, config: PageConfig): BucketDeployment {
    refuseLinkedSourceMaps(this, assetDir);
    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [Source.asset(assetDir, { exclude: [...SOURCE_MAPS] }), Source.jsonData('config.json', config)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    acknowledgeDeploymentHandler(deployment, this.bucket);
    return deployment;
  }
}

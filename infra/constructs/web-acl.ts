/**
 * The WAF web ACL in front of the distribution: per-client rate limits on the routes the operation
 * table marks with a `clientLimit` (CLIENT_LIMITS, the numbers the local front door counts too),
 * then AWS's managed rule groups. A CloudFront web ACL lives in us-east-1 whatever the app's region.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { rateLimited } from '#shared/domain/errors.ts';
import { problemOf } from '#shared/http/problem.ts';
import { CLIENT_LIMITS, OPERATION_LIST, type ClientLimit } from '#shared/operations.ts';

/** Where WAF must create a web ACL with scope CLOUDFRONT. */
export const WEB_ACL_REGION = 'us-east-1';

/** The windows a WAF rate-based rule can count over, and its smallest limit. */
const WAF_WINDOWS = [60, 120, 300, 600];
const WAF_MIN_LIMIT = 10;

const RATE_LIMITED_BODY = 'rate-limited';

/**
 * What a client over its limit gets: the handlers' own RATE_LIMITED problem. WAF serves it as
 * application/json (its custom bodies are text/plain, text/html or application/json, and
 * content-type is the one header a custom response cannot set).
 */
export const RATE_LIMITED_PROBLEM = problemOf(rateLimited());

/** An API path template as a regex over the raw URI path: `{name}` is one segment; a trailing slash is allowed. */
export function pathPattern(paths: readonly string[]): string {
  const escaped = [...new Set(paths)].map((path) =>
    path
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join(''),
  );
  return `^(?:${escaped.join('|')})/?$`;
}

/** The paths each per-client limit covers, from the operation table. */
export function clientLimitPaths(): Record<ClientLimit, string[]> {
  const paths = Object.fromEntries(Object.keys(CLIENT_LIMITS).map((limit) => [limit, [] as string[]])) as Record<ClientLimit, string[]>;
  for (const op of OPERATION_LIST) if (op.clientLimit) paths[op.clientLimit].push(op.path);
  return paths;
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

function managed(name: string, priority: number, countInstead: string[] = []): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(countInstead.length > 0 ? { ruleActionOverrides: countInstead.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
      },
    },
    visibilityConfig: visibility(name),
  };
}

export class InviteLinksWebAcl extends Construct {
  readonly webAcl: CfnWebACL;
  /** What CloudFront's `webAclId` takes for a WAFv2 ACL. */
  readonly arn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== WEB_ACL_REGION) {
      throw new Error(`InviteLinksWebAcl ${this.node.path}: a web ACL for CloudFront must be created in ${WEB_ACL_REGION}, not ${region}; use InviteLinksEdgeStack from a stack elsewhere.`);
    }

    const paths = clientLimitPaths();
    const rateRules = (Object.entries(CLIENT_LIMITS) as [ClientLimit, (typeof CLIENT_LIMITS)[ClientLimit]][])
      .filter(([limit]) => paths[limit].length > 0)
      .map(([limit, { requests, windowSeconds }], index): CfnWebACL.RuleProperty => {
        if (!WAF_WINDOWS.includes(windowSeconds) || requests < WAF_MIN_LIMIT) {
          throw new Error(`CLIENT_LIMITS.${limit}: WAF counts at least ${WAF_MIN_LIMIT} requests over ${WAF_WINDOWS.join(', ')} s; got ${requests} over ${windowSeconds} s.`);
        }
        return {
          name: `RateLimit${pascal(limit)}`,
          priority: 1 + index,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: requests,
              evaluationWindowSec: windowSeconds,
              scopeDownStatement: {
                regexMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  regexString: pathPattern(paths[limit]),
                  textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
                },
              },
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: RATE_LIMITED_BODY,
                responseHeaders: [
                  { name: 'retry-after', value: String(windowSeconds) },
                  { name: 'cache-control', value: 'no-store' },
                ],
              },
            },
          },
          visibilityConfig: visibility(`RateLimit${pascal(limit)}`),
        };
      });

    const after = 1 + rateRules.length;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'invite-links: per-client rate limits on the public and join routes, AWS managed rules',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [RATE_LIMITED_BODY]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(RATE_LIMITED_PROBLEM) },
      },
      rules: [
        // Known-bad addresses are refused before they count against anyone's limit.
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        ...rateRules,
        // API bodies go up to 16 KiB (MAX_BODY_BYTES) and list cursors up to 4 KiB in the query: the
        // core set's 8 KB body and 2 KB query-string limits would refuse legitimate calls; the
        // handlers refuse oversized input themselves.
        managed('AWSManagedRulesCommonRuleSet', after, ['SizeRestrictions_BODY', 'SizeRestrictions_QUERYSTRING']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', after + 1),
      ],
      visibilityConfig: visibility('InviteLinks'),
    });
    this.arn = this.webAcl.attrArn;
  }
}

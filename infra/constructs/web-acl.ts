/**
 * The WAF web ACL in front of the distribution: per-client rate limits on the routes the operation
 * table marks with a `clientLimit` (CLIENT_LIMITS, the numbers the local front door counts too),
 * AWS's managed rule groups, then the ceilings for all clients together (PUBLIC_THROTTLE,
 * ROUTE_CEILING). The ceilings are here rather than in API Gateway because the web ACL counts only
 * requests that come through CloudFront: a caller of the execute-api endpoint cannot spend them.
 * A CloudFront web ACL lives in us-east-1 whatever the app's region.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { rateLimited } from '#shared/domain/errors.ts';
import { problemOf } from '#shared/contract/problems.ts';
import { CLIENT_LIMITS, OPERATION_LIST, PUBLIC_THROTTLE, type ClientLimit, type ClientLimitRule } from '#shared/contract/operations.ts';
import { ROUTE_CEILING } from './api.ts';
import { API_PATH_PATTERN } from './web.ts';

/** Where WAF must create a web ACL with scope CLOUDFRONT. */
export const WEB_ACL_REGION = 'us-east-1';

/** The windows a WAF rate-based rule can count over, and its smallest limit. */
const WAF_WINDOWS = [60, 120, 300, 600];
const WAF_MIN_LIMIT = 10;

const RATE_LIMITED_BODY = 'rate-limited';

/** The window the ceilings count over; a rate per second is this many times as many requests. */
const CEILING_WINDOW_SECONDS = 60;

/**
 * What all clients together may send through CloudFront in CEILING_WINDOW_SECONDS: the public
 * routes (PUBLIC_THROTTLE's rate) and the whole API (ROUTE_CEILING's rate).
 */
export const CEILINGS = {
  public: { requests: PUBLIC_THROTTLE.rateLimit * CEILING_WINDOW_SECONDS, windowSeconds: CEILING_WINDOW_SECONDS },
  api: { requests: ROUTE_CEILING.rateLimit * CEILING_WINDOW_SECONDS, windowSeconds: CEILING_WINDOW_SECONDS },
} as const;

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

/** The signed-in person, as a rate rule can key on them: the Authorization header (a request without one is not counted). */
const PERSON_KEY: CfnWebACL.RateBasedStatementCustomKeyProperty = { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } };

/** The API paths given, matched on the URL-decoded path. */
function pathStatement(paths: readonly string[]): CfnWebACL.StatementProperty {
  return {
    regexMatchStatement: {
      fieldToMatch: { uriPath: {} },
      regexString: pathPattern(paths),
      textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
    },
  };
}

interface RateRule {
  requests: number;
  windowSeconds: number;
  /** IP: per client address; CONSTANT: all clients together; CUSTOM_KEYS: per value of `customKeys`. */
  aggregateKeyType: 'IP' | 'CONSTANT' | 'CUSTOM_KEYS';
  customKeys?: CfnWebACL.RateBasedStatementCustomKeyProperty[];
  scopeDownStatement: CfnWebACL.StatementProperty;
  /** Where the numbers come from, for the error when WAF cannot count them. */
  name: string;
}

/** A rate-based rule that answers 429 with the handlers' RATE_LIMITED problem and when to try again. */
function rateRule(ruleName: string, priority: number, { requests, windowSeconds, aggregateKeyType, customKeys, scopeDownStatement, name }: RateRule): CfnWebACL.RuleProperty {
  if (!WAF_WINDOWS.includes(windowSeconds) || requests < WAF_MIN_LIMIT) {
    throw new Error(`${name}: WAF counts at least ${WAF_MIN_LIMIT} requests over ${WAF_WINDOWS.join(', ')} s; got ${requests} over ${windowSeconds} s.`);
  }
  return {
    name: ruleName,
    priority,
    statement: { rateBasedStatement: { aggregateKeyType, ...(customKeys ? { customKeys } : {}), limit: requests, evaluationWindowSec: windowSeconds, scopeDownStatement } },
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
    visibilityConfig: visibility(ruleName),
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
    const perClient = (Object.entries(CLIENT_LIMITS) as [ClientLimit, ClientLimitRule][])
      .filter(([limit]) => paths[limit].length > 0)
      .flatMap(([limit, { perAddress, perPerson }]) => [
        { name: `RateLimit${pascal(limit)}`, rule: { ...perAddress, aggregateKeyType: 'IP' as const, scopeDownStatement: pathStatement(paths[limit]), name: `CLIENT_LIMITS.${limit}.perAddress` } },
        // A person is their bearer token: many people behind one office address each get their own count.
        ...(perPerson ? [{ name: `RateLimit${pascal(limit)}PerPerson`, rule: { ...perPerson, aggregateKeyType: 'CUSTOM_KEYS' as const, customKeys: [PERSON_KEY], scopeDownStatement: pathStatement(paths[limit]), name: `CLIENT_LIMITS.${limit}.perPerson` } }] : []),
      ])
      .map(({ name, rule }, index) => rateRule(name, 1 + index, rule));

    const after = 1 + perClient.length;
    const publicPaths = OPERATION_LIST.filter((op) => op.auth === 'public').map((op) => op.path);
    // Last: a request another rule refused counts against no ceiling.
    const ceilings = [
      rateRule('CeilingPublic', after + 2, { ...CEILINGS.public, aggregateKeyType: 'CONSTANT', scopeDownStatement: pathStatement(publicPaths), name: 'CEILINGS.public' }),
      rateRule('CeilingApi', after + 3, {
        ...CEILINGS.api,
        aggregateKeyType: 'CONSTANT',
        scopeDownStatement: {
          byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', searchString: API_PATH_PATTERN.slice(0, -1), textTransformations: [{ priority: 0, type: 'NONE' }] },
        },
        name: 'CEILINGS.api',
      }),
    ];

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'invite-links: per-client rate limits on the public and join routes, AWS managed rules, ceilings for all clients together',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [RATE_LIMITED_BODY]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(RATE_LIMITED_PROBLEM) },
      },
      rules: [
        // Known-bad addresses are refused before they count against anyone's limit.
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        ...perClient,
        // API bodies go up to 16 KiB (MAX_BODY_BYTES) and list cursors up to 4 KiB in the query: the
        // core set's 8 KB body and 2 KB query-string limits would refuse legitimate calls; the
        // handlers refuse oversized input themselves.
        managed('AWSManagedRulesCommonRuleSet', after, ['SizeRestrictions_BODY', 'SizeRestrictions_QUERYSTRING']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', after + 1),
        ...ceilings,
      ],
      visibilityConfig: visibility('InviteLinks'),
    });
    this.arn = this.webAcl.attrArn;
  }
}

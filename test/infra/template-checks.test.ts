/**
 * The template checks every synth runs (infra/template-checks.ts: the project's cfn-guard rules in
 * infra/guard/ and the Control Tower controls kept): every shape of the app passes them, and a
 * template broken in each way they look for is reported, naming the rule and the resource. The
 * cfn-guard binary comes from npm, so this needs nothing but Node.
 */
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { CachePolicy, type CfnOriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_TOWER_CONTROLS, CONTROL_TOWER_DIR, GUARD_RULES_DIR, templateChecks } from '../../infra/template-checks.ts';
import { synthesizeVariant, TEMPLATE_VARIANTS } from '../../infra/template-variants.ts';
import { defineServiceApp } from '../../infra/service-app.ts';
import { API_PATH_PATTERN } from '../../infra/constructs/web.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any> }>; Outputs?: Record<string, any> };

const work = mkdtempSync(join(tmpdir(), 'invite-links-checks-'));
const templates: Record<string, string[]> = {};

/** The checks' verdict on templates: each violation as `rule resource`. */
function verdict(templatePaths: string[]) {
  const report = templateChecks().validate({ templatePaths } as Parameters<ReturnType<typeof templateChecks>['validate']>[0]);
  const broke = report.violations.flatMap((v) => v.violatingResources.map((r) => [v.ruleName, r.resourceLogicalId] as const));
  return { success: report.success, violations: broke.map(([rule, id]) => `${rule} ${id}`), byResource: rulesBy(broke) };
}

/** A variant's main template, as synthesized. */
const mainTemplate = (variant: string) => JSON.parse(readFileSync(templates[variant]!.find((p) => p.endsWith('/InviteLinks.template.json'))!, 'utf8')) as Template;

/**
 * A copy of a variant's main template, changed by `change`, and the checks' verdict on it. Each
 * cfn-guard run over a whole template takes seconds, so a test breaks several resources of one copy
 * (each its own way, copies of a resource where one is not enough) and reads the verdict per resource.
 */
function broken(variant: string, change: (template: Template) => void) {
  const template = mainTemplate(variant);
  change(template);
  const path = join(mkdtempSync(join(work, 'broken-')), 'InviteLinks.template.json');
  writeFileSync(path, JSON.stringify(template));
  return verdict([path]);
}
const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
/** Adds a copy of resource `id` as `copyId` and returns the copy. */
const copyOf = (template: Template, id: string, copyId: string) => (template.Resources[copyId] = structuredClone(template.Resources[id]!));
/** The rules each resource broke, sorted. */
function rulesBy(broke: (readonly [rule: string, resource: string])[]): Record<string, string[]> {
  const by: Record<string, string[]> = {};
  for (const [rule, resource] of broke) (by[resource] ??= []).push(rule);
  for (const rules of Object.values(by)) rules.sort();
  return by;
}

// Synthesized without the checks, which the tests below run themselves (that every synth runs them is a test of its own).
beforeAll(() => {
  for (const variant of TEMPLATE_VARIANTS) templates[variant.name] = synthesizeVariant(variant, join(work, variant.name), { templateChecks: false });
});
// Four synthesized apps and their broken copies: about 115 MB a run, which /tmp would otherwise keep.
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('every shape of the app', () => {
  it('is every region and identity choice: two regions, each with the operator\'s provider and with the stack\'s pool', () => {
    expect(TEMPLATE_VARIANTS.map((v) => v.name)).toEqual(['us-east-1-own-provider', 'us-east-1-user-pool', 'eu-west-1-own-provider', 'eu-west-1-user-pool']);
    expect(templates['eu-west-1-own-provider']!.map((p) => p.split('/').at(-1)).sort()).toEqual(['InviteLinks.template.json', 'InviteLinksEdge.template.json']);
  });

  it('passes every check', () => {
    for (const [name, paths] of Object.entries(templates)) expect(verdict(paths), name).toEqual({ success: true, violations: [], byResource: {} });
  });

  it('is checked at every synth of the app: a broken template fails `cdk synth`, naming the rule', () => {
    const pages = mkdtempSync(join(work, 'pages-'));
    writeFileSync(join(pages, 'index.html'), '');
    const outdir = mkdtempSync(join(work, 'synth-'));
    const app = new App({ outdir, context: { ...TEMPLATE_VARIANTS[0]!.context, webAssetDir: pages, 'aws:cdk:bundling-stacks': [] } });
    const { stack } = defineServiceApp(app, { account: '123456789012', region: 'us-east-1' });
    (stack.invites.web.apiRequests!.node.defaultChild as CfnOriginRequestPolicy).addPropertyOverride('OriginRequestPolicyConfig.HeadersConfig', { HeaderBehavior: 'whitelist', Headers: ['authorization'] });
    expect(() => app.synth()).toThrow(/origin_request_policy_never_lists_authorization[\s\S]*validation-report\.json/);
    const report = readFileSync(join(outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('InviteLinks/Default/Web/ApiRequests/Resource');
  });
});

describe('a template broken in a way the checks look for is reported', () => {
  // The breaks that leave each other's rules alone go into one copy of the own-provider template:
  // one cfn-guard run, its verdict read by resource. (A distribution without its web ACL would
  // silence the throttle rule, so it has a copy of its own below, as does the alarms' shape.)
  const breaks: ((t: Template) => void)[] = [];
  /** Every resource a break touched or added: no other may break a rule. */
  const touched = new Set<string>();
  let verdictOf: Record<string, string[]> = {};
  beforeAll(() => {
    verdictOf = broken('us-east-1-own-provider', (t) => breaks.forEach((each) => each(t))).byResource;
  });

  let orpId = '';
  breaks.push((t) => {
    const [[id, policy]] = ofType(t, 'AWS::CloudFront::OriginRequestPolicy') as [[string, Template['Resources'][string]]];
    policy.Properties.OriginRequestPolicyConfig.HeadersConfig = { HeaderBehavior: 'whitelist', Headers: ['Authorization'] };
    copyOf(t, id, 'AllExceptAuthorization').Properties.OriginRequestPolicyConfig.HeadersConfig = { HeaderBehavior: 'allExcept', Headers: ['host', 'authorization'] };
    orpId = id;
    touched.add(id).add('AllExceptAuthorization');
  });
  it('an origin request policy that lists authorization (CloudFront would forward no Authorization)', () => {
    expect(orpId).toMatch(/^WebApiRequests/);
    expect(verdictOf[orpId]).toEqual(['origin_request_policy_never_lists_authorization']);
    expect(verdictOf.AllExceptAuthorization).toEqual(['origin_request_policy_never_lists_authorization']);
  });

  let routeId = '';
  let stageId = '';
  breaks.push((t) => {
    const [id, lookup] = ofType(t, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === 'POST /v1/join/lookup')!;
    lookup.Properties.AuthorizationType = 'NONE';
    delete lookup.Properties.AuthorizerId;
    const [stage, stageResource] = ofType(t, 'AWS::ApiGatewayV2::Stage')[0]!;
    stageResource.Properties.DefaultRouteSettings = { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 };
    [routeId, stageId] = [id, stage];
    touched.add(id).add(stage);
  });
  it('a route without an authorizer, and API Gateway throttles behind the web ACL (a direct caller could spend them)', () => {
    expect(verdictOf[routeId]).toEqual(['every_route_has_an_authorizer']);
    expect(verdictOf[stageId]).toEqual(['no_gateway_throttles_behind_a_web_acl']);
  });

  const under = (table: object, suffix: string) => ({ 'Fn::Join': ['', [table, suffix]] });
  // Each statement added to its own copy of a function's policy, and the rules that copy breaks.
  const grants: [(table: object) => object, string[]][] = [
    [(table) => ({ Effect: 'Allow', Action: 'dynamodb:*', Resource: table }), ['iam_inline_policy_no_statements_with_full_access_check', 'no_dynamodb_wildcard_action']],
    [() => ({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: '*' }), ['no_dynamodb_action_on_every_resource']],
    [(table) => ({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: under(table, '/index/*') }), ['index_queries_name_the_index']],
    [(table) => ({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: [table, under(table, '/index/ByEmail')] }), ['index_queries_name_the_index']],
    [(table) => ({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: under(table, '/*') }), ['index_queries_name_the_index']],
    [() => ({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/directory/index/ByEmail' }), ['index_queries_name_the_index']],
    // What the stream event source adds, and the index named exactly, pass.
    [() => ({ Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' }), []],
    [(table) => ({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: under(table, `/index/${TABLE.byDomainIndex.name}`) }), []],
  ];
  breaks.push((t) => {
    const [tableId] = ofType(t, 'AWS::DynamoDB::Table')[0]!;
    const [policyId] = ofType(t, 'AWS::IAM::Policy').find(([id]) => id.startsWith('ApiListUsers'))!;
    grants.forEach(([statement], i) => {
      copyOf(t, policyId, `Grant${i}`).Properties.PolicyDocument.Statement.push(statement({ 'Fn::GetAtt': [tableId, 'Arn'] }));
      touched.add(`Grant${i}`);
    });
  });
  it('a grant of every DynamoDB action, a DynamoDB action on every resource, and a Query on every index', () => {
    const expected = Object.fromEntries(grants.flatMap(([, rules], i) => (rules.length > 0 ? [[`Grant${i}`, rules]] : [])));
    expect(Object.fromEntries(Object.entries(verdictOf).filter(([id]) => id.startsWith('Grant')))).toEqual(expected);
  });

  it('and nothing else: no resource the breaks above left alone breaks a rule', () => {
    expect(Object.keys(verdictOf).filter((id) => !touched.has(id))).toEqual([]);
  });

  it('a distribution without its web ACL, and an API behaviour that caches', () => {
    const { violations } = broken('eu-west-1-own-provider', (t) => {
      const [, distribution] = ofType(t, 'AWS::CloudFront::Distribution')[0]!;
      delete distribution.Properties.DistributionConfig.WebACLId;
      distribution.Properties.DistributionConfig.CacheBehaviors[0].CachePolicyId = CachePolicy.CACHING_OPTIMIZED.cachePolicyId;
    });
    expect(violations.map((v) => v.split(' ')[0]).sort()).toEqual(['api_requests_are_not_cached', 'distribution_has_web_acl']);
  });

  it('an alarm that does not tell the stack\'s alarm topic when it fires or when it is OK again', () => {
    const { violations } = broken('us-east-1-user-pool', (t) => {
      const [id, alarm] = ofType(t, 'AWS::CloudWatch::Alarm').find(([each]) => each.startsWith('HealthApiErrors'))!;
      copyOf(t, id, 'TellsElsewhere').Properties.AlarmActions = ['arn:aws:sns:us-east-1:123456789012:elsewhere'];
      delete alarm.Properties.OKActions;
    });
    expect(violations.sort()).toEqual([expect.stringMatching(/^alarms_notify_the_alarm_topic HealthApiErrorsAlarm/), 'alarms_notify_the_alarm_topic TellsElsewhere']);
    // Without a topic, an alarm without actions is the operator's choice: the shapes without one have such alarms, and pass (above).
    const silent = ofType(mainTemplate('us-east-1-own-provider'), 'AWS::CloudWatch::Alarm').filter(([, a]) => !a.Properties.AlarmActions);
    expect(silent.length).toBeGreaterThan(0);
  });
});

describe('the rules', () => {
  const rules = () => readdirSync(GUARD_RULES_DIR).map((f) => readFileSync(join(GUARD_RULES_DIR, f), 'utf8')).join('\n');

  it('name what the code names: the by-domain index, the API\'s path and the CachingDisabled policy', () => {
    expect(rules()).toContain(`/\\/index\\/${TABLE.byDomainIndex.name}$/`);
    expect(rules()).toContain(`PathPattern == '${API_PATH_PATTERN}'`);
    expect(rules()).toContain(`CachePolicyId == '${CachePolicy.CACHING_DISABLED.cachePolicyId}'`);
  });

  it('are guard files only, and every Control Tower control kept is in the package', () => {
    expect(readdirSync(GUARD_RULES_DIR).every((f) => f.endsWith('.guard'))).toBe(true);
    for (const control of Object.keys(CONTROL_TOWER_CONTROLS)) accessSync(join(CONTROL_TOWER_DIR, `${control}.guard`), constants.R_OK);
  });

  it('run on cfn-guard 3.1.1 as npm installs it, with nothing else on the machine', () => {
    const guard = (templateChecks() as unknown as { guard: string }).guard;
    accessSync(guard, constants.X_OK);
    expect(spawnSync(guard, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe('cfn-guard 3.1.1');
  });
});

/**
 * An owner's app holding the service twice. CloudFormation takes 500 resources a stack and one copy
 * adds about 280, so each copy has a stack: 'Product' holds the owner's table, bus and key and a
 * copy that creates its own table and bus; 'Partner' holds a copy given the owner's table, bus and
 * key, which CDK passes across as exports. Bundling is skipped; invite-links-stack.test.ts covers it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InviteLinks, TABLE, type InviteLinksProps } from '../../infra/index.ts';
import { OPERATION_LIST } from '../../shared/contract/operations.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Output = { Value: unknown; Export?: { Name: string } };

const ACCOUNT = '123456789012';
/** The owner's CloudFront web ACL, made in us-east-1 (InviteLinksEdgeStack or their own). */
const WEB_ACL_ARN = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/product-edge/0a1b2c3d-0000-4000-8000-000000000000`;
// CloudFormation takes 500 resources a stack: a copy within 400 leaves its owner 100 of their own.
const COPY_RESOURCE_BUDGET = 400;
/** Where each type keeps a name its account (or region) holds once, so two copies must never share one. */
const NAMES_HELD_ONCE: Record<string, (properties: Record<string, any>) => string> = {
  'AWS::CloudFront::Function': (p) => p.Name,
  'AWS::CloudFront::ResponseHeadersPolicy': (p) => p.ResponseHeadersPolicyConfig.Name,
  'AWS::CloudFront::OriginRequestPolicy': (p) => p.OriginRequestPolicyConfig.Name,
  'AWS::CloudFront::OriginAccessControl': (p) => p.OriginAccessControlConfig.Name,
  'AWS::Events::EventBus': (p) => p.Name,
  'AWS::Cognito::UserPoolDomain': (p) => p.Domain,
};
const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');

/** An app the way infra/app.ts builds one: cdk-nag's AwsSolutions pack on every synth, bundling skipped. */
function userApp() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const addStack = (id: string) => new Stack(app, id, { env: { account: ACCOUNT, region: 'eu-west-1' } });
  return { app, nag, stack: addStack('Product'), addStack };
}

const base = (): InviteLinksProps => ({ notifyFrom: 'invites@example.com', createUserPool: true, webAssetDir: web });

/** A table the way its owner would write it from TABLE: the keys, the index and a stream with new images. */
function ownersTable(scope: Stack, id: string, overrides: Partial<TableProps> = {}, { index = true } = {}): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    timeToLiveAttribute: TABLE.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...overrides,
  });
  if (index) {
    table.addGlobalSecondaryIndex({
      indexName: TABLE.byDomainIndex.name,
      partitionKey: { name: TABLE.byDomainIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.byDomainIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}

let product: Stack;
let partner: Stack;
let nag: AwsSolutionsChecks;
let resources: Map<Stack, Record<string, Resource>>;
let productOutputs: Record<string, Output>;
let first: InviteLinks;
let second: InviteLinks;
let ownTable: Table;
let ownBus: EventBus;
let key: Key;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
/** A construct's resource, in the template of its own stack. */
const resource = (c: IConstruct) => resources.get(Stack.of(c))![logicalId(c)]!;
/** Resources of one type, in both stacks unless told which. */
const ofType = (type: string, stacks = [product, partner]) =>
  stacks.flatMap((stack) => Object.entries(resources.get(stack)!)).filter(([, r]) => r.Type === type);
/** A value of Product's as Partner reads it: the import of the export CDK made for it. */
const imported = (value: string) => {
  const wanted = JSON.stringify(product.resolve(value));
  const output = Object.values(productOutputs).find((o) => JSON.stringify(o.Value) === wanted);
  if (!output?.Export) throw new Error(`Product exports no ${wanted}`);
  return { 'Fn::ImportValue': output.Export.Name };
};
const logGroups = (invites: InviteLinks) => [...Object.values(invites.api.functions), invites.notifier.function, invites.eventsFeed.function, invites.timerSweep.function].map((fn) => resource(fn.logGroup));

beforeAll(() => {
  const app = userApp();
  ({ nag, stack: product } = app);
  partner = app.addStack('Partner');
  key = new Key(product, 'TableKey', { enableKeyRotation: true });
  ownTable = ownersTable(product, 'Directory', { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
  ownBus = new EventBus(product, 'ProductEvents');

  // The same id in both stacks: what keeps their names apart is the stack, not the id.
  first = new InviteLinks(product, 'Invites', { ...base(), logRetention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY, webAclArn: WEB_ACL_ARN });
  second = new InviteLinks(partner, 'Invites', { ...base(), table: ownTable, eventBus: ownBus });
  resources = new Map([product, partner].map((stack) => [stack, Template.fromStack(stack).toJSON().Resources]));
  productOutputs = Template.fromStack(product).toJSON().Outputs ?? {};
});

describe('two copies, one in each stack', () => {
  it('make two APIs, each with every route of the operation table', () => {
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(2);
    expect(ofType('AWS::ApiGatewayV2::Route', [product])).toHaveLength(OPERATION_LIST.length);
    expect(ofType('AWS::ApiGatewayV2::Route', [partner])).toHaveLength(OPERATION_LIST.length);
    expect(Stack.of(first.api.httpApi)).toBe(product);
    expect(Stack.of(second.api.httpApi)).toBe(partner);
  });

  it('make two sets of functions, each named by operation plus the notifier, the events feed and the timer sweep, each in its copy\'s stack', () => {
    const names = [...OPERATION_LIST.map((op) => op.name), 'notify-signup', 'publish-events', 'fire-timers'].sort();
    expect(Object.keys(first.functions).sort()).toEqual(names);
    expect(Object.keys(second.functions).sort()).toEqual(names);
    expect(new Set([...Object.values(first.functions), ...Object.values(second.functions)]).size).toBe(2 * names.length);
    for (const [invites, stack] of [[first, product], [second, partner]] as const) {
      for (const fn of Object.values(invites.functions)) {
        expect(Stack.of(fn)).toBe(stack);
        expect(resource(fn).Type).toBe('AWS::Lambda::Function');
      }
    }
    expect(first.functions['notify-signup']).toBe(first.notifier.function.fn);
    expect(first.functions['fire-timers']).toBe(first.timerSweep.function.fn);
  });

  it('fix no name twice that an account or a region holds once', () => {
    const held = Object.entries(NAMES_HELD_ONCE).flatMap(([type, name]) => ofType(type).map(([, r]) => `${type} ${name(r.Properties)}`));
    expect(held.length).toBeGreaterThanOrEqual(2 * Object.keys(NAMES_HELD_ONCE).length);
    expect(new Set(held).size).toBe(held.length);
    for (const invites of [first, second]) expect(resource(invites.api.originVerifySecret).Properties).not.toHaveProperty('Name');
  });

  it('give each user pool its own managed login domain, one Cognito accepts', () => {
    const domains = ofType('AWS::Cognito::UserPoolDomain').map(([, d]) => d.Properties.Domain as string);
    expect(domains).toHaveLength(2);
    expect(new Set(domains).size).toBe(2);
    for (const domain of domains) {
      expect(domain).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
      expect(domain).not.toMatch(/aws|amazon|cognito/);
      expect(domain.endsWith(`-${ACCOUNT}`)).toBe(true);
    }
    expect(first.userPool!.managedLoginUrl).toBe(`https://${resource(first.userPool!.domain).Properties.Domain}.auth.eu-west-1.amazoncognito.com`);
  });

  it('each stack deploys its copy\'s pages through the one BucketDeployment handler CDK makes per stack', () => {
    expect(ofType('Custom::CDKBucketDeployment')).toHaveLength(2);
    for (const stack of [product, partner]) {
      const handlers = ofType('AWS::Lambda::Function', [stack]).filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
      expect(handlers).toHaveLength(1);
    }
  });

  it('each serve pages and API from one distribution of their own', () => {
    expect(ofType('AWS::CloudFront::Distribution')).toHaveLength(2);
    for (const invites of [first, second]) {
      const behaviors = resource(invites.web.distribution).Properties.DistributionConfig.CacheBehaviors as { PathPattern: string }[];
      expect(behaviors.map((b) => b.PathPattern)).toEqual(['/v1/*']);
      expect(Stack.of(invites).resolve(invites.apiUrl)).toEqual(Stack.of(invites).resolve(invites.webUrl));
    }
  });

  it('put the web ACL given in front of that copy; in eu-west-1 they make none, and the copy without one warns', () => {
    expect(ofType('AWS::WAFv2::WebACL')).toHaveLength(0);
    expect(resource(first.web.distribution).Properties.DistributionConfig.WebACLId).toBe(WEB_ACL_ARN);
    expect(resource(second.web.distribution).Properties.DistributionConfig).not.toHaveProperty('WebACLId');
    Annotations.fromStack(partner).hasWarning('/Partner/Invites/Web', Match.stringLikeRegexp('No WAF web ACL'));
    Annotations.fromStack(product).hasNoWarning('/Product/Invites/Web', Match.stringLikeRegexp('No WAF web ACL'));
  });

  it('add no outputs: Product\'s only ones are the exports of the owner\'s table, bus and key that Partner imports', () => {
    expect(Template.fromStack(partner).findOutputs('*')).toEqual({});
    const outputs = Object.values(productOutputs);
    for (const output of outputs) expect(output.Export?.Name).toMatch(/^Product:ExportsOutput/);
    const exportedFrom = (value: any): string => value.Ref ?? value['Fn::GetAtt'][0];
    expect(new Set(outputs.map((o) => exportedFrom(o.Value)))).toEqual(new Set([ownTable, ownBus, key].map(logicalId)));
  });
});

describe('one copy in a stack of its owner\'s', () => {
  it(`adds fewer than ${COPY_RESOURCE_BUDGET} resources, so CloudFormation's 500 leave the owner room`, () => {
    const owners = [key, ownTable, ownBus].map(logicalId);
    const copy = Object.keys(resources.get(product)!).filter((id) => !owners.includes(id));
    expect(copy.length).toBeLessThan(COPY_RESOURCE_BUDGET);
    expect(Object.keys(resources.get(partner)!).length).toBeLessThan(COPY_RESOURCE_BUDGET);
  });
});

describe('a copy that creates its table and bus', () => {
  it('creates its own table, built as the service builds it', () => {
    expect(first.table).not.toBe(ownTable);
    expect(resource(first.table).Properties).toMatchObject({ StreamSpecification: { StreamViewType: TABLE.streamView } });
    expect(resource(first.functions.join).Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalId(first.table) });
  });

  it('creates a bus and exposes it', () => {
    expect(ofType('AWS::Events::EventBus')).toHaveLength(2);
    expect(first.eventBus).not.toBe(ownBus);
    expect(resource(first.eventBus).Type).toBe('AWS::Events::EventBus');
  });

  it('keeps every log group, access logs included, for the retention given', () => {
    for (const group of [...logGroups(first), resource(first.api.accessLogs)]) expect(group.Properties.RetentionInDays).toBe(7);
  });

  it('applies the removal policy given to its table, user pool and log groups, and lifts deletion protection so DESTROY can work', () => {
    expect(resource(first.table)).toMatchObject({ DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    expect(resource(first.userPool!.pool)).toMatchObject({ DeletionPolicy: 'Delete', Properties: { DeletionProtection: 'INACTIVE' } });
    for (const group of [...logGroups(first), resource(first.api.accessLogs)]) expect(group.DeletionPolicy).toBe('Delete');
  });
});

describe('a copy given the owner\'s table and bus from the owner\'s stack', () => {
  it('uses that table and creates none for it', () => {
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(2);
    expect(ofType('AWS::DynamoDB::Table', [partner])).toHaveLength(0);
    expect(second.table).toBe(ownTable);
    for (const fn of Object.values(second.api.functions)) {
      if (fn === second.api.functions['get-openapi']) continue;
      expect(resource(fn.fn).Properties.Environment.Variables.TABLE_NAME).toEqual(imported(ownTable.tableName));
    }
    Template.fromStack(partner).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: imported(ownTable.tableStreamArn!),
      FunctionName: { Ref: logicalId(second.functions['notify-signup']) },
    });
  });

  it('may use the table\'s customer managed key: decrypt to read, encrypt too to write', () => {
    const keyActions = (invites: InviteLinks, name: keyof InviteLinks['functions']) =>
      ofType('AWS::IAM::Policy', [Stack.of(invites)])
        .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(invites.functions[name].role!) }]))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => JSON.stringify(st.Resource) === JSON.stringify(imported(key.keyArn)))
        .flatMap((st) => [st.Action].flat())
        .sort();
    expect(keyActions(second, 'get-me')).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(keyActions(second, 'join')).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  });

  it('uses that bus and creates none for it', () => {
    expect(second.eventBus).toBe(ownBus);
    expect(ofType('AWS::Events::EventBus', [partner])).toHaveLength(0);
    expect(resource(second.functions['publish-events']).Properties.Environment.Variables.EVENT_BUS_NAME).toEqual(imported(ownBus.eventBusName));
  });

  it('keeps the defaults: logs for 1 month (access logs 3), the user pool retained and protected', () => {
    for (const group of logGroups(second)) expect(group.Properties.RetentionInDays).toBe(30);
    expect(resource(second.api.accessLogs).Properties.RetentionInDays).toBe(90);
    expect(resource(second.userPool!.pool)).toMatchObject({ DeletionPolicy: 'Retain', Properties: { DeletionProtection: 'ACTIVE' } });
  });
});

describe('cdk-nag AwsSolutions in both stacks', () => {
  it('has no unacknowledged finding', () => {
    const findings = [product, partner].flatMap((stack) => nag.validateScope(stack).violations);
    expect(findings.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('a table the service cannot use', () => {
  it('without a stream, is refused at once', () => {
    const { stack } = userApp();
    const table = ownersTable(stack, 'NoStream', { stream: undefined });
    expect(() => new InviteLinks(stack, 'Invites', { ...base(), table })).toThrow(/no stream/);
  });

  it('with other keys, no by-domain index or a stream without new images, fails synth saying each', () => {
    const { app, stack } = userApp();
    const table = ownersTable(stack, 'Other', { partitionKey: { name: 'id', type: AttributeType.STRING }, stream: StreamViewType.KEYS_ONLY }, { index: false });
    new InviteLinks(stack, 'Invites', { ...base(), table });
    expect(() => app.synth()).toThrow(/key must be PK \(partition\) and SK[\s\S]*index GSI1[\s\S]*new images/);
  });

  it('without TTL on `ttl`, is used with a warning', () => {
    const { stack } = userApp();
    const table = ownersTable(stack, 'NoTtl', { timeToLiveAttribute: undefined });
    new InviteLinks(stack, 'Invites', { ...base(), table });
    Annotations.fromStack(stack).hasWarning('/Product/Invites', Match.stringLikeRegexp('TTL is not on "ttl"'));
  });
});

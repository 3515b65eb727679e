/**
 * Someone's own stack holding the service twice: one copy creates its table and bus, the other is
 * given a table and a bus of theirs. Bundling is skipped; invite-links-stack.test.ts covers it.
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

const ACCOUNT = '123456789012';
/** The owner's CloudFront web ACL, made in us-east-1 (InviteLinksEdgeStack or their own). */
const WEB_ACL_ARN = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/product-edge/0a1b2c3d-0000-4000-8000-000000000000`;
const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');

/** An app the way infra/app.ts builds one: cdk-nag's AwsSolutions pack on every synth, bundling skipped. */
function userApp() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const stack = new Stack(app, 'Product', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  return { app, nag, stack };
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

let stack: Stack;
let nag: AwsSolutionsChecks;
let template: Template;
let resources: Record<string, Resource>;
let first: InviteLinks;
let second: InviteLinks;
let ownTable: Table;
let ownBus: EventBus;
let key: Key;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
const resource = (c: IConstruct) => resources[logicalId(c)]!;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logGroups = (invites: InviteLinks) => [...Object.values(invites.api.functions), invites.notifier.function, invites.eventsFeed.function].map((fn) => resource(fn.logGroup));

beforeAll(() => {
  ({ nag, stack } = userApp());
  key = new Key(stack, 'TableKey', { enableKeyRotation: true });
  ownTable = ownersTable(stack, 'Directory', { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
  ownBus = new EventBus(stack, 'ProductEvents');

  first = new InviteLinks(stack, 'Invites', { ...base(), logRetention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY, webAclArn: WEB_ACL_ARN });
  second = new InviteLinks(stack, 'PartnerInvites', { ...base(), table: ownTable, eventBus: ownBus });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

describe('two copies in one stack', () => {
  it('make two APIs, each with every route of the operation table', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2 * OPERATION_LIST.length);
    expect(logicalId(first.api.httpApi)).not.toBe(logicalId(second.api.httpApi));
    expect(stack.resolve(first.apiUrl)).not.toEqual(stack.resolve(second.apiUrl));
  });

  it('make two sets of functions, each named by operation plus the notifier and the events feed', () => {
    const names = [...OPERATION_LIST.map((op) => op.name), 'notify-signup', 'publish-events'].sort();
    expect(Object.keys(first.functions).sort()).toEqual(names);
    expect(Object.keys(second.functions).sort()).toEqual(names);
    const ids = [...Object.values(first.functions), ...Object.values(second.functions)].map(logicalId);
    expect(new Set(ids).size).toBe(2 * names.length);
    for (const id of ids) expect(resources[id]!.Type).toBe('AWS::Lambda::Function');
    expect(first.functions['notify-signup']).toBe(first.notifier.function.fn);
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

  it('each pages bucket is deployed through the one BucketDeployment handler CDK shares', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
    const handlers = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
    expect(handlers).toHaveLength(1);
  });

  it('each serve pages and API from one distribution of their own', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 2);
    for (const invites of [first, second]) {
      const behaviors = resource(invites.web.distribution).Properties.DistributionConfig.CacheBehaviors as { PathPattern: string }[];
      expect(behaviors.map((b) => b.PathPattern)).toEqual(['/v1/*']);
      expect(stack.resolve(invites.apiUrl)).toEqual(stack.resolve(invites.webUrl));
    }
    expect(logicalId(first.api.originVerifySecret)).not.toBe(logicalId(second.api.originVerifySecret));
  });

  it('put the web ACL given in front of that copy; in eu-west-1 they make none, and the copy without one warns', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(resource(first.web.distribution).Properties.DistributionConfig.WebACLId).toBe(WEB_ACL_ARN);
    expect(resource(second.web.distribution).Properties.DistributionConfig).not.toHaveProperty('WebACLId');
    Annotations.fromStack(stack).hasWarning('/Product/PartnerInvites/Web', Match.stringLikeRegexp('No WAF web ACL'));
    Annotations.fromStack(stack).hasNoWarning('/Product/Invites/Web', Match.stringLikeRegexp('No WAF web ACL'));
  });

  it('leave the outputs to the stack they are in', () => {
    expect(template.findOutputs('*')).toEqual({});
  });
});

describe('a copy that creates its table and bus', () => {
  it('creates its own table, built as the service builds it', () => {
    expect(first.table).not.toBe(ownTable);
    expect(resource(first.table).Properties).toMatchObject({ StreamSpecification: { StreamViewType: TABLE.streamView } });
    expect(resource(first.functions.join).Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalId(first.table) });
  });

  it('creates a bus and exposes it', () => {
    template.resourceCountIs('AWS::Events::EventBus', 2);
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

describe('a copy given the owner\'s table and bus', () => {
  it('uses that table and creates none for it', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    expect(second.table).toBe(ownTable);
    for (const fn of Object.values(second.api.functions)) {
      if (fn === second.api.functions['get-openapi']) continue;
      expect(resource(fn.fn).Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalId(ownTable) });
    }
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(ownTable), 'StreamArn'] },
      FunctionName: { Ref: logicalId(second.functions['notify-signup']) },
    });
  });

  it('may use the table\'s customer managed key: decrypt to read, encrypt too to write', () => {
    const keyActions = (invites: InviteLinks, name: keyof InviteLinks['functions']) =>
      ofType('AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(invites.functions[name].role!) }]))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [logicalId(key), 'Arn'] }))
        .flatMap((st) => [st.Action].flat())
        .sort();
    expect(keyActions(second, 'get-me')).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(keyActions(second, 'join')).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  });

  it('uses that bus and creates none for it', () => {
    expect(second.eventBus).toBe(ownBus);
  });

  it('keeps the defaults: logs for 1 month (access logs 3), the user pool retained and protected', () => {
    for (const group of logGroups(second)) expect(group.Properties.RetentionInDays).toBe(30);
    expect(resource(second.api.accessLogs).Properties.RetentionInDays).toBe(90);
    expect(resource(second.userPool!.pool)).toMatchObject({ DeletionPolicy: 'Retain', Properties: { DeletionProtection: 'ACTIVE' } });
  });
});

describe('cdk-nag AwsSolutions in a stack with two copies', () => {
  it('has no unacknowledged finding', () => {
    expect(nag.validateScope(stack).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
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

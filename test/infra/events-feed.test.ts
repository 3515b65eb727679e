/**
 * The events feed, read from synthesized templates: the bus (the stack's own, or one given), the
 * publisher fed from the table's stream, its dead-letter queue and alarms, and what it may do.
 * Bundling is skipped; invite-links-stack.test.ts covers it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ITERATOR_AGE_ALARM_MS } from '../../infra/constructs/stream-reading.ts';
import type { ServiceFunction } from '../../infra/constructs/service-function.ts';
import { InviteLinks } from '../../infra/index.ts';
import { STREAM_CONSUMERS, STREAM_READERS_PER_SHARD } from '../../shared/streams/consumers.ts';
import { synthesize, type Synthesized } from './synth.ts';

const { filter: ACTIVITY_RECORD_FILTER, delivery: EVENTS_DELIVERY } = STREAM_CONSUMERS.eventsFeed;

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const feed = () => s.invites.eventsFeed;
const busArn = () => ({ 'Fn::GetAtt': [logicalId(s.invites.eventBus), 'Arn'] });
const streamArn = () => ({ 'Fn::GetAtt': [logicalId(s.invites.table), 'StreamArn'] });

/** Every statement of the policies attached to a function's role. */
function statements(template: Template, stack: Stack, fn: ServiceFunction): Statement[] {
  const role = stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (st: Statement) => [st.Action].flat();

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources;
});

describe('the event bus', () => {
  it('is the stack\'s own when none is given, and the feed is told its name', () => {
    s.template.resourceCountIs('AWS::Events::EventBus', 1);
    expect(resources[logicalId(s.invites.eventBus)]!.Type).toBe('AWS::Events::EventBus');
    expect(resources[logicalId(feed().function.fn)]!.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: logicalId(s.invites.eventBus) });
  });

  it('is named in the stack outputs, with the feed\'s dead-letter queue', () => {
    s.template.hasOutput('EventBusName', { Value: { Ref: logicalId(s.invites.eventBus) } });
    s.template.hasOutput('EventsDlqUrl', { Value: { Ref: logicalId(feed().deadLetters) } });
  });
});

describe('the publisher', () => {
  it('is functions/publish-events.ts, listed with the service\'s functions', () => {
    expect(s.invites.functions['publish-events']).toBe(feed().function.fn);
    expect(resources[logicalId(feed().function.fn)]!.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: EVENTS_DELIVERY.functionTimeoutSeconds,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('receives activity entries and join records only, filtered by the same definition the local stack uses', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(ACTIVITY_RECORD_FILTER) }] },
      EventSourceArn: streamArn(),
      FunctionName: { Ref: logicalId(feed().function.fn) },
    });
  });

  it('reports partial failures, bisects, retries a bounded number of times, then parks the record in SQS, as its delivery settings say', () => {
    expect(EVENTS_DELIVERY.reportBatchItemFailures).toBe(true);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(feed().function.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: EVENTS_DELIVERY.bisectBatchOnFunctionError,
      MaximumRetryAttempts: EVENTS_DELIVERY.maxRetryAttempts,
      MaximumRecordAgeInSeconds: EVENTS_DELIVERY.maxRecordAgeSeconds,
      BatchSize: EVENTS_DELIVERY.batchSize,
      ParallelizationFactor: EVENTS_DELIVERY.parallelizationFactor,
      StartingPosition: EVENTS_DELIVERY.startingPosition,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(feed().deadLetters), 'Arn'] } } },
    });
  });

  it('keeps failed records in an encrypted queue of its own that refuses plain HTTP', () => {
    expect(logicalId(feed().deadLetters)).not.toBe(logicalId(s.invites.notifier.deadLetters));
    expect(resources[logicalId(feed().deadLetters)]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(feed().deadLetters) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms on its dead letters, its errors and its iterator age', () => {
    const alarm = (a: { node: IConstruct['node'] } & IConstruct) => resources[logicalId(a)]!.Properties;
    expect(alarm(feed().alarms.deadLetters)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(feed().deadLetters), 'QueueName'] } }],
    });
    expect(alarm(feed().alarms.errors)).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(feed().function.fn) } }],
    });
    expect(alarm(feed().alarms.iteratorAge)).toMatchObject({ MetricName: 'IteratorAge', Threshold: ITERATOR_AGE_ALARM_MS, Statistic: 'Maximum' });
  });
});

describe('least privilege', () => {
  it('the publisher may put events on the bus and nowhere else', () => {
    const events = statements(s.template, s.stack, feed().function).filter((st) => actionsOf(st).some((a) => a.startsWith('events:')));
    expect(events).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn() }]);
  });

  it('no other function may put events', () => {
    const others = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) !== JSON.stringify([{ Ref: logicalId(feed().function.role) }]))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => actionsOf(st).some((a) => a.startsWith('events:')));
    expect(others).toEqual([]);
  });

  it('the publisher reads the stream, and in the table only what the link\'s guard needs (everything it publishes is in the record), told the table\'s name', () => {
    const dynamo = statements(s.template, s.stack, feed().function).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    const guard = STREAM_CONSUMERS.eventsFeed.tableActions.map((a) => `dynamodb:${a}`);
    expect(guard.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(dynamo.flatMap(actionsOf).sort()).toEqual([...guard, 'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'].sort());
    expect(resources[logicalId(feed().function.fn)]!.Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalId(s.invites.table) });
  });
});

describe('the table stream', () => {
  it('has two readers, the signup notifier and the events feed, as many as a shard takes: every further consumer subscribes on the bus', () => {
    const readers = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(streamArn()));
    expect(readers.map(([, m]) => m.Properties.FunctionName).sort((a, b) => a.Ref.localeCompare(b.Ref))).toEqual(
      [s.invites.notifier.function.fn, feed().function.fn].map((fn) => ({ Ref: logicalId(fn) })).sort((a, b) => a.Ref.localeCompare(b.Ref)),
    );
    expect(readers).toHaveLength(STREAM_READERS_PER_SHARD);
    const notifier = readers.find(([, m]) => m.Properties.FunctionName.Ref === logicalId(s.invites.notifier.function.fn))![1];
    expect(notifier.Properties.FilterCriteria).toEqual({ Filters: [{ Pattern: JSON.stringify(STREAM_CONSUMERS.notifier.filter) }] });
  });
});

describe('a bus given by the owner', () => {
  const GIVEN_BUS_ARN = 'arn:aws:events:eu-west-1:123456789012:event-bus/product-events';
  let template: Template;
  let stack: Stack;
  let invites: InviteLinks;

  beforeAll(() => {
    const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new Stack(app, 'Product', { env: { account: '123456789012', region: 'eu-west-1' } });
    const bus = EventBus.fromEventBusArn(stack, 'ProductEvents', GIVEN_BUS_ARN);
    invites = new InviteLinks(stack, 'Invites', { notifyFrom: 'invites@example.com', createUserPool: true, webAssetDir: web, eventBus: bus });
    template = Template.fromStack(stack);
  });

  it('is used: no bus is created, the feed publishes there and may put events there only', () => {
    template.resourceCountIs('AWS::Events::EventBus', 0);
    const fn = template.toJSON().Resources[stack.getLogicalId(invites.eventsFeed.function.fn.node.defaultChild as CfnElement)];
    expect(fn.Properties.Environment.Variables.EVENT_BUS_NAME).toBe('product-events');
    const events = statements(template, stack, invites.eventsFeed.function).filter((st) => actionsOf(st).some((a) => a.startsWith('events:')));
    expect(events).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: GIVEN_BUS_ARN }]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding on the events feed', () => {
    const { violations } = s.nag.validateScope(s.stack);
    const onFeed = violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.includes('/EventsFeed/')));
    expect(onFeed.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

/**
 * The service's health, read from synthesized templates: the dashboard, the API's 5xx alarm, and
 * every alarm notifying the topic given (or made for an email address) when it fires and when it is
 * OK again. Bundling is skipped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineServiceApp } from '../../infra/service-app.ts';
import { OPERATION_LIST } from '../../shared/contract/operations.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any> };

const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);
const ofType = (s: Synthesized, type: string) => Object.entries(s.template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);
/** The alarms the stack makes, by logical ID: the API's 5xx and BUSY joins, each stream reader's three, the timer sweep's two. */
const everyAlarm = ({ invites }: Synthesized) =>
  [
    invites.health.apiErrorsAlarm,
    invites.health.busyJoinsAlarm,
    ...Object.values(invites.notifier.alarms),
    ...Object.values(invites.eventsFeed.alarms),
    ...Object.values(invites.timerSweep.alarms),
  ].map(logicalId);
const violations = (s: Synthesized) => s.nag.validateScope(s.stack).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

let quiet: Synthesized;

beforeAll(() => {
  quiet = synthesize();
});

describe('the dashboard', () => {
  type Widget = { type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } };
  /** The dashboard's widgets, each CloudFormation reference written as the logical ID it names. */
  const widgets = (): Widget[] => {
    const [, dashboard] = ofType(quiet, 'AWS::CloudWatch::Dashboard')[0]!;
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const text = parts.map((part) => (typeof part === 'string' ? part : ((part as { Ref?: string }).Ref ?? (part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'].join('.')))).join('');
    return (JSON.parse(text) as { widgets: Widget[] }).widgets;
  };
  const metricsOf = (title: string) => widgets().find((w) => w.properties.title === title)!.properties.metrics!;
  /** [metric, ...dimension name and value pairs in name order, label]. */
  const labelled = (title: string) =>
    metricsOf(title).map((m) => {
      const pairs = m.slice(2, -1).flatMap((_, i, all) => (i % 2 === 0 ? [[all[i], all[i + 1]] as [string, unknown]] : [])).sort(([a], [b]) => a.localeCompare(b));
      return [m[1], ...pairs.flat(), (m.at(-1) as { label: string }).label];
    });
  const apiId = () => logicalId(quiet.invites.api.httpApi);

  it('shows the API\'s requests, 4xx, 5xx and latency (p50, p90, p99)', () => {
    expect(labelled('API requests')).toEqual([['Count', 'ApiId', apiId(), 'requests']]);
    expect(labelled('API 4xx and 5xx')).toEqual([['4xx', 'ApiId', apiId(), '4xx'], ['5xx', 'ApiId', apiId(), '5xx']]);
    expect(metricsOf('API latency (ms)').map((m) => (m.at(-1) as { stat: string }).stat)).toEqual(['p50', 'p90', 'p99']);
    for (const title of ['API requests', 'API 4xx and 5xx', 'API latency (ms)']) expect(metricsOf(title).every((m) => m[0] === 'AWS/ApiGateway'), title).toBe(true);
  });

  it('shows every function\'s errors and throttles, by name, the timer sweep\'s and the origin check\'s included', () => {
    const names = [...OPERATION_LIST.map((op) => op.name), 'notify-signup', 'publish-events', 'fire-timers', 'origin-check'].sort();
    for (const [title, metric] of [['Function errors', 'Errors'], ['Function throttles', 'Throttles']]) {
      expect(labelled(title!).map((m) => m.at(-1)).sort(), title).toEqual(names);
      expect(metricsOf(title!).every((m) => m[0] === 'AWS/Lambda' && m[1] === metric && m[2] === 'FunctionName'), title).toBe(true);
    }
    expect(labelled('Function errors')).toContainEqual(['Errors', 'FunctionName', logicalId(quiet.invites.api.originCheck.function), 'origin-check']);
    expect(labelled('Function errors')).toContainEqual(['Errors', 'FunctionName', logicalId(quiet.invites.timerSweep.function.fn), 'fire-timers']);
  });

  it('shows the dead letters waiting, how far behind the stream each reader is, and the table\'s and its index\'s throttles', () => {
    expect(labelled('Dead letters waiting')).toEqual([
      ['ApproximateNumberOfMessagesVisible', 'QueueName', `${logicalId(quiet.invites.notifier.deadLetters)}.QueueName`, 'signup notifications'],
      ['ApproximateNumberOfMessagesVisible', 'QueueName', `${logicalId(quiet.invites.eventsFeed.deadLetters)}.QueueName`, 'events'],
    ]);
    expect(labelled('Stream readers behind (ms)')).toEqual([
      ['IteratorAge', 'FunctionName', logicalId(quiet.invites.notifier.function.fn), 'notify-signup'],
      ['IteratorAge', 'FunctionName', logicalId(quiet.invites.eventsFeed.function.fn), 'publish-events'],
    ]);
    const table = logicalId(quiet.invites.table);
    const index = TABLE.byDomainIndex.name;
    expect(labelled('Table throttles')).toEqual([
      ['ReadThrottleEvents', 'TableName', table, 'reads'],
      ['WriteThrottleEvents', 'TableName', table, 'writes'],
      ['ReadThrottleEvents', 'GlobalSecondaryIndexName', index, 'TableName', table, `${index} reads`],
      ['WriteThrottleEvents', 'GlobalSecondaryIndexName', index, 'TableName', table, `${index} writes`],
    ]);
  });

  it('shows what the functions count: requests, problems by code, 5xx, joins and BUSY, conflicts, cold starts, emails, events, timers', () => {
    const titles = widgets().map((w) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Requests by function', 'Problems by function and code', '5xx answers by function', 'Joins and BUSY answers', 'Conflicts and retries', 'Cold starts', 'Emails', 'Events', 'Timers']));
    const search = (title: string) => metricsOf(title).map((m) => (m[0] as { expression: string }).expression);
    expect(search('Requests by function')).toEqual([`SEARCH('{InviteLinks,function,service} service="invite-links" MetricName="Requests"', 'Sum', 300)`]);
    expect(search('Problems by function and code')).toEqual([`SEARCH('{InviteLinks,code,function,service} service="invite-links" MetricName="Problems"', 'Sum', 300)`]);
    expect(search('Cold starts')).toEqual([`SEARCH('{InviteLinks,function,function_name,service} service="invite-links" MetricName="ColdStart"', 'Sum', 300)`]);
    expect(search('Conflicts and retries')).toEqual(['Conflicts', 'ConflictRetries'].map((name) => `SEARCH('{InviteLinks,function,service} service="invite-links" MetricName="${name}"', 'Sum', 300)`));
    expect(labelled('Joins and BUSY answers')).toEqual([
      ['Joins', 'function', 'join', 'service', 'invite-links', 'joins'],
      ['Problems', 'code', 'BUSY', 'function', 'join', 'service', 'invite-links', 'BUSY'],
    ]);
    expect(labelled('Emails')).toEqual([
      ['EmailsSent', 'function', 'notify-signup', 'service', 'invite-links', 'sent'],
      ['EmailsFailed', 'function', 'notify-signup', 'service', 'invite-links', 'failed attempts'],
    ]);
    expect(labelled('Events')).toEqual([
      ['EventsPublished', 'function', 'publish-events', 'service', 'invite-links', 'published'],
      ['EventsFailed', 'function', 'publish-events', 'service', 'invite-links', 'failed attempts'],
    ]);
    expect(labelled('Timers')).toEqual([
      ['TimersFired', 'function', 'fire-timers', 'service', 'invite-links', 'fired'],
      ['TimersFailed', 'function', 'fire-timers', 'service', 'invite-links', 'failed (fired again next minute)'],
    ]);
    for (const title of ['Joins and BUSY answers', 'Emails', 'Events', 'Timers']) expect(metricsOf(title).every((m) => m[0] === 'InviteLinks'), title).toBe(true);
  });

  it('lists every alarm with its state: the API\'s two, each stream reader\'s three and the timer sweep\'s two', () => {
    const alarms = widgets().find((w) => w.type === 'alarm')!.properties.alarms!;
    expect(alarms.sort()).toEqual(ofType(quiet, 'AWS::CloudWatch::Alarm').map(([id]) => `${id}.Arn`).sort());
    expect(alarms.sort()).toEqual(everyAlarm(quiet).map((id) => `${id}.Arn`).sort());
  });

  it('is named in the DashboardUrl output', () => {
    quiet.template.hasOutput('DashboardUrl', {
      Value: { 'Fn::Join': ['', ['https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/', { Ref: logicalId(quiet.invites.health.dashboard) }]] },
    });
  });
});

describe('the API\'s 5xx alarm', () => {
  it('fires on any 5xx answer in 5 minutes: a handler that failed (an AccessDenied too), timed out, or stayed BUSY', () => {
    expect(quiet.template.toJSON().Resources[logicalId(quiet.invites.health.apiErrorsAlarm)].Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(quiet.invites.api.httpApi) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('the alarm on joins answering BUSY', () => {
  it('fires when at least 5% of at least 20 joins in 5 minutes answered 503 BUSY', () => {
    const dimensions = (extra: { Name: string; Value: string }[] = []) =>
      [{ Name: 'service', Value: 'invite-links' }, { Name: 'function', Value: 'join' }, ...extra].sort((a, b) => a.Name.localeCompare(b.Name));
    const alarm = quiet.template.toJSON().Resources[logicalId(quiet.invites.health.busyJoinsAlarm)].Properties;
    expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    type AlarmMetric = { Id: string; MetricStat: { Metric: { Dimensions: { Name: string }[] } } };
    const byId: Record<string, AlarmMetric> = Object.fromEntries((alarm.Metrics as AlarmMetric[]).map((m) => [m.Id, m]));
    expect(byId.expr_1).toMatchObject({ Expression: 'IF(joins >= 20, 100 * FILL(busy, 0) / joins, 0)', ReturnData: true });
    const sorted = (m: AlarmMetric) => ({ ...m.MetricStat.Metric, Dimensions: [...m.MetricStat.Metric.Dimensions].sort((a, b) => a.Name.localeCompare(b.Name)) });
    expect(sorted(byId.joins!)).toEqual({ Namespace: 'InviteLinks', MetricName: 'Requests', Dimensions: dimensions() });
    expect(sorted(byId.busy!)).toEqual({ Namespace: 'InviteLinks', MetricName: 'Problems', Dimensions: dimensions([{ Name: 'code', Value: 'BUSY' }]) });
    for (const id of ['joins', 'busy']) expect(byId[id]).toMatchObject({ MetricStat: { Period: 300, Stat: 'Sum' }, ReturnData: false });
  });
});

describe('who hears about the alarms', () => {
  it('nobody without alarmTopic or alarmEmail: no topic, no action, no AlarmTopicArn output', () => {
    expect(ofType(quiet, 'AWS::SNS::Topic')).toEqual([]);
    for (const [id, alarm] of ofType(quiet, 'AWS::CloudWatch::Alarm')) expect(alarm.Properties, id).not.toHaveProperty('AlarmActions');
    expect(quiet.template.toJSON().Outputs).not.toHaveProperty('AlarmTopicArn');
  });

  it('with alarmEmail, every alarm tells a new encrypted topic when it fires and when it is OK again, and the address is subscribed', () => {
    const s = synthesize({ alarmEmail: 'ops@example.com' });
    const [[topicId, topic]] = ofType(s, 'AWS::SNS::Topic') as [[string, Resource]];
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id).sort()).toEqual(everyAlarm(s).sort());
    for (const [id, alarm] of alarms) expect(alarm.Properties, id).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } });
    s.template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });

    // CloudWatch cannot publish under the AWS managed SNS key: a key of the topic's own lets it in, as does the topic.
    // The topic's own key, beside the link key every stack has.
    const [[keyId, key]] = ofType(s, 'AWS::KMS::Key').filter(([id]) => id !== s.stack.getLogicalId(s.invites.linkKey.node.defaultChild as CfnElement)) as [[string, Resource]];
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const fromAlarms = {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']] } },
    };
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: fromAlarms });
    const [[, policy]] = ofType(s, 'AWS::SNS::TopicPolicy') as [[string, Resource]];
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topicId }, Condition: fromAlarms }),
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]));
    expect(violations(s)).toEqual([]);
  });

  it('with alarmTopicArn, every alarm tells that topic, and nothing is made', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:ops-paging';
    const s = synthesize({ alarmTopicArn: arn });
    expect(ofType(s, 'AWS::SNS::Topic')).toEqual([]);
    for (const [id, alarm] of ofType(s, 'AWS::CloudWatch::Alarm')) expect(alarm.Properties, id).toMatchObject({ AlarmActions: [arn], OKActions: [arn] });
    s.template.hasOutput('AlarmTopicArn', { Value: arn });
  });

  it('takes a topic or an address, not both', () => {
    expect(() => synthesize({ alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops', alarmEmail: 'ops@example.com' })).toThrow(/not both/);
  });

  it('is set from the app\'s context: -c alarmEmail=... or -c alarmTopicArn=...', () => {
    const pages = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
    writeFileSync(join(pages, 'index.html'), '');
    for (const [key, value] of [['alarmEmail', 'ops@example.com'], ['alarmTopicArn', 'arn:aws:sns:us-east-1:123456789012:ops']]) {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [], webAssetDir: pages, createUserPool: 'true', notifyFrom: 'invites@example.com', [key!]: value } });
      const { stack } = defineServiceApp(app, { account: '123456789012', region: 'us-east-1' });
      expect(stack.invites.health.alarmTopic, key).toBeDefined();
    }
  });
});

/**
 * The service's health and who hears about it: a CloudWatch dashboard (the API's requests, 4xx,
 * 5xx and latency; each function's errors and throttles; the dead-letter queues; how far behind
 * the stream its readers are; the table's throttles; and what the functions count themselves:
 * requests, problems by code, joins, BUSY answers, conflicts, cold starts, emails, events), alarms
 * on the API's 5xx answers and on the share of joins answering BUSY, and the SNS topic every alarm
 * notifies when one is given or an email address is (an encrypted topic is made for it).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE } from '#shared/store/dynamodb/table.ts';
import { serviceMetrics } from './service-metrics.ts';

/** Every graph's resolution, and the alarms' period. */
const PERIOD = Duration.minutes(5);

/**
 * A join answers BUSY only when conflicts outlast its retries (none in the bench's 1,800 contended
 * joins), so 5% of at least 20 joins in a period is a conflict storm, not bad luck.
 */
export const BUSY_JOINS_ALARM = { percent: 5, minJoins: 20 } as const;

export interface HealthProps {
  httpApi: HttpApi;
  /** Every function by name, graphed for errors and throttles. */
  functions: Record<string, IFunction>;
  /** The stream readers by name: how far behind the stream each is. */
  streamReaders: Record<string, IFunction>;
  /** The dead-letter queues by what they hold. */
  deadLetters: Record<string, IQueue>;
  table: ITable;
  /** Where the alarms go: a topic of yours. */
  alarmTopic?: ITopic;
  /** Where the alarms go: a new encrypted topic with this address subscribed (it must confirm). */
  alarmEmail?: string;
}

export class Health extends Construct {
  readonly dashboard: Dashboard;
  /** The API answered 5xx: a handler failed (INTERNAL, an AccessDenied included), timed out, or joins stayed BUSY. */
  readonly apiErrorsAlarm: Alarm;
  /** A share of joins answered 503 BUSY: conflicts on the link's counters or the domain's gates outlast the retries. */
  readonly busyJoinsAlarm: Alarm;
  /** What every alarm notifies, when one was given or made. */
  readonly alarmTopic?: ITopic;

  constructor(scope: Construct, id: string, props: HealthProps) {
    super(scope, id);
    if (props.alarmTopic && props.alarmEmail) throw new Error('Give the alarms a topic (alarmTopic) or an email address (alarmEmail), not both: subscribe the address to your topic yourself.');
    this.alarmTopic = props.alarmTopic ?? (props.alarmEmail ? emailTopic(this, props.alarmEmail) : undefined);

    const { httpApi } = props;
    this.apiErrorsAlarm = new Alarm(this, 'ApiErrorsAlarm', {
      alarmDescription: 'The API answered 5xx: a handler failed or timed out (an AccessDenied is a 500 too), or joins stayed BUSY.',
      metric: httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const service = serviceMetrics(PERIOD);
    this.busyJoinsAlarm = new Alarm(this, 'BusyJoinsAlarm', {
      alarmDescription: `At least ${BUSY_JOINS_ALARM.percent}% of joins answered 503 BUSY in 5 minutes: transaction conflicts outlast the join's retries.`,
      metric: service.busyJoinsPercent(BUSY_JOINS_ALARM.minJoins),
      threshold: BUSY_JOINS_ALARM.percent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const fns = Object.entries(props.functions);
    const tableMetric = (metricName: string, label: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        statistic: 'Sum',
        period: PERIOD,
        label,
      });
    const graph = (title: string, left: IMetric[], width = 8) => new GraphWidget({ title, left, width, height: 6 });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      graph('API requests', [httpApi.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' })]),
      graph('API 4xx and 5xx', [
        httpApi.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
        httpApi.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
      ]),
      graph('API latency (ms)', ['p50', 'p90', 'p99'].map((statistic) => httpApi.metricLatency({ period: PERIOD, statistic, label: statistic }))),
    );
    this.dashboard.addWidgets(
      graph('Function errors', fns.map(([name, fn]) => fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: name })), 12),
      graph('Function throttles', fns.map(([name, fn]) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: name })), 12),
    );
    this.dashboard.addWidgets(
      graph('Dead letters waiting', Object.entries(props.deadLetters).map(([label, queue]) => queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label }))),
      graph('Stream readers behind (ms)', Object.entries(props.streamReaders).map(([label, fn]) => fn.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum', label }))),
      graph('Table throttles', [
        tableMetric('ReadThrottleEvents', 'reads'),
        tableMetric('WriteThrottleEvents', 'writes'),
        tableMetric('ReadThrottleEvents', `${TABLE.byDomainIndex.name} reads`, TABLE.byDomainIndex.name),
        tableMetric('WriteThrottleEvents', `${TABLE.byDomainIndex.name} writes`, TABLE.byDomainIndex.name),
      ]),
    );
    // What the functions count themselves, three graphs a row.
    const counted = Object.entries(service.graphs).map(([title, lines]) => graph(title, lines));
    for (let i = 0; i < counted.length; i += 3) this.dashboard.addWidgets(...counted.slice(i, i + 3));
  }

  /** Lists `alarms` on the dashboard and, with a topic, has each notify it when it fires and when it is OK again. */
  watch(alarms: Alarm[]): void {
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 3 }));
    if (!this.alarmTopic) return;
    const action = new SnsAction(this.alarmTopic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}

/**
 * A topic for the alarms with the address subscribed. Encrypted with a key of its own: CloudWatch
 * cannot publish to a topic under the AWS managed SNS key, so the key and the topic let it in.
 */
function emailTopic(scope: Construct, email: string): Topic {
  const { account, region, partition } = Stack.of(scope);
  const fromAlarms = { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` } };
  const key = new Key(scope, 'AlarmKey', {
    description: 'invite-links: encrypts the alarm topic',
    enableKeyRotation: true,
    // It protects notifications in flight only: nothing stored outlives the stack.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(
    new PolicyStatement({ principals: [new ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromAlarms }),
  );
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'invite-links alarms', masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(
    new PolicyStatement({ principals: [new ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['sns:Publish'], resources: [topic.topicArn], conditions: fromAlarms }),
  );
  topic.addSubscription(new EmailSubscription(email));
  return topic;
}

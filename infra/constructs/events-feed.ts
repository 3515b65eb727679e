/**
 * The events feed: the table's stream, filtered to activity entries by the same definition the
 * local stream reader uses, feeds functions/publish-events.ts, which puts each entry on the bus as
 * one EventBridge event. Failures are reported per record, bisected, retried a bounded number of
 * times, then parked in an encrypted SQS queue; alarms watch that queue, the function's errors and
 * how far behind the stream it is. With the notifier it is one of the stream's two readers; every
 * further consumer subscribes on the bus (docs/events.md).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTIVITY_RECORD_FILTER, EVENTS_DELIVERY } from '#shared/store/dynamodb/table.ts';
import { ServiceFunction, type LogOptions, type TableAction } from './service-function.ts';

/** Everything it publishes is in the stream record's new image: it reads and writes nothing in the table. */
export const EVENTS_FEED_TABLE_ACTIONS: readonly TableAction[] = [];

/** IteratorAge alarm: events should be on the bus within seconds; five minutes behind is an incident. */
export const EVENTS_ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

export interface EventsFeedProps {
  /** Must have a stream with new images. */
  table: ITable;
  /** Where the events go; the function may put events on this bus only. */
  eventBus: IEventBus;
  /** defaults to functions/publish-events.ts */
  entry?: string;
  logs?: LogOptions;
}

export class EventsFeed extends Construct {
  readonly function: ServiceFunction;
  readonly deadLetters: Queue;
  readonly alarms: { deadLetters: Alarm; errors: Alarm; iteratorAge: Alarm };

  constructor(scope: Construct, id: string, props: EventsFeedProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'PublishEvents', {
      name: 'publish-events',
      ...(props.entry ? { entry: props.entry } : {}),
      description: 'invite-links: publishes each change (activity entry on the table stream) on the event bus',
      timeout: Duration.seconds(EVENTS_DELIVERY.functionTimeoutSeconds),
      environment: { EVENT_BUS_NAME: props.eventBus.eventBusName },
      logs: props.logs,
    }).bindTable(props.table, EVENTS_FEED_TABLE_ACTIONS);
    props.eventBus.grantPutEventsTo(this.function.role);

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the terminal on-failure destination of the stream mapping; nothing consumes it automatically, an alarm pages on its depth.',
    });

    this.function.fn.addEventSource(
      // Every number comes from EVENTS_DELIVERY, which the local stream reader follows too.
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition[EVENTS_DELIVERY.startingPosition],
        batchSize: EVENTS_DELIVERY.batchSize,
        bisectBatchOnError: EVENTS_DELIVERY.bisectBatchOnFunctionError,
        reportBatchItemFailures: EVENTS_DELIVERY.reportBatchItemFailures,
        retryAttempts: EVENTS_DELIVERY.maxRetryAttempts,
        maxRecordAge: Duration.seconds(EVENTS_DELIVERY.maxRecordAgeSeconds),
        parallelizationFactor: EVENTS_DELIVERY.parallelizationFactor,
        onFailure: new SqsDlq(this.deadLetters),
        filters: [FilterCriteria.filter(ACTIVITY_RECORD_FILTER as unknown as Record<string, unknown>)],
      }),
    );
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams (added by the stream event source) and X-Ray writes support no resource-level permissions.',
    });

    const fn = this.function.fn;
    this.alarms = {
      deadLetters: new Alarm(this, 'DeadLettersAlarm', {
        alarmDescription: 'An event failed every retry and waits, unpublished, in the events feed\'s dead-letter queue.',
        metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      errors: new Alarm(this, 'ErrorsAlarm', {
        alarmDescription: 'The events feed function failed (a whole invocation, not one record).',
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      iteratorAge: new Alarm(this, 'IteratorAgeAlarm', {
        alarmDescription: 'The events feed is falling behind the table stream.',
        metric: fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: EVENTS_ITERATOR_AGE_ALARM_MS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
  }
}

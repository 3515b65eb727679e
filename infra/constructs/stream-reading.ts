/**
 * What every reader of the table's stream has, in one place: the event source mapping with its
 * filter and delivery numbers (the ones the local stream reader follows too), an encrypted SQS
 * dead-letter queue as its on-failure destination, and alarms on that queue, on the function's
 * errors and on how far behind the stream it is. Every entry of the stream consumer table gets it
 * (stream-consumer.ts).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RecordFilter, StreamConsumer } from '#shared/streams/consumers.ts';
import type { ServiceFunction } from './service-function.ts';

/** IteratorAge alarm: a reader should be within seconds of the stream; five minutes behind is an incident. */
export const ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

export interface StreamReading {
  table: ITable;
  filter: RecordFilter;
  delivery: StreamConsumer['delivery'];
  /** What each alarm says when it fires. */
  alarmDescriptions: StreamConsumer['alarms'];
}

/** Wires `fn` to the stream in `scope` (ids DeadLetters, DeadLettersAlarm, ErrorsAlarm, IteratorAgeAlarm). */
export function readStream(scope: Construct, fn: ServiceFunction, reading: StreamReading): { deadLetters: Queue; alarms: { deadLetters: Alarm; errors: Alarm; iteratorAge: Alarm } } {
  const { delivery } = reading;
  const deadLetters = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetters).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the terminal on-failure destination of the stream mapping; nothing consumes it automatically, an alarm pages on its depth.',
  });

  fn.fn.addEventSource(
    new DynamoEventSource(reading.table, {
      startingPosition: StartingPosition[delivery.startingPosition],
      batchSize: delivery.batchSize,
      bisectBatchOnError: delivery.bisectBatchOnFunctionError,
      reportBatchItemFailures: delivery.reportBatchItemFailures,
      retryAttempts: delivery.maxRetryAttempts,
      maxRecordAge: Duration.seconds(delivery.maxRecordAgeSeconds),
      parallelizationFactor: delivery.parallelizationFactor,
      onFailure: new SqsDlq(deadLetters),
      filters: [FilterCriteria.filter(reading.filter)],
    }),
  );
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'dynamodb:ListStreams (added by the stream event source) and X-Ray writes support no resource-level permissions.',
  });

  const alarm = (id: string, alarmDescription: string, metric: Alarm['metric'], threshold: number, evaluationPeriods: number) =>
    new Alarm(scope, id, { alarmDescription, metric, threshold, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods, treatMissingData: TreatMissingData.NOT_BREACHING });
  const { alarmDescriptions: say } = reading;
  return {
    deadLetters,
    alarms: {
      deadLetters: alarm('DeadLettersAlarm', say.deadLetters, deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 0, 1),
      errors: alarm('ErrorsAlarm', say.errors, fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 0, 1),
      iteratorAge: alarm('IteratorAgeAlarm', say.iteratorAge, fn.fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }), ITERATOR_AGE_ALARM_MS, 5),
    },
  };
}

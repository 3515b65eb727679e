/**
 * The signup notifier: the table's stream, filtered to join records by the same definition the
 * local stream reader uses, feeds functions/notify-signup.ts. Failures are reported per record,
 * bisected, retried a bounded number of times, then parked in an encrypted SQS queue; alarms
 * watch that queue, the function's errors and how far behind the stream it is.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOIN_RECORD_FILTER, NOTIFIER_DELIVERY } from '#shared/store/dynamodb/table.ts';
import { ServiceFunction, type LogOptions, type TableAction } from './service-function.ts';

/** It claims each join with a conditional write, then reads the creator's membership and the domain's directory together. */
export const NOTIFIER_TABLE_ACTIONS: readonly TableAction[] = ['BatchGetItem', 'PutItem', 'UpdateItem'];

/** IteratorAge alarm: joins should be mailed within seconds; five minutes behind is an incident. */
export const ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

export interface NotifierProps {
  /** Must have a stream with new images. */
  table: ITable;
  /** The SES sender, e.g. `invites@example.com` or `Invite Links <invites@example.com>`. */
  notifyFrom: string;
  publicBaseUrl: string;
  /** defaults to functions/notify-signup.ts */
  entry?: string;
  logs?: LogOptions;
}

export class Notifier extends Construct {
  readonly function: ServiceFunction;
  readonly deadLetters: Queue;
  readonly alarms: { deadLetters: Alarm; errors: Alarm; iteratorAge: Alarm };

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'NotifySignup', {
      name: 'notify-signup',
      ...(props.entry ? { entry: props.entry } : {}),
      description: 'invite-links: emails a link creator for each join (table stream)',
      timeout: Duration.seconds(NOTIFIER_DELIVERY.functionTimeoutSeconds),
      // PUBLIC_BASE_URL also gives the emails their link to the domain's users page.
      environment: { NOTIFY_FROM: props.notifyFrom, PUBLIC_BASE_URL: props.publicBaseUrl },
      logs: props.logs,
    }).bindTable(props.table, NOTIFIER_TABLE_ACTIONS);

    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ses:SendEmail'], resources: sesIdentityArns(this, props.notifyFrom) }),
    );

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
      // Every number comes from NOTIFIER_DELIVERY, which the local stream reader follows too.
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition[NOTIFIER_DELIVERY.startingPosition],
        batchSize: NOTIFIER_DELIVERY.batchSize,
        bisectBatchOnError: NOTIFIER_DELIVERY.bisectBatchOnFunctionError,
        reportBatchItemFailures: NOTIFIER_DELIVERY.reportBatchItemFailures,
        retryAttempts: NOTIFIER_DELIVERY.maxRetryAttempts,
        maxRecordAge: Duration.seconds(NOTIFIER_DELIVERY.maxRecordAgeSeconds),
        parallelizationFactor: NOTIFIER_DELIVERY.parallelizationFactor,
        onFailure: new SqsDlq(this.deadLetters),
        filters: [FilterCriteria.filter(JOIN_RECORD_FILTER as unknown as Record<string, unknown>)],
      }),
    );
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams (added by the stream event source) and X-Ray writes support no resource-level permissions.',
    });

    const fn = this.function.fn;
    this.alarms = {
      deadLetters: new Alarm(this, 'DeadLettersAlarm', {
        alarmDescription: 'A join notification failed every retry and waits in the dead-letter queue.',
        metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      errors: new Alarm(this, 'ErrorsAlarm', {
        alarmDescription: 'The notifier function failed (a whole invocation, not one record).',
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      iteratorAge: new Alarm(this, 'IteratorAgeAlarm', {
        alarmDescription: 'The notifier is falling behind the table stream.',
        metric: fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: ITERATOR_AGE_ALARM_MS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
  }
}

/** The sender address and its domain: SES authorizes against whichever of the two identities is verified. */
export function senderIdentities(notifyFrom: string): string[] {
  const address = (/<([^>]+)>/.exec(notifyFrom)?.[1] ?? notifyFrom).trim();
  const domain = address.split('@')[1];
  if (!domain) throw new Error(`notifyFrom must be an email address, got "${notifyFrom}"`);
  return [address, domain];
}

function sesIdentityArns(scope: Construct, notifyFrom: string): string[] {
  const stack = Stack.of(scope);
  return senderIdentities(notifyFrom).map((identity) =>
    stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
  );
}

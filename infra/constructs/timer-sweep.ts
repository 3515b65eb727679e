/**
 * The timer sweep made real (shared/timer-sweep.ts): its function with exactly its table actions,
 * an EventBridge Scheduler schedule that invokes it every minute, and alarms on its failing as a
 * whole and on timers that keep failing. A missed or failed run needs no retry: the next one
 * fires everything still due, so neither the schedule nor Lambda's asynchronous invocation retries.
 */
import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DIMENSIONS, METRIC, NAMESPACE, SERVICE_NAME } from '#shared/observability/names.ts';
import { TIMER_SWEEP } from '#shared/timer-sweep.ts';
import { ServiceFunction, type LogOptions } from './service-function.ts';

export interface TimerSweepProps {
  table: ITable;
  logs?: LogOptions;
}

export class TimerSweep extends Construct {
  readonly function: ServiceFunction;
  readonly schedule: Schedule;
  /** The role the schedule invokes the function with. */
  readonly invokeRole: Role;
  readonly alarms: { errors: Alarm; failedTimers: Alarm };

  constructor(scope: Construct, id: string, props: TimerSweepProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'FireTimers', {
      name: TIMER_SWEEP.name,
      description: TIMER_SWEEP.description,
      timeout: Duration.seconds(TIMER_SWEEP.functionTimeoutSeconds),
      logs: props.logs,
    }).bindTable(props.table, TIMER_SWEEP.tableActions);
    // Scheduler invokes asynchronously, so Lambda would retry a failed sweep twice on its own, overlapping the next runs.
    this.function.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });

    // The schedule's own role, which only this account's EventBridge Scheduler may take on; the target grants it this function's invoke.
    const stack = Stack.of(this);
    this.invokeRole = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    const functionId = stack.resolve(stack.getLogicalId(this.function.fn.node.defaultChild as CfnElement)) as string;
    Validations.of(this.invokeRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason: 'LambdaInvoke grants lambda:InvokeFunction on the timer sweep function and its versions (`:*`), nothing else.',
    });
    this.schedule = new Schedule(this, 'EveryMinute', {
      description: 'invite-links: the timer sweep, every minute',
      schedule: ScheduleExpression.rate(Duration.minutes(TIMER_SWEEP.everyMinutes)),
      // No retries: the next run, a minute later, fires whatever is still due.
      target: new LambdaInvoke(this.function.fn, { role: this.invokeRole, retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
    });

    const alarm = (alarmId: string, alarmDescription: string, metric: Alarm['metric']) =>
      new Alarm(this, alarmId, { alarmDescription, metric, threshold: 0, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: TreatMissingData.NOT_BREACHING });
    const failed = new Metric({
      namespace: NAMESPACE,
      metricName: METRIC.timersFailed,
      dimensionsMap: { [DIMENSIONS.service]: SERVICE_NAME, [DIMENSIONS.function]: TIMER_SWEEP.name },
      statistic: 'Sum',
      period: Duration.minutes(1),
    });
    this.alarms = {
      errors: alarm('ErrorsAlarm', TIMER_SWEEP.alarms.errors, this.function.fn.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' })),
      failedTimers: alarm('FailedTimersAlarm', TIMER_SWEEP.alarms.failedTimers, failed),
    };
  }
}

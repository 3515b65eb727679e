/**
 * The events feed: the table's stream, filtered to activity entries by the same definition the
 * local stream reader uses, feeds functions/publish-events.ts, which puts each entry on the bus as
 * one EventBridge event. Failures are reported per record, bisected, retried a bounded number of
 * times, then parked in an encrypted SQS queue; alarms watch that queue, the function's errors and
 * how far behind the stream it is. With the notifier it is one of the stream's two readers; every
 * further consumer subscribes on the bus (docs/events.md).
 */
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTIVITY_RECORD_FILTER, EVENTS_DELIVERY } from '#shared/store/dynamodb/table.ts';
import { ServiceFunction, type LogOptions, type TableAction } from './service-function.ts';
import { readStream } from './stream-reading.ts';

/** Everything it publishes is in the stream record's new image: it reads and writes nothing in the table. */
export const EVENTS_FEED_TABLE_ACTIONS: readonly TableAction[] = [];


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

    ({ deadLetters: this.deadLetters, alarms: this.alarms } = readStream(this, this.function, {
      table: props.table,
      filter: ACTIVITY_RECORD_FILTER,
      delivery: EVENTS_DELIVERY,
      alarmDescriptions: {
        deadLetters: 'An event failed every retry and waits, unpublished, in the events feed\'s dead-letter queue.',
        errors: 'The events feed function failed (a whole invocation, not one record).',
        iteratorAge: 'The events feed is falling behind the table stream.',
      },
    }));
  }
}

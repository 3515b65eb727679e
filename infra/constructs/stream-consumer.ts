/**
 * The stream consumer table (shared/streams/consumers.ts) made real, one entry at a time: its
 * function (functions/<name>.ts, with the timeout its delivery says), its table actions, the
 * settings it is told, its grants outside the table, and its reading of the stream
 * (stream-reading.ts: the mapping with the entry's filter and numbers, a dead-letter queue, alarms).
 * Construct ids come from the entry's key and name, so the signup notifier and the events feed keep
 * the logical ids they had as constructs of their own.
 */
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkStreamReaders, CONSUMER_LIST, type ConsumerKey, type ConsumerSetting, type NamedStreamConsumer } from '#shared/streams/consumers.ts';
import { CONSUMER_GRANTS, type GrantTargets } from './consumer-grants.ts';
import { ServiceFunction, type LogOptions } from './service-function.ts';
import { readStream } from './stream-reading.ts';

/** What every consumer is wired to; each takes what its entry names. */
export interface ConsumerSurroundings extends GrantTargets {
  /** Must have a stream with new images. */
  table: ITable;
  /** The value of each setting a consumer may be told. */
  settings: Record<ConsumerSetting, string>;
  logs?: LogOptions;
}

export interface StreamConsumerProps extends ConsumerSurroundings {
  consumer: NamedStreamConsumer;
  /** Defaults to functions/<name>.ts. */
  entry?: string;
}

export class StreamConsumerFunction extends Construct {
  readonly consumer: NamedStreamConsumer;
  readonly function: ServiceFunction;
  readonly deadLetters: Queue;
  readonly alarms: { deadLetters: Alarm; errors: Alarm; iteratorAge: Alarm };

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const { consumer } = props;
    this.consumer = consumer;
    this.function = new ServiceFunction(this, pascal(consumer.name), {
      name: consumer.name,
      ...(props.entry ? { entry: props.entry } : {}),
      description: consumer.description,
      timeout: Duration.seconds(consumer.delivery.functionTimeoutSeconds),
      environment: Object.fromEntries(consumer.environment.map((setting) => [setting, props.settings[setting]])),
      logs: props.logs,
    }).bindTable(props.table, consumer.tableActions);
    for (const grant of consumer.grants) CONSUMER_GRANTS[grant](this.function, props);

    ({ deadLetters: this.deadLetters, alarms: this.alarms } = readStream(this, this.function, {
      table: props.table,
      filter: consumer.filter,
      delivery: consumer.delivery,
      alarmDescriptions: consumer.alarms,
    }));
  }
}

/**
 * One StreamConsumerFunction per entry, in `scope` under the entry's key (Notifier, EventsFeed), once
 * the table is known to fit the stream's readers. `consumers` defaults to the table; tests give others.
 */
export function streamConsumers(
  scope: Construct,
  props: ConsumerSurroundings & { entries?: Partial<Record<string, string>>; consumers?: readonly NamedStreamConsumer[] },
): Record<ConsumerKey, StreamConsumerFunction> {
  const consumers = props.consumers ?? CONSUMER_LIST;
  checkStreamReaders(consumers);
  return Object.fromEntries(
    consumers.map((consumer) => {
      const entry = props.entries?.[consumer.name];
      return [consumer.key, new StreamConsumerFunction(scope, pascal(consumer.key), { ...props, consumer, ...(entry ? { entry } : {}) })];
    }),
  ) as Record<ConsumerKey, StreamConsumerFunction>;
}

/** `notify-signup` and `eventsFeed` as construct ids: `NotifySignup`, `EventsFeed`. */
const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

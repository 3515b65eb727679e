/**
 * The functions that read the table's stream, as the CDK wires them: AWS lets two readers share a
 * stream shard, and these are the two (docs/events.md). Anything else subscribes to the events on
 * the bus instead.
 */
import { ACTIVITY_RECORD_FILTER, EVENTS_DELIVERY, JOIN_RECORD_FILTER, NOTIFIER_DELIVERY } from '#shared/store/dynamodb/table.ts';
import type { FilterPattern } from './lambda-stream-event.ts';
import type { StreamHandler } from './stream-reader.ts';

export interface StreamConsumer {
  /** The function's name, as in functions/<name>.ts. */
  name: string;
  filter: FilterPattern;
  delivery: { batchSize: number; maxRetryAttempts: number; maxRecordAgeSeconds: number };
  /** Imported once the stack's environment is set, like a cold start. */
  load(): Promise<StreamHandler>;
}

export const STREAM_CONSUMERS = {
  notifier: {
    name: 'notify-signup',
    filter: JOIN_RECORD_FILTER,
    delivery: NOTIFIER_DELIVERY,
    load: async () => ((await import('#functions/notify-signup.ts')) as { handler: StreamHandler }).handler,
  },
  eventsFeed: {
    name: 'publish-events',
    filter: ACTIVITY_RECORD_FILTER,
    delivery: EVENTS_DELIVERY,
    load: async () => ((await import('#functions/publish-events.ts')) as { handler: StreamHandler }).handler,
  },
} as const satisfies Record<string, StreamConsumer>;

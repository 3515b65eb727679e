/**
 * The notifier's own DynamoDB work per join (one invocation with a one-record batch, in this
 * process), then the load test (load.ts) with the notifier reading the stream as its function would.
 */
import type { LocalStack } from '../local/stack.ts';
import { fromStreamEnd, startStreamReader } from '../local/stream-reader.ts';
import { STREAM_CONSUMERS } from '../shared/streams/consumers.ts';
import type { callRecorder, meter, Reading } from './dynamodb-meter.ts';
import { joinRecordBatch, type ColdWorld } from './first-invocations.ts';
import { loadTest, quiet, type LoadResult } from './load.ts';
import type { localApi } from './local-api.ts';
import { DOMAIN } from './operations.ts';

export async function loadSection(o: {
  api: ReturnType<typeof localApi>;
  stack: LocalStack;
  dynamoEndpoint: string;
  sesEndpoint: string;
  meters: { dynamoMeter: ReturnType<typeof meter>; recorder: ReturnType<typeof callRecorder> };
  /** A link of the bench's domain, for the join record the notifier is given. */
  link: ColdWorld['link'];
  log: (step: string) => void;
}): Promise<{ notifierWork: Reading; emailsPerJoin: number; load: LoadResult }> {
  o.log('notifier work per join');
  const { handler: notify } = (await import('../functions/notify-signup.ts')) as { handler: (event: unknown) => Promise<{ batchItemFailures: unknown[] }> };
  let notifierWork!: Reading;
  const notifierCalls = await o.meters.recorder.record(async () => {
    notifierWork = await o.meters.dynamoMeter.measure(async () => {
      const { batchItemFailures } = await notify(joinRecordBatch({ domainId: DOMAIN, link: o.link }));
      if (batchItemFailures.length > 0) throw new Error('the notifier failed its one record');
    });
  });
  const emailsPerJoin = notifierCalls.filter((c) => c.client === 'ses' && /^Send/.test(c.command)).length;

  // The stream reader runs the notifier to the end of the load test, started at the stream's end: the contention section's joins
  // before it (up to 25,000) are not this load, and catching up with them outlasted the test's wait.
  const notifier = await startStreamReader({
    streamArn: o.stack.streamArn,
    dynamoEndpoint: o.dynamoEndpoint,
    tableName: o.stack.tableName,
    consumer: fromStreamEnd(STREAM_CONSUMERS.notifier),
    iam: o.stack.iam,
  });
  try {
    await quiet(o.sesEndpoint);
    o.log('load: 500 joins, 50 at a time, one join sent twice, then a delete-all racing joins');
    return { notifierWork, emailsPerJoin, load: await loadTest(o.api, o.sesEndpoint, o.stack.url) };
  } finally {
    await notifier.stop();
  }
}

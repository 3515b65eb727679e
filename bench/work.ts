/**
 * What each operation costs, through the front door: its DynamoDB work (counted by the SDK, and
 * which items its transaction holds), the kills' work with 10 and with 10,000 links, and its warm
 * latency against the same DynamoDB calls made directly.
 */
import type { Store } from '../shared/store/store.ts';
import { heldItems, type callRecorder, type meter, type Reading } from './dynamodb-meter.ts';
import type { localApi } from './local-api.ts';
import { DOMAIN, type Operation } from './operations.ts';
import { OWNER, type seeder } from './seed.ts';
import { median, percentile, round } from './stats.ts';
import { TARGETS, type Work } from './targets.ts';

export interface Meters {
  dynamoMeter: ReturnType<typeof meter>;
  recorder: ReturnType<typeof callRecorder>;
}

export interface Latency {
  apiMedian: number;
  apiP99: number;
  directMedian: number;
  directP99: number;
  overhead: number;
}

/** One operation's call through the front door, its DynamoDB work read and its calls recorded. */
async function measured({ dynamoMeter, recorder }: Meters, call: () => Promise<unknown>): Promise<Work> {
  let reading!: Reading;
  const calls = await recorder.record(async () => (reading = await dynamoMeter.measure(call)));
  return { ...reading, holds: heldItems(calls) };
}

async function answered(op: Operation<any>, ctx: unknown) {
  const reply = await op.api(ctx);
  if (reply.status !== op.expect) throw new Error(`${op.name}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Each operation's DynamoDB work, once. */
export async function workPerOperation(ops: Operation<any>[], meters: Meters): Promise<Record<string, Work>> {
  const work: Record<string, Work> = {};
  for (const op of ops) {
    const ctx = await op.prepare();
    work[op.name] = await measured(meters, () => answered(op, ctx));
  }
  return work;
}

/** Delete-all and disable with 10 and with 10,000 links in the domain: a kill must cost the same at any count. */
export async function killsAtScale(
  ops: Operation<any>[],
  meters: Meters,
  { api, seed, store }: { api: ReturnType<typeof localApi>; seed: ReturnType<typeof seeder>; store: Store },
): Promise<Record<string, Record<string, Work>>> {
  const owner = await api.as(OWNER.email);
  const scaling: Record<string, Record<string, Work>> = {};
  for (const links of [10, 10_000]) {
    for (const name of ['delete-all', 'disable'] as const) {
      await owner('PUT', `/v1/domains/${DOMAIN}/settings/invite-links`, { enabled: true });
      // A kill touches the domain and its gates, never a link or its counters: the link items alone make the point,
      // and 10,000 links with their 80,000 counters would take minutes to write.
      await seed.links(DOMAIN, links, { generation: (await store.getDirectory(DOMAIN))!.domain.linkGeneration, counters: false });
      const op = ops.find((o) => o.name === name)!;
      const ctx = await op.prepare();
      (scaling[name] ??= {})[String(links)] = await measured(meters, () => op.api(ctx));
    }
  }
  return scaling;
}

/** Each operation's warm latency through the front door and made directly, `iterations` times after 5 unmeasured; the misses of the overhead target. */
export async function warmLatency(ops: Operation<any>[], iterations: number): Promise<{ latency: Record<string, Latency>; misses: string[] }> {
  const latency: Record<string, Latency> = {};
  const misses: string[] = [];
  for (const op of ops) {
    const viaApi: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < iterations + 5; i++) {
      const a = await op.prepare();
      const t0 = performance.now();
      await answered(op, a);
      const t1 = performance.now();
      const d = await op.prepare();
      const t2 = performance.now();
      await op.direct(d);
      const t3 = performance.now();
      if (i >= 5) {
        viaApi.push(t1 - t0);
        direct.push(t3 - t2);
      }
    }
    const overhead = median(viaApi) / median(direct);
    latency[op.name] = {
      apiMedian: round(median(viaApi)),
      apiP99: round(percentile(viaApi, 99)),
      directMedian: round(median(direct)),
      directP99: round(percentile(direct, 99)),
      overhead: round(overhead),
    };
    if (overhead >= TARGETS.latencyOverhead) misses.push(`${op.name}: median overhead ${round(overhead)}x (target < ${TARGETS.latencyOverhead}x)`);
  }
  return { latency, misses };
}

/**
 * `npm run bench`: what a serverless user pays, measured on the local stack. Prints a table,
 * writes bench/results.json and docs/cost.md, exits non-zero when a target is missed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/stack.ts';
import { freePort, startDynamoDbLocal, startSesLocal } from '../local/services.ts';
import { OPERATION_LIST } from '../shared/operations.ts';
import { measureColdStarts } from './cold-start.ts';
import { costPerMillionJoins, writeCostDoc } from './cost.ts';
import { meter, type Reading } from './dynamodb-meter.ts';
import { benchPerson, localApi, tokenOf } from './local-api.ts';
import { loadTest } from './load.ts';
import { DOMAIN, operations } from './operations.ts';
import { median, percentile, round } from './stats.ts';
import { BUNDLING, FUNCTION_MEMORY_MB } from './deployed-settings.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 10);
const TARGETS = { coldStartRatio: 1.3, joinRoundTrips: 2, latencyOverhead: 1.5 };

const dynamo = await startDynamoDbLocal(await freePort());
const ses = await startSesLocal(await freePort());
const stack = await startLocalStack({
  port: 0,
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: ses.endpoint,
  tableName: `bench-${randomUUID()}`,
  // The bench measures the service, not API Gateway's throttle.
  throttle: { rateLimit: 1_000_000, burstLimit: 1_000_000 },
});
const misses: string[] = [];
try {
  const { dynamoDb } = await import('../shared/store/dynamodb/client.ts');
  const { store } = await import('../shared/store/dynamodb/index.ts');
  const { items } = await import('../shared/store/dynamodb/items.ts');
  const dynamoMeter = meter(dynamoDb);
  const api = localApi(stack.url);
  const ops = await operations(api, store);
  const owner = await api.as('owner@demo.test');

  // 1. Cold start per handler, bundled as deployed; first, while the table holds only the demo data.
  log(`cold starts, ${COLD_RUNS} fresh processes per handler`);
  const coldStarts = await measureColdStarts({
    functions: [...OPERATION_LIST.map((op) => op.name), 'notify-signup'],
    settings: BUNDLING,
    env: {
      TABLE_NAME: stack.tableName,
      PUBLIC_BASE_URL: stack.url,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
    },
    runs: COLD_RUNS,
  });
  for (const c of coldStarts.slice(1)) {
    if (c.ratio > TARGETS.coldStartRatio) misses.push(`${c.name}: cold start ${c.ratio}x the baseline (target ≤ ${TARGETS.coldStartRatio}x)`);
  }

  // 2. DynamoDB work per operation, counted by the SDK.
  log('DynamoDB work per operation');
  const work: Record<string, Reading> = {};
  for (const op of ops) {
    const ctx = await op.prepare();
    await settle();
    work[op.name] = await dynamoMeter.measure(async () => {
      const reply = await op.api(ctx);
      if (reply.status !== op.expect) throw new Error(`${op.name}: ${reply.status} ${JSON.stringify(reply.body)}`);
    });
  }
  if (work.join!.roundTrips > TARGETS.joinRoundTrips) misses.push(`join takes ${work.join!.roundTrips} round trips (target ≤ ${TARGETS.joinRoundTrips})`);

  log('delete-all and disable with 10 and with 10,000 links');
  const scaling: Record<string, Record<string, Reading>> = {};
  for (const links of [10, 10_000]) {
    for (const name of ['delete-all', 'disable'] as const) {
      await owner('PUT', `/v1/domains/${DOMAIN}/settings/invite-links`, { enabled: true });
      await seedLinks(links);
      const op = ops.find((o) => o.name === name)!;
      const ctx = await op.prepare();
      await settle();
      (scaling[name] ??= {})[String(links)] = await dynamoMeter.measure(() => op.api(ctx));
    }
  }
  for (const name of ['delete-all', 'disable']) {
    const [few, many] = [scaling[name]!['10']!, scaling[name]!['10000']!];
    const same = few.requests === many.requests && few.readUnits === many.readUnits && few.writeUnits === many.writeUnits && few.commands.join() === many.commands.join();
    if (!same) misses.push(`${name} costs differ with 10 and 10,000 links: ${JSON.stringify(few)} vs ${JSON.stringify(many)}`);
  }

  // 3. Warm latency: through the front door, and the same DynamoDB calls made directly.
  log(`warm latency, ${ITERATIONS} iterations per operation`);
  const latency: Record<string, { apiMedian: number; apiP99: number; directMedian: number; directP99: number; overhead: number }> = {};
  for (const op of ops) {
    const viaApi: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < ITERATIONS + 5; i++) {
      const a = await op.prepare();
      const t0 = performance.now();
      const reply = await op.api(a);
      const t1 = performance.now();
      if (reply.status !== op.expect) throw new Error(`${op.name}: ${reply.status} ${JSON.stringify(reply.body)}`);
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

  // The notifier's own DynamoDB work per join: everything metered while one join's email goes out, minus the join.
  log('notifier work per join');
  await owner('PUT', `/v1/domains/${DOMAIN}/settings/invite-links`, { enabled: true });
  const notifyLink = tokenOf((await owner('POST', `/v1/domains/${DOMAIN}/invite-links`, { userType: 'STANDARD', primaryTeamId: 'editors' })).body.url);
  await sleep(1500);
  const joinAndNotify = await dynamoMeter.measure(async () => {
    await api.call('POST', '/v1/join', { token: notifyLink, ...benchPerson('notify') });
    await sleep(2500);
  });
  const notifier = {
    readUnits: round(joinAndNotify.readUnits - work.join!.readUnits),
    writeUnits: round(joinAndNotify.writeUnits - work.join!.writeUnits),
    requests: joinAndNotify.requests - work.join!.requests,
  };

  // 4. Load correctness.
  log('load: 500 joins, 50 at a time, then a delete-all racing joins');
  const load = await loadTest(api, ses.endpoint);
  if (load.succeeded !== load.joins || load.distinctUsers !== load.joins) misses.push(`load: ${load.succeeded}/${load.joins} joins succeeded`);
  if (load.useCount !== load.joins) misses.push(`load: use count ${load.useCount}, expected ${load.joins}`);
  if (load.emailsArrived !== load.joins || load.emailsDuplicated !== 0) misses.push(`load: ${load.emailsArrived} emails arrived, ${load.emailsDuplicated} twice`);
  if (load.race.succeededAfterDeleteAll !== 0) misses.push(`race: ${load.race.succeededAfterDeleteAll} joins succeeded after delete-all returned`);

  // 5. Cost. AWS bills transactional writes twice; DynamoDB Local reports them once, so they count double here.
  const billedWrites = (r: Reading) => r.writeUnits + r.transactionalWriteUnits;
  const costInputs = {
    lookup: { readUnits: work.lookup!.readUnits, writeUnits: billedWrites(work.lookup!), durationMs: latency.lookup!.apiMedian },
    join: { readUnits: work.join!.readUnits, writeUnits: billedWrites(work.join!), durationMs: latency.join!.apiMedian },
    // The notifier's duration is not measured on its own; the join's warm median stands in for it.
    notifier: { readUnits: notifier.readUnits, writeUnits: notifier.writeUnits, durationMs: latency.join!.apiMedian, recordsPerInvocation: 1 },
    memoryMb: FUNCTION_MEMORY_MB,
  };
  const cost = costPerMillionJoins(costInputs);
  writeCostDoc(join(import.meta.dirname, '..', 'docs', 'cost.md'), costInputs, cost);

  const results = { measuredAt: new Date().toISOString(), node: process.version, targets: TARGETS, coldStarts, work, scaling, latency, notifier, load, cost, misses };
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  report(results);

  async function seedLinks(count: number) {
    const domain = (await store.getDirectory(DOMAIN))!.domain;
    const now = Date.now();
    for (let i = 0; i < count; i += 25) {
      const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => {
        const created = new Date(now + i + j).toISOString();
        return {
          PutRequest: {
            Item: items.inviteLink({
              linkId: randomUUID().replaceAll('-', '').padEnd(43, 'x'),
              domainId: DOMAIN,
              userType: 'STANDARD',
              primaryTeamId: 'editors',
              additionalTeamIds: [],
              roleGroupIds: [],
              groupIds: [],
              createdBy: 'u-demo-owner',
              createdByEmail: 'owner@demo.test',
              createdAt: created,
              expiresAt: new Date(now + 86_400_000).toISOString(),
              generation: domain.linkGeneration,
              onboarding: false,
            }),
          },
        };
      });
      let request: Record<string, typeof batch> | undefined = { [stack.tableName]: batch };
      while (request && Object.keys(request).length > 0) {
        request = (await dynamoDb.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems as typeof request;
      }
    }
  }
} catch (error) {
  misses.push(`bench failed: ${(error as Error).stack ?? error}`);
  console.error(error);
} finally {
  await stack.stop();
  await Promise.all([dynamo.stop(), ses.stop()]);
}
if (misses.length > 0) {
  console.error(`\nMissed targets:\n${misses.map((m) => `  - ${m}`).join('\n')}`);
  process.exit(1);
}
console.log('\nEvery target met.');
process.exit(0);

function log(step: string) {
  console.error(`… ${step}`);
}

/** Lets the in-process notifier finish emailing earlier joins, so the meter sees only the measured work. */
function settle() {
  return sleep(1000);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function report(r: any) {
  const table = (title: string, rows: Record<string, unknown>[]) => {
    console.log(`\n${title}`);
    console.table(rows);
  };
  table(
    '1. Cold start (bundled as deployed; median of fresh processes)',
    r.coldStarts.map((c: any) => ({ handler: c.name, 'bundle KB': round(c.bundleBytes / 1024, 0), 'init ms': c.initMs, 'import ms': c.importMs, 'first call ms': c.invokeMs, 'x baseline': c.ratio })),
  );
  table(
    '2. DynamoDB work per operation (counted by an SDK middleware)',
    Object.entries(r.work).map(([op, w]: [string, any]) => ({ operation: op, requests: w.requests, 'round trips': w.roundTrips, RCU: w.readUnits, WCU: w.writeUnits, calls: w.commands.join(' ') })),
  );
  table(
    '   delete-all and disable with 10 and 10,000 links',
    Object.entries(r.scaling).flatMap(([op, byCount]: [string, any]) =>
      Object.entries(byCount).map(([links, w]: [string, any]) => ({ operation: op, links, requests: w.requests, RCU: w.readUnits, WCU: w.writeUnits })),
    ),
  );
  table(
    '3. Warm latency, ms (front door vs the same DynamoDB calls made directly)',
    Object.entries(r.latency).map(([op, l]: [string, any]) => ({ operation: op, 'API p50': l.apiMedian, 'API p99': l.apiP99, 'direct p50': l.directMedian, 'direct p99': l.directP99, overhead: `${l.overhead}x` })),
  );
  table('4. Load', [
    { check: 'joins succeeded', value: `${r.load.succeeded}/${r.load.joins} (${r.load.concurrency} at a time)` },
    { check: 'use count', value: r.load.useCount },
    { check: 'emails arrived / twice', value: `${r.load.emailsArrived} / ${r.load.emailsDuplicated}` },
    { check: 'joins per second', value: r.load.joinsPerSecond },
    { check: 'joins succeeded after delete-all returned', value: `${r.load.race.succeededAfterDeleteAll} of ${r.load.race.joinsAfter}` },
  ]);
  table('5. Cost per million joins (us-east-1 list prices; docs/cost.md)', [...Object.entries(r.cost.lines).map(([k, v]) => ({ item: k, dollars: v })), { item: 'total', dollars: r.cost.total }]);
}

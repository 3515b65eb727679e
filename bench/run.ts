/**
 * `npm run bench`: what a serverless user pays, measured on the local stack. Prints a table,
 * writes bench/results.json and docs/cost.md, exits non-zero when a target is missed.
 * BENCH_ONLY=contention,load (any of cold,work,latency,load,lists,contention,memory) runs those
 * sections alone, BENCH_COLD_FUNCTIONS=join those functions' cold starts alone; a partial run writes its results to the system's temporary directory, never over
 * bench/results.json (the model calibrates on it) nor docs/cost.md (which needs every section).
 */
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLocalStack } from '../local/stack.ts';
import { freePort, startDynamoDbLocal, startSesLocal } from '../local/services.ts';
import { RUNTIME_SETTINGS, SETTINGS } from '../shared/config.ts';
import { CONSUMER_LIST } from '../shared/streams/consumers.ts';
import { coldStartBench, type ChildReport } from './cold-start.ts';
import { apiEvent, coldTargets, ownerClaims } from './first-invocations.ts';
import { costPerMillionJoins, memoryAdvice, writeCostDoc } from './cost.ts';
import { callRecorder, meter } from './dynamodb-meter.ts';
import { noteIamDecision } from './joins/emulations.ts';
import { contentionLinks, contentionSection, type SectionSettings } from './joins/section.ts';
import { listsAtScale } from './lists.ts';
import { localApi } from './local-api.ts';
import { loadSection } from './load-section.ts';
import { DOMAIN, operations } from './operations.ts';
import { report } from './report.ts';
import { OWNER, seeder } from './seed.ts';
import { round } from './stats.ts';
import { coldStartMisses, listMisses, loadMisses, memoryRunMisses, scalingMisses, TARGETS, workMisses, type Work } from './targets.ts';
import { killsAtScale, warmLatency, workPerOperation, type Latency } from './work.ts';
import { FUNCTION_ENVIRONMENT, FUNCTION_MEMORY_MB } from './deployed-settings.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
/** What a cold start's rounds use up (a link revoked, a member removed...): one per round, of up to twice COLD_RUNS rounds (a miss is measured again), and one for the recording. */
const COLD_SEATS = 2 * COLD_RUNS + 1;
/** BENCH_COLD_FUNCTIONS=join,list-users measures those functions' cold starts alone (a partial run). */
const COLD_FUNCTIONS = process.env.BENCH_COLD_FUNCTIONS?.split(',').map((name) => name.trim());
/** Joins per second, lowest first: every target must hold at the first; the next is run while the one before met them all. */
const JOIN_RATES = (process.env.BENCH_JOIN_RATE ?? '30,45,60,80,100').split(',').map(Number);
const JOIN_SECONDS = Number(process.env.BENCH_JOIN_SECONDS ?? 10);
/** The one window per scenario at each rate above the first is this long: four steps of the climb take what two of 20 s took. */
const JOIN_CLIMB_SECONDS = Number(process.env.BENCH_JOIN_CLIMB_SECONDS ?? Math.min(JOIN_SECONDS, 10));
/** Windows of JOIN_SECONDS per scenario, the emulation off and on in turn (joins.ts). */
const JOIN_WINDOWS = Number(process.env.BENCH_JOIN_WINDOWS ?? 6);
const JOIN_ARRIVALS = process.env.BENCH_JOIN_ARRIVALS === 'even' ? 'even' : 'poisson';
const SECTIONS = ['cold', 'work', 'latency', 'load', 'lists', 'contention', 'memory'] as const;
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const unknown = ONLY?.filter((name) => !(SECTIONS as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0) throw new Error(`BENCH_ONLY: no section ${unknown.join(', ')} (the sections: ${SECTIONS.join(', ')})`);
// The memory run pages the large domain's lists: the lists section makes it.
if (ONLY?.includes('memory') && !ONLY.includes('lists')) throw new Error('BENCH_ONLY: memory needs lists (its pages are the large domain\'s)');
/** A run of some sections or some functions: it stands for no whole bench. */
const PARTIAL = ONLY !== undefined || COLD_FUNCTIONS !== undefined;
const runs = (section: (typeof SECTIONS)[number]) => ONLY === undefined || ONLY.includes(section);
const UNLIMITED = { requests: 1_000_000_000, windowSeconds: 60 };
const LARGE = { domainId: 'bench-large', users: 20_000, links: 3_000 };
const SMALL = { domainId: 'bench-small', users: 50, links: 50 };

// The bench makes hundreds of links as one person in minutes; the hourly quota is an operator setting.
process.env[SETTINGS.linkQuotaPerHour] ??= '1000000';
// Retries the service logs as warnings are part of what is measured; the report counts what matters.
process.env[RUNTIME_SETTINGS.logLevel] ??= 'ERROR';
const loadAtStart = loadavg()[0]!;
const dynamo = await startDynamoDbLocal(await freePort());
const ses = await startSesLocal(await freePort());
const stack = await startLocalStack({
  port: 0,
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: ses.endpoint,
  tableName: `bench-${randomUUID()}`,
  // The bench measures the service, not API Gateway's throttle nor WAF's per-client limits.
  throttle: { rateLimit: 1_000_000, burstLimit: 1_000_000 },
  clientLimits: { public: { perAddress: UNLIMITED }, join: { perAddress: UNLIMITED, perPerson: UNLIMITED } },
  // IAM stays as IAM_EMULATION sets it; its decisions are counted for the contention report.
  iam: { onAuthorization: noteIamDecision },
  // No stream reader runs beside the measurements: in AWS each consumer is a function of its own, here it would share the bench's process.
  // The notifier's is started below, only while its own work is measured.
  ...Object.fromEntries(CONSUMER_LIST.map((consumer) => [consumer.key, false])),
  // Nor the timer sweep: its Queries every second would be counted in the operations measured (the cold starts measure its function).
  timerSweep: false,
});
const misses: string[] = [];
const started = performance.now();
try {
  const { dynamoDb } = await import('../shared/store/dynamodb/client.ts');
  const { store } = await import('../shared/store/dynamodb/index.ts');
  const { ses: sesClient } = await import('../shared/streams/notifier/mailer.ts');
  const { kms: kmsClient } = await import('../shared/store/kms/client.ts');
  const { tokenVault } = await import('../shared/store/kms/token-vault.ts');
  const dynamoMeter = meter(dynamoDb);
  const recorder = callRecorder({ dynamodb: dynamoDb, ses: sesClient, kms: kmsClient });
  const seed = seeder(dynamoDb, stack.tableName);
  const api = localApi(stack.url, stack.localTokenSecret);

  // 1. Cold start and peak memory per function, first, while the table is small.
  if (runs('cold')) log(`cold starts: ${COLD_RUNS} rounds of every function and its bare handler, each in a fresh process (${COLD_RUNS} more of any that missed)`);
  const revocable = await seed.links(DOMAIN, COLD_SEATS);
  const listed = await seed.links(DOMAIN, 60, { sealWith: tokenVault });
  await seed.domain('bench-cold');
  // What the functions that only read read, in a domain no round writes to (first-invocations.ts).
  const READ_DOMAIN = 'bench-read';
  await seed.domain(READ_DOMAIN);
  await seed.links(READ_DOMAIN, 20, { revoked: true });
  const readLinks = await seed.links(READ_DOMAIN, 60);
  await seed.members(READ_DOMAIN, 60, 'read');
  await seed.removedMembers(READ_DOMAIN, 10, 'read-removed');
  await seed.invitations(READ_DOMAIN, 60, 'read-invited');
  await seed.joinRequests(READ_DOMAIN, readLinks.at(-1)!.id, 60, 'read-asking');
  const members = (tag: string) => Array.from({ length: COLD_SEATS }, (_, i) => `bench-${tag}-${i}`);
  await seed.members(DOMAIN, COLD_SEATS, 'cold-change');
  await seed.members(DOMAIN, COLD_SEATS, 'cold-remove');
  const removed = await seed.removedMembers(DOMAIN, COLD_SEATS, 'cold-removed');
  const invitations = { toRevoke: await seed.invitations(DOMAIN, COLD_SEATS, 'cold-revoke'), toResend: await seed.invitations(DOMAIN, COLD_SEATS, 'cold-resend') };
  const joinRequests = { toApprove: await seed.joinRequests(DOMAIN, listed.at(-1)!.id, COLD_SEATS, 'cold-approve'), toDecline: await seed.joinRequests(DOMAIN, listed.at(-1)!.id, COLD_SEATS, 'cold-decline') };
  const cold = coldStartBench({
    table: stack.tableName,
    memoryMb: FUNCTION_MEMORY_MB,
    env: {
      ...FUNCTION_ENVIRONMENT,
      [SETTINGS.tableName]: stack.tableName,
      [SETTINGS.publicBaseUrl]: stack.url,
      [RUNTIME_SETTINGS.logLevel]: 'ERROR',
      [RUNTIME_SETTINGS.dynamoDbEndpoint]: dynamo.endpoint,
      [RUNTIME_SETTINGS.sesEndpoint]: ses.endpoint,
    },
  });
  const lambdaContext = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const coldStarts = !runs('cold') ? undefined : await cold.measure(coldTargets({ domainId: DOMAIN, revokeAllDomainId: 'bench-cold', readDomainId: READ_DOMAIN, link: listed.at(-1)!, revocable: revocable.map((l) => l.id), members: { toChange: members('cold-change'), toRemove: members('cold-remove') }, removed, invitations, joinRequests }).filter((t) => !COLD_FUNCTIONS || COLD_FUNCTIONS.includes(t.name)),
    COLD_RUNS, async (target) => {
    const { handler } = (await import(`../functions/${target.name}.ts`)) as { handler: (event: unknown, context: unknown) => Promise<any> };
    let status: unknown;
    const calls = await recorder.record(async () => {
      // As that function, so its calls pass the IAM emulation as they would its role in AWS.
      const result = await stack.iam.asFunction(target.name, () => handler(target.event(-1), lambdaContext));
      status = result?.statusCode ?? (result?.batchItemFailures?.length ? 'failed' : 'ok');
    });
    return { calls, status };
  }, (coldStart) => coldStartMisses([coldStart]).length > 0);
  if (coldStarts) misses.push(...coldStartMisses(coldStarts));

  // 2. Joins under contention, open loop: once the cold starts have warmed DynamoDB Local (run first, its tail was longer with the
  // emulation on and off alike), and before any other section fills its database: its one SQLite thread slows with the database, where
  // AWS's latency does not follow a table's size (after the lists, p99 rose from 31-62 ms to 65-185 ms; after the 20,020 links of the
  // kills' scaling and the load, one link missed at 45/s in a full run that met 100/s on a small database).
  const joinSettings: SectionSettings = { rates: JOIN_RATES, seconds: JOIN_SECONDS, climbSeconds: JOIN_CLIMB_SECONDS, windows: JOIN_WINDOWS, arrivals: JOIN_ARRIVALS };
  const links = runs('contention') || runs('memory') ? await contentionLinks(seed) : undefined;
  let contention: Awaited<ReturnType<typeof contentionSection>> | undefined;
  if (runs('contention')) {
    log(`joins under contention: ${JOIN_RATES.join(', then ')} joins/s while every target holds, ${JOIN_ARRIVALS} arrivals, ${JOIN_SECONDS} s per window at the first rate, ${JOIN_CLIMB_SECONDS} s above it`);
    contention = await contentionSection(joinSettings, { api, dynamoDb, dynamoEndpoint: dynamo.endpoint, stack, links: links! });
    misses.push(...contention.misses);
  }

  // 3. DynamoDB work per operation, counted by the SDK, and which items each transaction holds; the kills at 10 and 10,000 links.
  const ops = await operations(api, store);
  const meters = { dynamoMeter, recorder };
  let work: Record<string, Work> | undefined;
  let scaling: Record<string, Record<string, Work>> | undefined;
  if (runs('work')) {
    log('DynamoDB work per operation');
    work = await workPerOperation(ops, meters);
    misses.push(...workMisses(work));
    log('delete-all and disable with 10 and with 10,000 links');
    scaling = await killsAtScale(ops, meters, { api, seed, store });
    misses.push(...scalingMisses(scaling));
  }

  // 4. Warm latency: through the front door, and the same DynamoDB calls made directly.
  let latency: Record<string, Latency> | undefined;
  if (runs('latency')) {
    log(`warm latency, ${ITERATIONS} iterations per operation`);
    const measured = await warmLatency(ops, ITERATIONS);
    latency = measured.latency;
    misses.push(...measured.misses);
  }

  // 5. The notifier's own DynamoDB work per join, then the load test with the notifier reading the stream.
  let loaded: Awaited<ReturnType<typeof loadSection>> | undefined;
  if (runs('load')) {
    loaded = await loadSection({ api, stack, dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses.endpoint, meters, link: listed.at(-1)!, log });
    misses.push(...loadMisses(loaded.load));
  }
  const { notifierWork, emailsPerJoin = 0, load } = loaded ?? {};

  // 6. Lists at scale.
  let lists: Awaited<ReturnType<typeof listsAtScale>> | undefined;
  if (runs('lists')) {
    log(`lists: ${LARGE.users.toLocaleString('en')} users and ${LARGE.links.toLocaleString('en')} links in one domain, against ${SMALL.users} of each`);
    lists = await listsAtScale({ api, seed, ownerEmail: OWNER.email, large: LARGE, small: SMALL, tries: 7 });
    misses.push(...listMisses(lists));
  }

  // 7. Memory under load: one instance (one process) serving joins one after another, and the largest pages.
  let underLoad: Record<string, ChildReport> | undefined;
  if (runs('memory')) {
    log('memory: one instance serving 300 joins in a row, and the lists at their largest page');
    const claimsOf = (i: number) => ({ sub: `mem-${i}-${randomUUID()}`, email: `mem-${i}-${randomUUID()}@example.test`, email_verified: 'true', given_name: 'Memory', family_name: 'Load' });
    const joinEvents = Array.from({ length: 300 }, (_, i) => apiEvent({ method: 'POST', path: '/v1/join' }, {}, claimsOf(i), { token: links!.joinLinks[i % links!.joinLinks.length]!.token }));
    const pageEvents = (list: string) =>
      Array.from({ length: 20 }, () => apiEvent({ method: 'GET', path: `/v1/domains/{domainId}/${list}` }, { domainId: LARGE.domainId }, ownerClaims, undefined, { limit: '100' }));
    underLoad = {
      join: await cold.instance(cold.bundleOf('join'), joinEvents),
      'list-users': await cold.instance(cold.bundleOf('list-users'), pageEvents('users')),
      'list-invite-links': await cold.instance(cold.bundleOf('list-invite-links'), pageEvents('invite-links')),
    };
    misses.push(...memoryRunMisses(underLoad));
  }
  cold.close();

  // 8. Cost, and the memory setting, from every section's figures. Write units are as billed (see dynamodb-meter.ts).
  let cost: ReturnType<typeof costPerMillionJoins> | undefined;
  let memory: ReturnType<typeof memoryAdvice> | undefined;
  const memoryRuns = underLoad && Object.fromEntries(
    Object.entries(underLoad).map(([name, r]) => [name, { invocations: r.statuses.length, peakRssMb: round(r.peakRssMb, 0), warmMs: round(r.warmMs ?? NaN, 1), warmCpuMs: round(r.warmCpuMs ?? NaN, 2) }]),
  );
  if (!PARTIAL && coldStarts && work && latency && notifierWork && memoryRuns) {
    const costInputs = {
      lookup: { readUnits: work.lookup!.readUnits, writeUnits: work.lookup!.writeUnits, durationMs: latency.lookup!.apiMedian },
      join: { readUnits: work.join!.readUnits, writeUnits: work.join!.writeUnits, durationMs: latency.join!.apiMedian },
      // The notifier's duration is not measured on its own; the join's warm median stands in for it.
      notifier: { readUnits: notifierWork.readUnits, writeUnits: notifierWork.writeUnits, durationMs: latency.join!.apiMedian, recordsPerInvocation: 1, emailsPerJoin },
      memoryMb: FUNCTION_MEMORY_MB,
    };
    cost = costPerMillionJoins(costInputs);
    memory = memoryAdvice({
      coldStarts: coldStarts.map((c) => ({ name: c.name, peakRssMb: c.peakRssMb, firstInvocationCpuMs: c.invokeCpuMs })),
      underLoad: memoryRuns,
      currentMb: FUNCTION_MEMORY_MB,
    });
    writeCostDoc(join(import.meta.dirname, '..', 'docs', 'cost.md'), costInputs, cost, memory);
    if (memory.recommendedMb !== FUNCTION_MEMORY_MB) misses.push(`memory: infra sets ${FUNCTION_MEMORY_MB} MB, the measurement recommends ${memory.recommendedMb} MB (docs/cost.md)`);
  }

  const results = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    minutes: round((performance.now() - started) / 60_000, 1),
    machine: { loadAverageAtStart: round(loadAtStart, 1), loadAverageAtEnd: round(loadavg()[0]!, 1) },
    ...(ONLY ? { only: ONLY } : {}),
    ...(COLD_FUNCTIONS ? { coldFunctions: COLD_FUNCTIONS } : {}),
    settings: {
      iterations: ITERATIONS, coldRuns: COLD_RUNS, joinRate: contention?.rate, joinRates: JOIN_RATES, joinSeconds: JOIN_SECONDS, joinClimbSeconds: JOIN_CLIMB_SECONDS,
      joinWindows: JOIN_WINDOWS, joinArrivals: JOIN_ARRIVALS, joinLinkCounters: links?.joinLinks[0]!.counters, joinEmulations: contention?.emulations,
    },
    targets: TARGETS,
    joins: contention?.joins,
    joinRates: contention?.joinRates,
    lists,
    coldStarts,
    memoryRuns,
    memory,
    work,
    scaling,
    latency,
    notifier: notifierWork,
    load,
    cost,
    misses,
  };
  // A partial run must not stand for the bench: the model calibrates on bench/results.json.
  const written = PARTIAL ? join(tmpdir(), 'invite-links-bench-results.json') : join(import.meta.dirname, 'results.json');
  writeFileSync(written, `${JSON.stringify(results, null, 2)}\n`);
  report(results);
  if (PARTIAL) console.log(`\nA partial run (BENCH_ONLY, BENCH_COLD_FUNCTIONS): results in ${written}`);
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
  console.error(`… ${step} (${round((performance.now() - started) / 1000, 0)} s in)`);
}

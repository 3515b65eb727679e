/**
 * Joins under contention, open loop: each join starts at its scheduled time whether or not the
 * earlier ones have finished, at a fixed mean rate (Poisson arrivals), into one domain, on one
 * link and then spread over many. Beside them, the same load with the conflict emulation off, and
 * the old item footprint (every join holding the domain item and the link item) sent bare at the same rate.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conflictStats, emulateTransactionConflicts, resetConflictStats } from '../local/conflict-emulation.ts';
import { LOCAL_AWS } from '../local/services.ts';
import { ServiceError } from '../shared/domain/errors.ts';
import { isConflict, retryingConflicts } from '../shared/store/dynamodb/conflicts.ts';
import { items } from '../shared/store/dynamodb/items.ts';
import { keys } from '../shared/store/dynamodb/keys.ts';
import { TABLE } from '../shared/store/dynamodb/table.ts';
import { benchPerson, type BenchPerson, type localApi } from './local-api.ts';
import { median, percentile, pool, round } from './stats.ts';

export interface JoinScenario {
  name: string;
  emulation: 'on' | 'off';
  links: number;
  rate: number;
  joins: number;
  succeeded: number;
  /** Answers other than 201, by status (503 is BUSY: the join gave up after its retries). */
  failures: Record<string, number>;
  /** Join transactions cancelled for TransactionConflict, per 100 joins. */
  conflictsPer100: number;
  /** TransactWriteItems sent per join. */
  attemptsMax: number;
  attemptsMean: number;
  /** Over every window of the scenario, pooled. */
  p50: number;
  p99: number;
  max: number;
  /** Each window's own p50 and p99, in the order run: how much one 20-s window's p99 moves on this machine. */
  windows: { p50: number; p99: number }[];
  /** How late the scheduler started the latest join; latency counts from the scheduled time, so lateness is in it. */
  startLateMaxMs: number;
  /** Busy share of the machine's CPU (both cores, DynamoDB Local included) while the scenario ran, %. */
  machineBusy: number;
  /** The part of machineBusy spent by processes other than the bench and DynamoDB Local, %. */
  othersBusy: number;
  /** CPU time the virtual machine's host gave to others (steal), %: the cores were that much slower. */
  steal: number;
  /** Cancellations the emulation itself counted (every client in the process), as a cross-check. */
  emulationCancelled: number;
}

export interface ContentionOptions {
  api: ReturnType<typeof localApi>;
  /** The handlers' client: the emulation is switched off and on again on it. */
  handlerClient: DynamoDBDocumentClient;
  dynamoEndpoint: string;
  table: string;
  domainId: string;
  /** The scenario's links; the first alone is the one-link scenario. */
  links: { token: string; id: string }[];
  /** Joined before anything is measured, so neither Node nor DynamoDB Local is measured cold. */
  warmUpLink: { token: string };
  /** The old footprint's link item. */
  baselineLinkId: string;
  /**
   * Rates to run, joins per second, lowest first. Every scenario runs at the first; the next is
   * tried only while the one before met every target, so the last that did is the highest rate
   * the machine served within them.
   */
  rates: number[];
  /** A rate is served when, with the emulation off, its p99 stays under this. */
  maxUncontendedP99Ms: number;
  seconds: number;
  /**
   * Windows per scenario. With the conflict emulation off and on for the same shape they run in
   * turn (off, on, off, on, ...), so both meet the machine's slow moments alike; each scenario's
   * figures pool its windows. A p99 of one window is decided by its six slowest joins. At the first
   * rate only; the higher ones run one window each.
   */
  windows: number;
  arrivals: Arrivals;
  /** The targets' misses for one rate's scenarios; none means the rate met them. */
  judge: (scenarios: JoinScenario[]) => string[];
}

export interface RateRun {
  rate: number;
  scenarios: JoinScenario[];
  /** Why this rate did not meet the targets (empty when it did), the machine's not serving it included. */
  misses: string[];
}

type Outcome = { status: number; ms: number };

export async function joinContention(o: ContentionOptions): Promise<{ rate: number; runs: RateRun[] }> {
  const counter = joinTransactions(o.handlerClient);
  const signIn = async (tag: string, n: number) => {
    const people = Array.from({ length: n }, () => benchPerson(tag));
    await pool(people, 8, (p) => o.api.tokenFor(p.email, { givenName: p.firstName, familyName: p.lastName }));
    return people;
  };
  const joinAll = (rate: number, links: { token: string }[], people: BenchPerson[]) =>
    openLoop(rate, people.length, async (i) => (await o.api.join(links[i % links.length]!.token, people[i]!)).status, o.arrivals);

  const runs: RateRun[] = [];
  try {
    emulateTransactionConflicts(o.handlerClient, { enabled: false });
    // Untimed warm-up at the first rate, on a link of its own.
    await joinAll(o.rates[0]!, [o.warmUpLink], await signIn('warm-up', o.rates[0]! * 5));
    for (const rate of o.rates) {
      const count = Math.round(rate * o.seconds);
      const window = async (emulation: 'on' | 'off', links: { token: string }[]): Promise<Window> => {
        const people = await signIn(`${rate}${emulation}${links.length}`, count);
        emulateTransactionConflicts(o.handlerClient, { enabled: emulation === 'on' });
        collectGarbage();
        await pause();
        counter.reset();
        resetConflictStats();
        const run = await joinAll(rate, links, people);
        return { run, counted: counter.read(), cancelled: conflictStats().transactionsCancelled };
      };
      /** The shape with the emulation off and on, window after window in turn: the uncontended figures come from the same table and moments. */
      const shape = async (name: string, links: { token: string }[]): Promise<JoinScenario[]> => {
        const taken = { off: [] as Window[], on: [] as Window[] };
        // Rates above the first only bound the rate reported: one window each keeps the bench's length in hand.
        const windows = rate === o.rates[0] ? o.windows : 1;
        for (let w = 0; w < windows; w++) for (const emulation of ['off', 'on'] as const) taken[emulation].push(await window(emulation, links));
        return [summary(rate, `${name}, emulation off`, 'off', links.length, taken.off), summary(rate, name, 'on', links.length, taken.on)];
      };
      const scenarios: JoinScenario[] = [...(await shape('one link', o.links.slice(0, 1))), ...(await shape(`${o.links.length} links`, o.links))];
      emulateTransactionConflicts(o.handlerClient, { enabled: true });
      scenarios.push(await oldFootprint(o, rate, count));
      const notServed = scenarios
        .filter((x) => x.emulation === 'off' && x.p99 >= o.maxUncontendedP99Ms)
        .map((x) => `joins, ${x.name}: p99 ${x.p99} ms at ${rate}/s: the machine did not serve this rate (p99 under ${o.maxUncontendedP99Ms} ms with the emulation off)`);
      runs.push({ rate, scenarios, misses: [...notServed, ...o.judge(scenarios)] });
      if (runs.at(-1)!.misses.length > 0) break;
    }
  } finally {
    emulateTransactionConflicts(o.handlerClient, { enabled: true });
  }
  const met = runs.filter((r) => r.misses.length === 0);
  return { rate: met.at(-1)?.rate ?? runs[0]!.rate, runs };
}

/**
 * The old item footprint, bare: one TransactWriteItems per join holding the domain item
 * (ConditionCheck) and the link item (ADD useCount) plus the person's four Puts, through its own
 * client with the emulation on, retried as the service retries (retryingConflicts: backoffMs, CONFLICT_MAX_ATTEMPTS).
 */
async function oldFootprint(o: ContentionOptions, rate: number, count: number): Promise<JoinScenario> {
  const client = emulateTransactionConflicts(new DynamoDBClient({ endpoint: o.dynamoEndpoint, ...LOCAL_AWS }), { enabled: true });
  const db = DynamoDBDocumentClient.from(client);
  const counter = joinTransactions(db);
  const notExists = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } };
  const grant = { userType: 'STANDARD' as const, primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [] };
  const joinOnce = (person: BenchPerson & { userId: string }) => {
    const joinedAt = new Date().toISOString();
    const { userId } = person;
    const membership = { ...person, domainId: o.domainId, isAdmin: false, userType: grant.userType, teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: joinedAt };
    const join = { ...person, joinId: randomUUID(), linkId: o.baselineLinkId, domainId: o.domainId, linkCreatedBy: 'u-demo-owner', linkExpiresAt: joinedAt, grant, joinedAt };
    return db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: o.table,
              Key: keys.link(o.baselineLinkId),
              UpdateExpression: 'ADD useCount :one',
              ConditionExpression: 'attribute_exists(#pk) AND expiresAt > :now AND attribute_not_exists(revokedAt)',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              ExpressionAttributeValues: { ':one': 1, ':now': joinedAt },
            },
          },
          { ConditionCheck: { TableName: o.table, Key: keys.domain(o.domainId), ConditionExpression: 'linksEnabled = :on', ExpressionAttributeValues: { ':on': true } } },
          { Put: { TableName: o.table, Item: items.membership(membership), ...notExists } },
          { Put: { TableName: o.table, Item: items.memberEmail(o.domainId, person.email, userId), ...notExists } },
          { Put: { TableName: o.table, Item: items.join(join) } },
          { Put: { TableName: o.table, Item: items.user({ ...person, createdAt: joinedAt }), ...notExists } },
        ],
      }),
    );
  };
  const people = Array.from({ length: count }, () => ({ ...benchPerson('old'), userId: `old-${randomUUID()}` }));
  collectGarbage();
  await pause();
  counter.reset();
  resetConflictStats();
  const run = await openLoop(
    rate,
    count,
    async (i) => {
      try {
        await retryingConflicts(() => joinOnce(people[i]!));
        return 201;
      } catch (error) {
        if (error instanceof ServiceError && error.kind === 'Busy') return 503;
        throw error;
      }
    },
    o.arrivals,
  );
  const result = summary(rate, 'old footprint: bare TransactWriteItems', 'on', 1, [{ run, counted: counter.read(), cancelled: conflictStats().transactionsCancelled }]);
  client.destroy();
  return result;
}

type Window = {
  run: { outcomes: Outcome[]; lateMax: number; busy: { busy: number; others: number; steal: number } };
  counted: { attempts: number[]; conflicts: number };
  /** Cancellations the emulation counted in the window. */
  cancelled: number;
};

/** One scenario's figures over its windows, pooled; machine figures are the windows' means. */
function summary(rate: number, name: string, emulation: 'on' | 'off', links: number, windows: Window[]): JoinScenario {
  const outcomes = windows.flatMap((w) => w.run.outcomes);
  const failures: Record<string, number> = {};
  for (const { status } of outcomes) if (status !== 201) failures[status] = (failures[status] ?? 0) + 1;
  const ms = outcomes.map((x) => x.ms);
  const attempts = windows.flatMap((w) => w.counted.attempts);
  const conflicts = windows.reduce((n, w) => n + w.counted.conflicts, 0);
  const mean = (pick: (w: Window) => number) => round(windows.reduce((n, w) => n + pick(w), 0) / windows.length, 0);
  return {
    name,
    emulation,
    links,
    rate,
    joins: outcomes.length,
    succeeded: outcomes.filter((x) => x.status === 201).length,
    failures,
    conflictsPer100: round((100 * conflicts) / outcomes.length, 1),
    attemptsMax: Math.max(0, ...attempts),
    attemptsMean: round(attempts.reduce((a, b) => a + b, 0) / Math.max(1, attempts.length), 2),
    p50: round(median(ms), 1),
    p99: round(percentile(ms, 99), 1),
    max: round(Math.max(...ms), 1),
    windows: windows.map((w) => ({ p50: round(median(w.run.outcomes.map((x) => x.ms)), 1), p99: round(percentile(w.run.outcomes.map((x) => x.ms), 99), 1) })),
    startLateMaxMs: round(Math.max(...windows.map((w) => w.run.lateMax)), 1),
    machineBusy: mean((w) => w.run.busy.busy),
    othersBusy: mean((w) => w.run.busy.others),
    steal: mean((w) => w.run.busy.steal),
    emulationCancelled: windows.reduce((n, w) => n + w.cancelled, 0),
  };
}

/**
 * Counts, per person, the join transactions sent and those cancelled for a conflict. A join's
 * transaction is known by its membership Put (USER#<sub> / MEMBER#<domain>), which every attempt carries.
 */
export function joinTransactions(client: DynamoDBDocumentClient | DynamoDBClient) {
  let attempts = new Map<string, number>();
  let conflicts = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const person = context.commandName === 'TransactWriteItemsCommand' ? joinerOf(args.input) : undefined;
      if (person === undefined) return next(args);
      attempts.set(person, (attempts.get(person) ?? 0) + 1);
      try {
        return await next(args);
      } catch (error) {
        if (isConflict(error)) conflicts += 1;
        throw error;
      }
    },
    // The initialize step runs before the emulation (build step), so the attempts it refuses count too.
    { step: 'initialize', name: 'benchJoinTransactions', override: true },
  );
  return {
    reset() {
      attempts = new Map();
      conflicts = 0;
    },
    read: () => ({ attempts: [...attempts.values()], conflicts }),
  };
}

function joinerOf(input: unknown): string | undefined {
  const text = (v: unknown) => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);
  for (const action of (input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ?? []) {
    const item = action.Put?.Item;
    const [pk, sk] = [text(item?.[TABLE.partitionKey]), text(item?.[TABLE.sortKey])];
    if (pk?.startsWith('USER#') && sk?.startsWith('MEMBER#')) return `${pk}/${sk}`;
  }
  return undefined;
}

/**
 * Open loop: task(i) starts at its scheduled time whether or not earlier ones have finished, and
 * its latency counts from that time. Arrivals are a Poisson process at `rate` (people join
 * independently of each other), from a fixed seed, so every scenario gets the same schedule;
 * `even` spaces them exactly 1/rate apart, where two ~10 ms transactions seldom overlap at all.
 */
export type Arrivals = 'poisson' | 'even';

export async function openLoop(rate: number, count: number, task: (i: number) => Promise<number>, spacing: Arrivals = 'poisson') {
  const schedule = spacing === 'even' ? Array.from({ length: count }, (_, i) => (i * 1000) / rate) : arrivals(rate, count);
  const busy = machineBusy();
  const start = performance.now() + 50;
  const runs: Promise<Outcome>[] = [];
  let lateMax = 0;
  for (let i = 0; i < count; i++) {
    const at = start + schedule[i]!;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    lateMax = Math.max(lateMax, performance.now() - at);
    runs.push(task(i).then((status) => ({ status, ms: performance.now() - at })));
  }
  const outcomes = await Promise.all(runs);
  return { outcomes, lateMax, busy: busy() };
}

/** Milliseconds from the start of each of `count` arrivals of a Poisson process at `rate` per second. */
function arrivals(rate: number, count: number, seed = 20_261_124): number[] {
  // mulberry32: small, fast and seeded; Math.random cannot be seeded.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    times.push(at);
    at += (-Math.log(1 - random()) / rate) * 1000;
  }
  return times;
}

/**
 * The share of the machine's CPU time, all cores, that was not idle since this was called; the
 * part of it spent by processes other than this one and its children (DynamoDB Local); and, in a
 * virtual machine, the share the host gave to others (steal): work on the machine the bench does
 * not control. Call the result to read all three, in %.
 */
export function machineBusy() {
  const read = () => {
    const all = cpus().reduce((t, c) => ({ idle: t.idle + c.times.idle, total: t.total + c.times.idle + c.times.user + c.times.sys + c.times.nice + c.times.irq }), { idle: 0, total: 0 });
    const { user, system } = process.cpuUsage();
    return { ...all, ours: (user + system) / 1000 + childrenCpuMs(), ...stealTicks() };
  };
  const before = read();
  return () => {
    const after = read();
    const total = Math.max(1, after.total - before.total);
    const busy = 1 - (after.idle - before.idle) / total;
    return {
      busy: round(100 * busy, 0),
      others: round(Math.max(0, 100 * (busy - (after.ours - before.ours) / total)), 0),
      steal: round((100 * (after.steal - before.steal)) / Math.max(1, after.ticks - before.ticks), 0),
    };
  };
}

/** CPU milliseconds of this process's children so far, from /proc on Linux (0 elsewhere). */
function childrenCpuMs(): number {
  try {
    let ms = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the command (in parentheses, may hold spaces): state, ppid, ... utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid) ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    }
    return ms;
  } catch {
    return 0;
  }
}

/** USER_HZ: Linux reports process CPU times in hundredths of a second. */
const CLOCK_TICKS = 100;

/** All CPU ticks and the stolen ones, from /proc/stat on Linux (zeros elsewhere). */
function stealTicks(): { steal: number; ticks: number } {
  try {
    const n = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal; guest time is counted in user already.
    return { steal: n[7] ?? 0, ticks: n.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return { steal: 0, ticks: 0 };
  }
}

/**
 * Collects this process's garbage (the sign-ins, the previous scenario's records) before a
 * scenario, so that a pause for the bench's own heap does not land among the joins it measures;
 * the handlers run in this process too, and a Lambda instance's heap holds none of it.
 */
const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Lets what the previous step left in flight finish. */
function pause() {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

/**
 * A discrete-event model of joins into one domain under AWS's two rules: a transaction is
 * cancelled (TransactionConflict) when one of its items is in another transaction in flight, and a
 * partition key takes at most 1,000 write units in any one second. The retry policy is the
 * service's own (conflicts.ts, join.ts), the shard counts its own (table.ts); the arrivals, windows
 * and shard picks come from seeded generators, so a seed always gives the same run.
 */
import { JOIN_MAX_ATTEMPTS, JOIN_TRYING_MS, joinRetryMs } from '../../shared/store/dynamodb/conflicts.ts';
import { SHARDS } from '../../shared/store/dynamodb/table.ts';
import { percentile, round } from '../stats.ts';
import { Agenda, RollingSecond, sampler, seeded, type Latency } from './events.ts';

export type { Latency } from './events.ts';
export { seeded } from './events.ts';

/**
 * What one join's transaction writes, and where (docs/data-model.md, "Capacity per join"): 2 units
 * per item-KB in a transaction, 1 for the membership's index entry. Only the partitions joins share
 * are tracked: the gate and counter picked per attempt, the join record's activity partition (by a
 * hash of the join id) and the index entry's (by a hash of the email), each picked uniformly once per
 * join. The person's own (`USER#`, `MEMBER_EMAIL#`) take 4 and 2 units, nowhere near a limit.
 */
export const JOIN_WRITES = [
  { write: 'pass-gate', partition: 'gate', units: 2 },
  { write: 'count-use', partition: 'counter', units: 2 },
  { write: 'add-membership', partition: 'person', units: 2 },
  { write: 'add-membership, its GSI1 entry', partition: 'member-index', units: 1 },
  { write: 'claim-email', partition: 'person', units: 2 },
  { write: 'record-join', partition: 'activity', units: 2 },
  { write: 'create-user', partition: 'person', units: 2 },
] as const;

/** The partition key a shared write lands in, spelled as keys.ts spells it; a list in one partition is the layout before the spread. */
export const partitionKey = {
  gate: (shard: number) => `GATE#<domainId>#${shard}`,
  counter: (link: number, shard: number) => `USES#<link ${link}>#${shard}`,
  activity: (shard: number, count: number) => (count > 1 ? `ACTIVITY#<domainId>#${shard}` : 'ACTIVITY#<domainId>'),
  memberIndex: (shard: number, count: number) => (count > 1 ? `GSI1 MEMBERS#<domainId>#${shard}` : 'GSI1 DOMAIN#<domainId>'),
};

/** Which partition a key's write units were charged to, shard left out: what throttled, in a word. */
export const kindOf = (key: string) => key.replace(/<link \d+>/, '<linkId>').replace(/#\d+$/, '#<k>');

export interface ModelParams {
  seed: number;
  /** Joins per second, Poisson arrivals, all into one domain. */
  rate: number;
  seconds: number;
  /** Joins spread over this many links, each join through a random one. */
  links: number;
  /** Use counters per link: the service's count for the links modelled (a link without maxUses is a crowd link). */
  linkCounters: number;
  /** Partitions a domain's activity is spread over (SHARDS.activity); 1 is the single key before the spread. */
  activityPartitions?: number;
  /** Index partitions a domain's members are spread over (SHARDS.memberIndex); 1 is `DOMAIN#<domainId>` before the spread. */
  memberIndexPartitions?: number;
  /**
   * `aws`: each admitted transaction is in flight for its own window `transaction`.
   * `local`: DynamoDB Local runs one transaction at a time, `transaction` being its service time;
   * a transaction is in flight from its send, queueing included, to its answer (the emulation's window).
   */
  store: 'aws' | 'local';
  transaction: Latency;
  /** How long a cancelled transaction takes to answer; undefined: at once (the local emulation refuses before sending). */
  cancelled?: Latency;
  /** The handler's own time per join, outside DynamoDB. */
  overheadMs: number;
  /** Share of joins whose instance has not read the link yet: they read first (one round trip). */
  readShare: number;
  read: Latency;
  conflicts: boolean;
  /** Per-partition-key write units per rolling second; undefined: no limit. */
  writeLimit?: number;
  /** Write units of the join record in its activity partition (2: under 1 KB, as the bench measures). */
  activityUnits?: number;
}

export interface Busiest {
  partition: string;
  /** Most write units the partition took in any rolling second. */
  peakWcu: number;
  /** Write units per second the joins asked of it, refused ones included. */
  askedWcuPerS: number;
  limit: number | null;
}

export interface ModelResult {
  joins: number;
  succeeded: number;
  successShare: number;
  /** Joins answered 503 BUSY: out of attempts or time after conflicts, or throttled. */
  busyAfterConflicts: number;
  busyThrottled: number;
  conflictsPer100: number;
  /** Cancelled attempts by the item found held (an attempt meeting both counts twice). */
  conflictsOn: { gate: number; counter: number };
  attemptsMean: number;
  attemptsMax: number;
  /** Transactions refused for a partition over its write limit. */
  throttles: number;
  /** Those refusals by the kind of partition that refused them (its first over the limit). */
  throttledOn: Record<string, number>;
  p50: number;
  p99: number;
  busiest: Busiest;
}

/** A random shard among those no transaction was just seen holding; any once every one was (join.ts). */
function pickAvoiding(count: number, held: Set<number>, random: () => number): number {
  if (held.size >= count) held.clear();
  const free: number[] = [];
  for (let s = 0; s < count; s++) if (!held.has(s)) free.push(s);
  return free[Math.floor(random() * free.length)]!;
}

export function simulate(p: ModelParams): ModelResult {
  const random = seeded(p.seed);
  const sample = sampler(random);
  // The hash picks of the spread lists from their own generator: the layout changes no other draw.
  const hash = seeded(p.seed ^ 0x5bd1e995);
  const activityPartitions = p.activityPartitions ?? SHARDS.activity;
  const memberIndexPartitions = p.memberIndexPartitions ?? SHARDS.memberIndex;
  const agenda = new Agenda();
  const joins: { arrived: number; started: number; attempts: number; link: number; lists: [string, number][]; heldGates: Set<number>; heldCounters: Set<number> }[] = [];
  const activityUnits = p.activityUnits ?? 2;
  const indexUnits = JOIN_WRITES.find((w) => w.partition === 'member-index')!.units;
  for (let at = -Math.log(1 - random()) * (1000 / p.rate); at < p.seconds * 1000; at += -Math.log(1 - random()) * (1000 / p.rate)) {
    const reads = random() < p.readShare;
    const started = at + p.overheadMs + (reads ? sample(p.read) : 0);
    // A join's record and index entry stay in the partitions their hash picks, whichever attempt commits.
    const lists: [string, number][] = [
      [partitionKey.memberIndex(Math.floor(hash() * memberIndexPartitions), memberIndexPartitions), indexUnits],
      [partitionKey.activity(Math.floor(hash() * activityPartitions), activityPartitions), activityUnits],
    ];
    const i = joins.push({ arrived: at, started, attempts: 0, link: Math.floor(random() * p.links), lists, heldGates: new Set(), heldCounters: new Set() }) - 1;
    agenda.push(started, i);
  }

  // The item each in-flight transaction holds, with when it lets go.
  const inFlight = new Map<string, number>();
  const partitions = new Map<string, RollingSecond>();
  const partition = (key: string) => partitions.get(key) ?? partitions.set(key, new RollingSecond()).get(key)!;
  const unitsOf = (kind: 'gate' | 'counter') => JOIN_WRITES.find((w) => w.partition === kind)!.units;
  let storeFreeAt = 0;
  const latencies: number[] = [];
  const conflictsOn = { gate: 0, counter: 0 };
  const throttledOn: Record<string, number> = {};
  let succeeded = 0, conflicts = 0, throttles = 0, busyAfterConflicts = 0, busyThrottled = 0, attempts = 0, attemptsMax = 0;
  const answer = (join: (typeof joins)[number], at: number, ok: boolean) => {
    latencies.push(at - join.arrived);
    attempts += join.attempts;
    attemptsMax = Math.max(attemptsMax, join.attempts);
    if (ok) succeeded += 1;
  };

  while (agenda.size > 0) {
    const { at: now, join: i } = agenda.pop();
    const join = joins[i]!;
    join.attempts += 1;
    const gate = pickAvoiding(SHARDS.domainGates, join.heldGates, random);
    const counter = pickAvoiding(p.linkCounters, join.heldCounters, random);
    const gateKey = partitionKey.gate(gate);
    const counterKey = partitionKey.counter(join.link, counter);
    const answeredAt = () => now + (p.cancelled ? sample(p.cancelled) : 0);

    const gateHeld = p.conflicts && (inFlight.get(gateKey) ?? -1) > now;
    const counterHeld = p.conflicts && (inFlight.get(counterKey) ?? -1) > now;
    if (gateHeld || counterHeld) {
      conflicts += 1;
      if (gateHeld) {
        conflictsOn.gate += 1;
        join.heldGates.add(gate);
      }
      if (counterHeld) {
        conflictsOn.counter += 1;
        join.heldCounters.add(counter);
      }
      const at = answeredAt();
      if (join.attempts >= JOIN_MAX_ATTEMPTS || at - join.started > JOIN_TRYING_MS) {
        busyAfterConflicts += 1;
        answer(join, at, false);
      } else agenda.push(at + joinRetryMs(join.attempts, random), i);
      continue;
    }

    const charges: [string, number][] = [[gateKey, unitsOf('gate')], [counterKey, unitsOf('counter')], ...join.lists];
    for (const [key, units] of charges) partition(key).asked += units;
    const over = p.writeLimit === undefined ? undefined : charges.find(([key, units]) => partition(key).take(now) + units > p.writeLimit!);
    if (over) {
      // A transaction with a throttled entry: the SDK does not retry a TransactionCanceledException, the join answers BUSY.
      throttles += 1;
      busyThrottled += 1;
      throttledOn[kindOf(over[0])] = (throttledOn[kindOf(over[0])] ?? 0) + 1;
      answer(join, answeredAt(), false);
      continue;
    }
    for (const [key, units] of charges) {
      partition(key).take(now);
      partition(key).charge(now, units);
    }
    let done: number;
    if (p.store === 'local') {
      done = Math.max(now, storeFreeAt) + sample(p.transaction);
      storeFreeAt = done;
    } else done = now + sample(p.transaction);
    inFlight.set(gateKey, done);
    inFlight.set(counterKey, done);
    answer(join, done, true);
  }

  // The partition nearest its limit: the highest peak, then the most asked (several at the limit).
  let busiest: Busiest = { partition: 'none', peakWcu: 0, askedWcuPerS: 0, limit: p.writeLimit ?? null };
  let busiestAsked = 0;
  for (const [key, rolling] of partitions) {
    if (rolling.peak < busiest.peakWcu || (rolling.peak === busiest.peakWcu && rolling.asked <= busiestAsked)) continue;
    busiestAsked = rolling.asked;
    busiest = { partition: key, peakWcu: rolling.peak, askedWcuPerS: round(rolling.asked / p.seconds, 0), limit: p.writeLimit ?? null };
  }
  const n = joins.length;
  return {
    joins: n,
    succeeded,
    successShare: round(succeeded / Math.max(1, n), 4),
    busyAfterConflicts,
    busyThrottled,
    conflictsPer100: round((100 * conflicts) / Math.max(1, n), 1),
    conflictsOn,
    attemptsMean: round(attempts / Math.max(1, n), 2),
    attemptsMax,
    throttles,
    throttledOn,
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    busiest,
  };
}

/**
 * A discrete-event model of joins into one domain under AWS's two rules: a transaction is
 * cancelled (TransactionConflict) when one of its items is in another transaction in flight, and a
 * partition key takes at most 1,000 write units in any one second. The retry policy is the
 * service's own (conflicts.ts, join.ts); the arrivals, windows and shard picks come from one seeded
 * generator, so a seed always gives the same run.
 */
import { JOIN_MAX_ATTEMPTS, JOIN_TRYING_MS, joinRetryMs } from '../../shared/store/dynamodb/conflicts.ts';
import { SHARDS } from '../../shared/store/dynamodb/table.ts';
import { percentile, round } from '../stats.ts';

/** A latency, ms: lognormal around its median (sigma 0 is a constant). */
export interface Latency {
  median: number;
  sigma: number;
}

/**
 * What one join's transaction writes, and where (docs/data-model.md, "Capacity per join"): 2 units
 * per item-KB in a transaction, 1 for the membership's index entry. Only the partitions joins share
 * are tracked; the person's own (`USER#`, `MEMBER_EMAIL#`) take 4 and 2 units, nowhere near a limit.
 */
export const JOIN_WRITES = [
  { write: 'pass-gate', partition: 'gate', units: 2 },
  { write: 'count-use', partition: 'counter', units: 2 },
  { write: 'add-membership', partition: 'person', units: 2 },
  { write: 'add-membership, its GSI1 entry', partition: 'GSI1 DOMAIN#<domainId>', units: 1 },
  { write: 'claim-email', partition: 'person', units: 2 },
  { write: 'record-join', partition: 'ACTIVITY#<domainId>', units: 2 },
  { write: 'create-user', partition: 'person', units: 2 },
] as const;

export interface ModelParams {
  seed: number;
  /** Joins per second, Poisson arrivals, all into one domain. */
  rate: number;
  seconds: number;
  /** Joins spread over this many links, each join through a random one. */
  links: number;
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
  /** Write units of the join record in `ACTIVITY#<domainId>` (2: under 1 KB, as the bench measures). */
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
  attemptsMean: number;
  attemptsMax: number;
  /** Transactions refused for a partition over its write limit. */
  throttles: number;
  p50: number;
  p99: number;
  busiest: Busiest;
}

/** mulberry32, as the bench's arrivals use: small, fast and seeded. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sampler(random: () => number) {
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return (l: Latency) => l.median * Math.exp(l.sigma * normal());
}

/** One partition key's last second of charges. */
class RollingSecond {
  private times: number[] = [];
  private units: number[] = [];
  private head = 0;
  sum = 0;
  peak = 0;
  asked = 0;
  take(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - 1000) this.sum -= this.units[this.head++]!;
    return this.sum;
  }
  charge(now: number, units: number) {
    this.times.push(now);
    this.units.push(units);
    this.sum += units;
    this.peak = Math.max(this.peak, this.sum);
  }
}

/** A binary heap of attempts by time, ties in the order scheduled (so a seed gives one order). */
class Agenda {
  private heap: { at: number; seq: number; join: number }[] = [];
  private seq = 0;
  get size() {
    return this.heap.length;
  }
  push(at: number, join: number) {
    const h = this.heap;
    h.push({ at, seq: this.seq++, join });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop() {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
const before = (a: { at: number; seq: number }, b: { at: number; seq: number }) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

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
  const agenda = new Agenda();
  const joins: { arrived: number; started: number; attempts: number; link: number; heldGates: Set<number>; heldCounters: Set<number> }[] = [];
  for (let at = -Math.log(1 - random()) * (1000 / p.rate); at < p.seconds * 1000; at += -Math.log(1 - random()) * (1000 / p.rate)) {
    const reads = random() < p.readShare;
    const started = at + p.overheadMs + (reads ? sample(p.read) : 0);
    const i = joins.push({ arrived: at, started, attempts: 0, link: Math.floor(random() * p.links), heldGates: new Set(), heldCounters: new Set() }) - 1;
    agenda.push(started, i);
  }

  // The item each in-flight transaction holds, with when it lets go.
  const inFlight = new Map<string, number>();
  const partitions = new Map<string, RollingSecond>();
  const partition = (key: string) => partitions.get(key) ?? partitions.set(key, new RollingSecond()).get(key)!;
  const activityUnits = p.activityUnits ?? 2;
  let storeFreeAt = 0;
  const latencies: number[] = [];
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
    const counter = pickAvoiding(SHARDS.linkCounters, join.heldCounters, random);
    const gateKey = `GATE#${gate}`;
    const counterKey = `USES#${join.link}#${counter}`;
    const answeredAt = () => now + (p.cancelled ? sample(p.cancelled) : 0);

    const gateHeld = p.conflicts && (inFlight.get(gateKey) ?? -1) > now;
    const counterHeld = p.conflicts && (inFlight.get(counterKey) ?? -1) > now;
    if (gateHeld || counterHeld) {
      conflicts += 1;
      if (gateHeld) join.heldGates.add(gate);
      if (counterHeld) join.heldCounters.add(counter);
      const at = answeredAt();
      if (join.attempts >= JOIN_MAX_ATTEMPTS || at - join.started > JOIN_TRYING_MS) {
        busyAfterConflicts += 1;
        answer(join, at, false);
      } else agenda.push(at + joinRetryMs(join.attempts, random), i);
      continue;
    }

    const charges = JOIN_WRITES.filter((w) => w.partition !== 'person').map(({ partition: key, units }): [string, number] =>
      key === 'gate' ? [gateKey, units] : key === 'counter' ? [counterKey, units] : key === 'ACTIVITY#<domainId>' ? [key, activityUnits] : [key, units],
    );
    for (const [key, units] of charges) partition(key).asked += units;
    if (p.writeLimit !== undefined && charges.some(([key, units]) => partition(key).take(now) + units > p.writeLimit!)) {
      // A transaction with a throttled entry: the SDK does not retry a TransactionCanceledException, the join answers BUSY.
      throttles += 1;
      busyThrottled += 1;
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

  let busiest: Busiest = { partition: 'none', peakWcu: 0, askedWcuPerS: 0, limit: p.writeLimit ?? null };
  for (const [key, rolling] of partitions) {
    const asked = rolling.asked / p.seconds;
    if (asked > busiest.askedWcuPerS) busiest = { partition: key, peakWcu: rolling.peak, askedWcuPerS: round(asked, 0), limit: p.writeLimit ?? null };
  }
  const n = joins.length;
  return {
    joins: n,
    succeeded,
    successShare: round(succeeded / Math.max(1, n), 4),
    busyAfterConflicts,
    busyThrottled,
    conflictsPer100: round((100 * conflicts) / Math.max(1, n), 1),
    attemptsMean: round(attempts / Math.max(1, n), 2),
    attemptsMax,
    throttles,
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    busiest,
  };
}

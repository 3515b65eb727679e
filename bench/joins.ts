/**
 * Joins under contention, open loop: each join starts at its scheduled time whether or not the
 * earlier ones have finished, at a fixed mean rate (Poisson arrivals), into one domain, on one
 * link and then spread over many. Beside them, the same load with the conflict emulation off, the
 * old item footprint (every join holding the domain item and the link item) sent bare at the same
 * rate, and one link whose join-rate guard counts every join (the events feed running beside).
 * Each window records what the stack's conflict, IAM and partition throughput emulations did (joins/emulations.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emulateTransactionConflicts, resetConflictStats } from '../local/conflict-emulation.ts';
import { emulationMeter } from './joins/emulations.ts';
import { collectGarbage, pause } from './joins/machine.ts';
import { oldFootprint, type OldFootprintTarget } from './joins/old-footprint.ts';
import { openLoop } from './joins/open-loop.ts';
import { conflictsSinceReset, FEED_SCENARIO, GUARDED_SCENARIO, summary, type JoinScenario, type Window } from './joins/scenario.ts';
import { joinTransactions } from './joins/transactions.ts';
import { benchPerson, type BenchPerson, type localApi } from './local-api.ts';
import { pool } from './stats.ts';

export interface ContentionOptions extends OldFootprintTarget {
  api: ReturnType<typeof localApi>;
  /** The handlers' client: the emulation is switched off and on again on it. */
  handlerClient: DynamoDBDocumentClient;
  /** The scenario's links; the first alone is the one-link scenario. */
  links: { token: string; id: string }[];
  /** Joined before anything is measured, so neither Node nor DynamoDB Local is measured cold. */
  warmUpLink: { token: string };
  /**
   * Rates to run, joins per second, lowest first. Every scenario runs at the first; the next is
   * tried only while the one before met every target, so the last that did is the highest rate
   * the machine served within them.
   */
  rates: number[];
  /** Seconds of the one window each rate above the first runs: the climb bounds the rate, the first rate's windows carry the figures. */
  climbSeconds: number;
  /** Whether the stack enforces IAM on the functions' calls (its `iam` is not NO_IAM). */
  iam: boolean;
  /** A rate is served when, with the emulation off, its p99 stays under this. */
  maxUncontendedP99Ms: number;
  seconds: number;
  /**
   * Windows per scenario. With the conflict emulation off and on for the same shape they run in
   * turn (off, on, off, on, ...), so both meet the machine's slow moments alike; each scenario's
   * figures pool its windows. A p99 of one window is decided by its six slowest joins. At the first
   * rate only; the higher ones run one window each, of `climbSeconds` (two, when the first missed).
   */
  windows: number;
  /** The targets' misses for one rate's scenarios; none means the rate met them. */
  judge: (scenarios: JoinScenario[]) => string[];
  /**
   * A link with a join-rate guard it does not reach, joined at the first rate with the conflict
   * emulation on while the events feed (which runs the guard) reads the stream, window after window
   * in turn with a link without a guard (`unguarded`) under the same feed: `withGuard` runs the work
   * with the feed started. The two side by side show whether the guard adds a hot item to joins;
   * the feed's own cost is not the guard's (here it shares the bench's process, in AWS it is a
   * function of its own).
   */
  guarded?: {
    link: { token: string; id: string };
    unguarded: { token: string; id: string };
    /** Runs `work` with the events feed started; once it returns the joins made, waits for the guard to count them, and says how many it counted. */
    withGuard: (work: () => Promise<number>) => Promise<number>;
  };
}

export interface RateRun {
  rate: number;
  scenarios: JoinScenario[];
  /** Why this rate did not meet the targets (empty when it did), the machine's not serving it included. */
  misses: string[];
  /** A climbing rate that missed on its first windows and was measured once more: what it missed then. */
  firstMisses?: string[];
}

export async function joinContention(o: ContentionOptions): Promise<{ rate: number; runs: RateRun[] }> {
  const counter = joinTransactions(o.handlerClient);
  const signIn = async (tag: string, n: number) => {
    const people = Array.from({ length: n }, () => benchPerson(tag));
    await pool(people, 8, (p) => o.api.tokenFor(p.email, { givenName: p.firstName, familyName: p.lastName }));
    return people;
  };
  const joinAll = (rate: number, links: { token: string }[], people: BenchPerson[]) =>
    openLoop(rate, people.length, async (i) => (await o.api.join(links[i % links.length]!.token, people[i]!)).status, o.arrivals);

  const notServed = (scenarios: JoinScenario[]) =>
    scenarios
      .filter((x) => x.emulation === 'off' && x.p99 >= o.maxUncontendedP99Ms)
      .map((x) => `joins, ${x.name}: p99 ${x.p99} ms at ${x.rate}/s: the machine did not serve this rate (p99 under ${o.maxUncontendedP99Ms} ms with the emulation off)`);
  const runs: RateRun[] = [];
  const guardMisses: string[] = [];
  const meter = emulationMeter(o.iam);
  meter.watch(o.handlerClient);
  try {
    emulateTransactionConflicts(o.handlerClient, { enabled: false });
    // Untimed warm-up at the first rate, on a link of its own.
    await joinAll(o.rates[0]!, [o.warmUpLink], await signIn('warm-up', o.rates[0]! * 5));
    for (const rate of o.rates) {
      const count = Math.round(rate * (rate === o.rates[0] ? o.seconds : o.climbSeconds));
      const window = async (emulation: 'on' | 'off', links: { token: string }[]): Promise<Window> => {
        const people = await signIn(`${rate}${emulation}${links.length}`, count);
        emulateTransactionConflicts(o.handlerClient, { enabled: emulation === 'on' });
        collectGarbage();
        await pause();
        counter.reset();
        resetConflictStats();
        const emulations = meter.start(o.handlerClient);
        const run = await joinAll(rate, links, people);
        return { run, counted: counter.read(), ...conflictsSinceReset(), emulations: emulations() };
      };
      /** Each shape's windows with the emulation off and on, window after window in turn: the uncontended figures come from the same table and moments. */
      const shapes = [
        { name: 'one link', links: o.links.slice(0, 1), taken: { off: [] as Window[], on: [] as Window[] } },
        { name: `${o.links.length} links`, links: o.links, taken: { off: [] as Window[], on: [] as Window[] } },
      ];
      const takeWindows = async (windows: number) => {
        for (const { links, taken } of shapes) for (let w = 0; w < windows; w++) for (const emulation of ['off', 'on'] as const) taken[emulation].push(await window(emulation, links));
      };
      const shapeScenarios = () =>
        shapes.flatMap(({ name, links, taken }) => [summary(rate, `${name}, emulation off`, 'off', links.length, taken.off), summary(rate, name, 'on', links.length, taken.on)]);
      // Rates above the first only bound the rate reported: one window each keeps the bench's length in hand.
      await takeWindows(rate === o.rates[0] ? o.windows : 1);
      const scenarios: JoinScenario[] = shapeScenarios();
      if (o.guarded && rate === o.rates[0]) {
        const { link, unguarded, withGuard } = o.guarded;
        const taken = { guarded: [] as Window[], unguarded: [] as Window[] };
        const counted = await withGuard(async () => {
          for (let w = 0; w < o.windows; w++) {
            taken.unguarded.push(await window('on', [unguarded]));
            taken.guarded.push(await window('on', [link]));
          }
          return taken.guarded.flatMap((w) => w.run.outcomes).filter((x) => x.status === 201).length;
        });
        const guarded = summary(rate, GUARDED_SCENARIO, 'on', 1, taken.guarded);
        scenarios.push(summary(rate, FEED_SCENARIO, 'on', 1, taken.unguarded), guarded);
        // The scenario is about the guard counting every join: one it did not count proves nothing.
        if (counted !== guarded.succeeded) guardMisses.push(`joins, ${GUARDED_SCENARIO} at ${rate}/s: the guard counted ${counted} of the ${guarded.succeeded} joins`);
      }
      emulateTransactionConflicts(o.handlerClient, { enabled: true });
      scenarios.push(await oldFootprint(o, rate, count, meter));
      const misses = () => [...notServed(scenarios), ...o.judge(scenarios)];
      const run: RateRun = { rate, scenarios, misses: [...guardMisses.splice(0), ...misses()] };
      // A p99 of one window is decided by its few slowest joins, and one stall of DynamoDB Local's decides it: a climbing rate that
      // missed is measured once more, a window of each kind per shape in turn again, and judged on both windows pooled (as a cold
      // start that missed is measured over twice the rounds). The first verdict stays in the results.
      if (rate !== o.rates[0] && run.misses.length > 0) {
        run.firstMisses = run.misses;
        await takeWindows(1);
        scenarios.splice(0, shapes.length * 2, ...shapeScenarios());
        run.misses = misses();
      }
      runs.push(run);
      if (run.misses.length > 0) break;
    }
  } finally {
    emulateTransactionConflicts(o.handlerClient, { enabled: true });
    meter.unwatch(o.handlerClient);
  }
  const met = runs.filter((r) => r.misses.length === 0);
  return { rate: met.at(-1)?.rate ?? runs[0]!.rate, runs };
}

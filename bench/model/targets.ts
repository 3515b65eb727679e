/**
 * The rates the layout must serve in AWS, and the check of each: every join succeeds, p99 under
 * SERVED_P99_MS, and no partition asked past its limit (not one transaction throttled), on the
 * table's run and on further seeds, so that no single lucky run decides it.
 */
import { simulate, type Busiest, type ModelParams, type ModelResult } from './simulate.ts';

/** What a rate must give to be served: every join succeeds, p99 under this. */
export const SERVED_P99_MS = 250;

export const TARGETS = [
  { target: '1,000 joins/s into one domain over 50 links', rate: 1000, links: 50 },
  { target: '300 joins/s on one link', rate: 300, links: 1 },
] as const;

/** Seeds beyond the table's that each target is run on too. */
const MORE_SEEDS = 5;

export interface TargetVerdict {
  target: string;
  rate: number;
  links: number;
  holds: boolean;
  runs: number;
  /** Runs in which every join succeeded. */
  allSucceeded: number;
  p99: { table: number; worst: number };
  throttles: number;
  /** The partition nearest its limit over every run. */
  busiest: Busiest;
  detail: string;
}

export function checkTargets(aws: Omit<ModelParams, 'seed' | 'rate' | 'links'>, seed: number, tableRow: (rate: number, links: number) => ModelResult | undefined): TargetVerdict[] {
  return TARGETS.map(({ target, rate, links }) => {
    const table = tableRow(rate, links) ?? simulate({ ...aws, seed, rate, links });
    const runs = [table, ...Array.from({ length: MORE_SEEDS }, (_, i) => simulate({ ...aws, seed: seed + 1 + i, rate, links }))];
    const allSucceeded = runs.filter((r) => r.successShare === 1).length;
    const worst = Math.max(...runs.map((r) => r.p99));
    const throttles = runs.reduce((n, r) => n + r.throttles, 0);
    const busiest = runs.map((r) => r.busiest).reduce((a, b) => (b.peakWcu > a.peakWcu ? b : a));
    const holds = allSucceeded === runs.length && worst < SERVED_P99_MS && throttles === 0;
    const detail = [
      `every join succeeded in ${allSucceeded} of ${runs.length} seeds`,
      `p99 ${table.p99} ms in the table, worst ${worst} ms (under ${SERVED_P99_MS}: ${worst < SERVED_P99_MS ? 'yes' : 'no'})`,
      throttles === 0 ? 'no partition over its limit (0 throttled)' : `${throttles} throttled`,
      `busiest ${busiest.partition} at ${busiest.peakWcu} of ${busiest.limit?.toLocaleString('en-US') ?? 'no limit'} WCU`,
    ].join('; ');
    return { target, rate, links, holds, runs: runs.length, allSucceeded, p99: { table: table.p99, worst }, throttles, busiest, detail };
  });
}

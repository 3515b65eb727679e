/** One scenario of joins under contention: its figures, pooled over the windows it ran. */
import { conflictStats } from '../../local/conflict-emulation.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';
import { kindOf } from '../dynamodb-meter.ts';
import { pooled, type Emulations } from './emulations.ts';
import type { Outcome } from './open-loop.ts';
import { median, percentile, round } from '../stats.ts';

/** The guarded link's scenario, judged against one link without a guard under the same events feed (targets.ts). */
export const GUARDED_SCENARIO = 'one guarded link, its guard counting';
export const FEED_SCENARIO = 'one link without a guard, the events feed running';

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
  /** The items refused on, by kind (`gate`, `counter`, ...), per 100 joins: where the conflicts were. */
  conflictsOnPer100: Record<string, number>;
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
  /** The stack's emulations while it ran (emulations.ts), pooled over its windows. */
  emulations?: Emulations;
}

/** One window of a scenario: its joins, the transactions counted, the machine while it ran. */
export type Window = {
  run: { outcomes: Outcome[]; lateMax: number; busy: { busy: number; others: number; steal: number } };
  counted: { attempts: number[]; conflicts: number };
  /** Cancellations the emulation counted in the window. */
  cancelled: number;
  /** The items the emulation refused on in the window, by kind. */
  conflictedOn: Record<string, number>;
  emulations?: Emulations;
};

/** What the conflict emulation counted since its last reset: the transactions it cancelled, and the items refused on, by kind. */
export function conflictsSinceReset(): Pick<Window, 'cancelled' | 'conflictedOn'> {
  const stats = conflictStats();
  const conflictedOn: Record<string, number> = {};
  for (const { key, times } of stats.conflictedItems) addTo(conflictedOn, kindOf(key[TABLE.partitionKey]?.S ?? '', key[TABLE.sortKey]?.S ?? ''), times);
  return { cancelled: stats.transactionsCancelled, conflictedOn };
}

const addTo = (counts: Record<string, number>, name: string, n: number) => void (counts[name] = (counts[name] ?? 0) + n);

/** One scenario's figures over its windows, pooled; machine figures are the windows' means. */
export function summary(rate: number, name: string, emulation: 'on' | 'off', links: number, windows: Window[]): JoinScenario {
  const outcomes = windows.flatMap((w) => w.run.outcomes);
  const failures: Record<string, number> = {};
  for (const { status } of outcomes) if (status !== 201) failures[status] = (failures[status] ?? 0) + 1;
  const ms = outcomes.map((x) => x.ms);
  const attempts = windows.flatMap((w) => w.counted.attempts);
  const conflicts = windows.reduce((n, w) => n + w.counted.conflicts, 0);
  const conflictedOn: Record<string, number> = {};
  for (const w of windows) for (const [kind, n] of Object.entries(w.conflictedOn)) addTo(conflictedOn, kind, n);
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
    conflictsOnPer100: Object.fromEntries(Object.entries(conflictedOn).map(([kind, n]) => [kind, round((100 * n) / outcomes.length, 1)])),
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
    emulations: pooled(windows.flatMap((w) => (w.emulations ? [w.emulations] : []))),
  };
}


/**
 * Each partition's last second: what it took, when, and whether a request's charges would take it
 * over its limit, with the reason AWS would give. Shared by every client in this process.
 */
import type { Charge, Kind, Partition } from './units.ts';

/** What one partition key value takes in a second, in AWS, whatever the table's capacity mode. */
export const PARTITION_LIMITS = { writeUnits: 1000, readUnits: 3000 } as const;
const WINDOW_MS = 1000;

export type ThrottlingReasonName =
  | 'TableWriteKeyRangeThroughputExceeded'
  | 'IndexWriteKeyRangeThroughputExceeded'
  | 'TableReadKeyRangeThroughputExceeded'
  | 'IndexReadKeyRangeThroughputExceeded';

/** The units each partition took in the last second, oldest first; shared by every client in this process. */
const windows = new Map<string, { taken: [at: number, units: number][]; sum: number }>();

export const partitionId = ({ table, index, key }: Partition, kind: Kind) => JSON.stringify([table, index ?? null, key, kind]);

export type Over = Charge & { reason: ThrottlingReasonName };

/**
 * The charges that would take a partition over its limit, with the reason AWS would give. A
 * request is weighed whole; a batch entry by entry, in order, as AWS admits a batch's items one by one.
 */
export function overLimit(charges: Charge[], at: number, batch: boolean): Over[] {
  const groups = new Map<number, Charge[]>();
  for (const c of charges) {
    const group = batch ? c.entry : 0;
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  const admitted = new Map<string, number>();
  const over: Over[] = [];
  for (const group of groups.values()) {
    const need = new Map<string, { units: number; limit: number }>();
    for (const c of group) {
      const id = partitionId(c.partition, c.kind);
      need.set(id, { units: (need.get(id)?.units ?? 0) + c.units, limit: c.kind === 'write' ? PARTITION_LIMITS.writeUnits : PARTITION_LIMITS.readUnits });
    }
    const overIds = new Set([...need].filter(([id, { units, limit }]) => taken(id, at) + (admitted.get(id) ?? 0) + units > limit).map(([id]) => id));
    if (overIds.size > 0) {
      over.push(...group.filter((c) => overIds.has(partitionId(c.partition, c.kind))).map((c) => ({ ...c, reason: reasonOf(c) })));
    } else {
      for (const [id, { units }] of need) admitted.set(id, (admitted.get(id) ?? 0) + units);
    }
  }
  return over;
}

function reasonOf({ partition, kind }: Charge): ThrottlingReasonName {
  return `${partition.index ? 'Index' : 'Table'}${kind === 'write' ? 'Write' : 'Read'}KeyRangeThroughputExceeded`;
}

/** What the partition took in the second before `at`. */
function taken(id: string, at: number): number {
  const window = windows.get(id);
  if (!window) return 0;
  while (window.taken.length > 0 && window.taken[0]![0] <= at - WINDOW_MS) window.sum -= window.taken.shift()![1];
  if (window.taken.length === 0) windows.delete(id);
  return window.sum;
}

/** Partitions nobody asks about again would keep their last second for ever: every so often all are aged at once. */
const SWEEP_EVERY = 10_000;
let takesSinceSweep = 0;

export function take(charges: Charge[], at: number): void {
  if (++takesSinceSweep >= SWEEP_EVERY) {
    takesSinceSweep = 0;
    for (const id of [...windows.keys()]) taken(id, at);
  }
  for (const c of charges) {
    if (c.units <= 0) continue;
    const id = partitionId(c.partition, c.kind);
    const window = windows.get(id) ?? { taken: [], sum: 0 };
    window.taken.push([at, c.units]);
    window.sum += c.units;
    windows.set(id, window);
  }
}

/** Forgets every partition's last second. */
export function clearWindows(): void {
  windows.clear();
}

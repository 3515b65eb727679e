/**
 * What the local stack's emulations did while a window of joins ran: whether the conflict, IAM and
 * partition throughput emulations were in place (read off the clients and the stack, not assumed),
 * the IAM decisions on the functions' calls, the requests the throughput emulation refused, and
 * the partition that took the most write units in any one second, against AWS's limit.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Authorization } from '../../local/iam/emulation.ts';
import { PARTITION_LIMITS, requestUnits, throughputStats } from '../../local/throughput-emulation.ts';

export interface Emulations {
  conflicts: boolean;
  iam: boolean;
  throughput: boolean;
  /** The functions' AWS calls IAM decided on, and how many it denied. */
  iamChecked: number;
  iamDenied: number;
  /** Requests (and batch items) the throughput emulation refused, by the reason AWS gives; every client in the process. */
  throttled: Record<string, number>;
  unprocessedItems: number;
  /** The partition key that took the most write units within one rolling second, of `limit`. */
  busiest: { partition: string; peakWcu: number; limit: number } | null;
}

type Client = DynamoDBClient | DynamoDBDocumentClient;

const decisions = { checked: 0, denied: 0 };
const PEAKS = 'benchPartitionPeaks';

/** The stack's `iam.onAuthorization`: every decision IAM makes on a function's call is counted. */
export function noteIamDecision(authorization: Authorization): void {
  decisions.checked += 1;
  if (!authorization.allowed) decisions.denied += 1;
}

const has = (client: Client, name: string) => (client.middlewareStack as DynamoDBClient['middlewareStack']).identify().some((m) => m.startsWith(`${name} `));
/** Whether the throughput emulation is on the client: its middleware is in the stack. */
export const throughputOn = (client: Client) => has(client, 'emulatePartitionThroughput');
export const conflictsOn = (client: Client) => has(client, 'emulateTransactionConflicts');

/** Meters the clients it watches; `start` begins a window, and the function it returns reads it. `iam`: whether the stack enforces IAM. */
export function emulationMeter(iam: boolean) {
  let peaks = new Map<string, { taken: [number, number][]; sum: number; peak: number }>();
  const take = (partition: string, units: number, at: number) => {
    const p = peaks.get(partition) ?? { taken: [], sum: 0, peak: 0 };
    p.taken.push([at, units]);
    p.sum += units;
    while (p.taken[0]![0] <= at - 1000) p.sum -= p.taken.shift()![1];
    p.peak = Math.max(p.peak, p.sum);
    peaks.set(partition, p);
  };
  return {
    /** Counts the write units each request sent through `client` takes from each partition, as the throughput emulation weighs them. */
    watch(client: Client): void {
      const stack = client.middlewareStack as DynamoDBClient['middlewareStack'];
      stack.remove(PEAKS);
      // Inside the emulation when it is on, so a request it refused takes nothing here either.
      const anchor = throughputOn(client) ? 'emulatePartitionThroughput' : 'retryMiddleware';
      stack.addRelativeTo(
        (next: any, context: any) => async (args: any) => {
          // Taken as it is sent, whatever its answer, as the emulation takes it.
          const at = performance.now();
          for (const c of requestUnits(String(context.commandName), args.input)) {
            if (c.kind === 'write') take(`${c.index ? `${c.index} ` : ''}${c.key.S ?? c.key.N ?? JSON.stringify(c.key)}`, c.units, at);
          }
          return next(args);
        },
        { relation: 'after', toMiddleware: anchor, name: PEAKS, override: true },
      );
    },
    unwatch: (client: Client) => (client.middlewareStack as DynamoDBClient['middlewareStack']).remove(PEAKS),
    start(client: Client): () => Emulations {
      const before = { ...throughputStats(), iam: { ...decisions } };
      peaks = new Map();
      return () => {
        const after = throughputStats();
        const earlier = before.throttled as Record<string, number>;
        const throttled: Record<string, number> = {};
        for (const [reason, n] of Object.entries(after.throttled)) if (n > (earlier[reason] ?? 0)) throttled[reason] = n - (earlier[reason] ?? 0);
        const [top] = [...peaks].sort((a, b) => b[1].peak - a[1].peak);
        return {
          conflicts: conflictsOn(client),
          iam,
          throughput: throughputOn(client),
          iamChecked: decisions.checked - before.iam.checked,
          iamDenied: decisions.denied - before.iam.denied,
          throttled,
          unprocessedItems: after.unprocessedItems - before.unprocessedItems,
          busiest: top ? { partition: top[0], peakWcu: top[1].peak, limit: PARTITION_LIMITS.writeUnits } : null,
        };
      };
    },
  };
}

/** A scenario's windows pooled: in place only if in every window; counts added; the busiest of any window. */
export function pooled(windows: Emulations[]): Emulations | undefined {
  if (windows.length === 0) return undefined;
  const throttled: Record<string, number> = {};
  for (const w of windows) for (const [reason, n] of Object.entries(w.throttled)) throttled[reason] = (throttled[reason] ?? 0) + n;
  const sum = (pick: (w: Emulations) => number) => windows.reduce((n, w) => n + pick(w), 0);
  const busiest = windows.map((w) => w.busiest).reduce((a, b) => (b && (!a || b.peakWcu > a.peakWcu) ? b : a), null);
  return {
    conflicts: windows.every((w) => w.conflicts),
    iam: windows.every((w) => w.iam),
    throughput: windows.every((w) => w.throughput),
    iamChecked: sum((w) => w.iamChecked),
    iamDenied: sum((w) => w.iamDenied),
    throttled,
    unprocessedItems: sum((w) => w.unprocessedItems),
    busiest,
  };
}

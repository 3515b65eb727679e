/**
 * What CloudWatch does with a function's EMF output, on one machine. The functions print their
 * metrics on stdout as they do in Lambda (shared/observability/); here every EMF record is taken off
 * stdout, so the terminal stays readable, added up by namespace, metric and dimensions, and served
 * at GET /local/metrics. Other output passes through untouched.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './http.ts';

export const METRICS_PATH = '/local/metrics';

/** One metric with one set of dimension values, added up since the stack started. */
export interface LocalMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** The sum of every value recorded (a count's total). */
  sum: number;
  /** How many values were recorded. */
  samples: number;
}

export interface LocalMetrics {
  /** Answers GET METRICS_PATH; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  all(): LocalMetric[];
  stop(): void;
}

interface EmfRecord {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

export function startLocalMetrics(): LocalMetrics {
  const totals = new Map<string, LocalMetric>();
  const record = (emf: EmfRecord) => {
    for (const { Namespace: namespace, Dimensions, Metrics } of emf._aws.CloudWatchMetrics) {
      for (const names of Dimensions) {
        const dimensions = Object.fromEntries(names.map((name) => [name, String(emf[name])]));
        for (const { Name: name } of Metrics) {
          const values = ([] as unknown[]).concat(emf[name]).filter((v): v is number => typeof v === 'number');
          const key = JSON.stringify([namespace, name, dimensions]);
          const total = totals.get(key) ?? { namespace, name, dimensions, sum: 0, samples: 0 };
          total.sum += values.reduce((a, b) => a + b, 0);
          total.samples += values.length;
          totals.set(key, total);
        }
      }
    }
  };
  readers.add(record);
  tapStdout();
  return {
    handle(req, res) {
      if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== METRICS_PATH) return false;
      send(res, { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify({ metrics: [...totals.values()] }) });
      return true;
    },
    all: () => [...totals.values()].map((m) => ({ ...m, dimensions: { ...m.dimensions } })),
    stop() {
      readers.delete(record);
    },
  };
}

/** Every stack of this process reads the one stdout its functions share. */
const PROCESS_TAP = Symbol.for('invite-links.local-metrics');
const processWide = globalThis as { [PROCESS_TAP]?: { readers: Set<(emf: EmfRecord) => void>; tapped: boolean } };
// Kept on the process, not the module: stdout is tapped once however often this module is loaded (test files sharing a worker).
const tap = (processWide[PROCESS_TAP] ??= { readers: new Set(), tapped: false });
const readers = tap.readers;

function tapStdout(): void {
  if (tap.tapped) return;
  tap.tapped = true;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n');
    const kept = lines.filter((line) => !(line.startsWith('{"_aws":') && readers.size > 0 && taken(line)));
    if (kept.length === lines.length) return write(chunk, ...(rest as []));
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    const left = kept.join('\n');
    if (left.trim() === '') {
      if (callback) process.nextTick(callback);
      return true;
    }
    return write(left, ...(rest as []));
  }) as typeof process.stdout.write;
}

/** Hands an EMF line to every reader; false when it is not one after all. */
function taken(line: string): boolean {
  let emf: EmfRecord;
  try {
    emf = JSON.parse(line) as EmfRecord;
  } catch {
    return false;
  }
  if (!Array.isArray(emf._aws?.CloudWatchMetrics)) return false;
  for (const read of readers) read(emf);
  return true;
}

/**
 * Cold start per function, judged fairly: each function bundled as infra deploys it, imported and
 * invoked once in a fresh Node process, paired round by round with its own bare handler
 * (bare-handler.ts) that imports the same SDK clients, makes the same DynamoDB calls in the same
 * order, and logs, counts and traces as every function does. Import is compared with import, first
 * invocation with first invocation, each without the collector's pauses, and the whole cold start
 * (both, pauses included) with the whole.
 *
 * Why the pauses are judged on the whole only: a scavenge runs when the young generation fills, not
 * where its garbage was made. A function and its bare handler both scavenge three times over import
 * and first invocation; the function's import leaves more alive, so V8 grows its young generation
 * and the third scavenge (3-5 ms) falls in its first invocation, where the bare handler's fell in
 * its import. Counted per phase, that moved pause alone was the difference between 1.1x and 1.27x.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS } from './deployed-settings.ts';
import { TABLE } from '../shared/store/dynamodb/table.ts';
import { bareHandlerSource, importsOf } from './bare-handler.ts';
import { inWaves, type RecordedCall } from './dynamodb-meter.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..');

export interface ColdTarget {
  /** The file under functions/, without `.ts`. */
  name: string;
  /** The event of one first invocation; each round (and the recording, round -1) gets its own, so each does the same work. */
  event(round: number): unknown;
  /** A reply that counts as a success: the operation's status, or no failed record for the notifier. */
  ok(status: unknown): boolean;
}

export interface ColdStart {
  name: string;
  /** Rounds measured: `runs`, or twice that for a function whose first `runs` missed a target. */
  rounds: number;
  bundleKb: number;
  /** SDK client packages in the bundle: the bare handler imports the same. */
  sdk: string[];
  /** The first invocation's requests as recorded, waves joined by ' → ', parallel requests by ' + ', a command sent n times at once as ' ×n'. */
  calls: string;
  importMs: number;
  bareImportMs: number;
  /** Median over rounds of import time, less the collector's pauses in it, over the bare handler's the same way in the same round. */
  importRatio: number;
  invokeMs: number;
  bareInvokeMs: number;
  /** As importRatio, for the first invocation. */
  invokeRatio: number;
  /** The collector's pauses in the import and in the first invocation, and the bare handler's (medians). */
  gcMs: { import: number; invoke: number; bareImport: number; bareInvoke: number };
  /** Median over rounds of import plus first invocation, pauses included, over the bare handler's. */
  coldStartRatio: number;
  /** CPU time of the first invocation: what a smaller memory setting (less CPU) stretches. */
  invokeCpuMs: number;
  peakRssMb: number;
  barePeakRssMb: number;
}

export interface ChildReport {
  importMs: number;
  importCpuMs: number;
  /** The collector's pauses that started within the import, and within the first invocation. */
  importGcMs: number;
  invokeMs: number;
  invokeCpuMs: number;
  invokeGcMs: number;
  /** Mean over the invocations after the first; null with one event. */
  warmMs: number | null;
  warmCpuMs: number | null;
  statuses: unknown[];
  peakRssMb: number;
}

/**
 * The flags the Lambda Node.js runtime's bootstrap starts node with, from the function's memory
 * setting: a tenth of it for the young generation (two semi-spaces), the rest for the old, the
 * collector exposed, and API Gateway's header size. The bench starts each instance the same way.
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return ['--expose-gc', '--max-http-header-size=81920', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

export function coldStartBench(options: { env: Record<string, string>; table: string; memoryMb: number }) {
  // Profiling (BENCH_COLD_PROFILE_DIR, cold-start-child.mjs) keeps the bundles beside their profiles, for their line numbers.
  const profileDir = process.env.BENCH_COLD_PROFILE_DIR;
  const dir = profileDir ?? mkdtempSync(join(tmpdir(), 'invite-links-bench-'));
  const cleaner = new DynamoDBClient({});

  const bundle = async (name: string, entry: string | { contents: string }) => {
    const outfile = join(dir, `${name}.mjs`);
    const result = await build({
      ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: REPO_ROOT, loader: 'js' } }),
      ...ESBUILD_OPTIONS,
      outfile,
      absWorkingDir: REPO_ROOT,
      metafile: true,
      logLevel: 'error',
    });
    return { file: outfile, inputs: Object.keys(result.metafile.inputs) };
  };

  let serial = 0;
  /** A fresh process that imports the bundle and invokes it with each event in turn. */
  const instance = async (file: string, events: unknown[]): Promise<ChildReport> => {
    const eventsFile = join(dir, `events-${++serial}.json`);
    writeFileSync(eventsFile, JSON.stringify(events));
    const { stdout } = await run(process.execPath, [...lambdaNodeFlags(options.memoryMb), join(import.meta.dirname, 'cold-start-child.mjs'), file, eventsFile], {
      // As Lambda starts an on-demand instance: Powertools counts its cold start then.
      env: { ...process.env, ...options.env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' },
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    // The function's own output (EMF metrics, log lines) comes first; the report is the last line.
    return JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1)) as ChildReport;
  };

  /** Every item of the table as it is now (the table is small while cold starts are measured). */
  const snapshot = async () => {
    const items = new Map<string, Record<string, AttributeValue>>();
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await cleaner.send(new ScanCommand({ TableName: options.table, ExclusiveStartKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) items.set(keyOf(item), item);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  /**
   * Puts back, as they were before the recording, the items its requests wrote, so that each run, the
   * function's and its bare handler's, meets the state the recording met: the same conditional writes
   * succeed and fail (a lookup finds no salt of the day and makes it, as recorded, rather than reading
   * the one the run before made: a request the bare handler does not send).
   */
  const restore = async (before: Map<string, Record<string, AttributeValue>>, calls: RecordedCall[]) => {
    const written = new Map(writtenKeys(calls).map((key) => [keyOf(key), key]));
    await Promise.all(
      [...written].map(([id, key]) => {
        const item = before.get(id);
        return item ? cleaner.send(new PutItemCommand({ TableName: options.table, Item: item })) : cleaner.send(new DeleteItemCommand({ TableName: options.table, Key: key }));
      }),
    );
  };

  return {
    /** The function's bundle as measured (after `measure`). */
    bundleOf: (name: string) => join(dir, `${name}.mjs`),
    instance,
    /**
     * `record` runs one first invocation of the function in this process and returns the requests it sent;
     * the bare handler is built from that. Then `runs` rounds, each running every function and its bare
     * handler in fresh processes, in an order that rotates so that neither position nor drift favours anyone;
     * then `runs` more of the functions that `misses` judges to have missed. Each round's event is `event(round)`,
     * round < 2 × runs.
     */
    async measure(
      targets: ColdTarget[],
      runs: number,
      record: (target: ColdTarget) => Promise<{ calls: RecordedCall[]; status: unknown }>,
      misses: (coldStart: ColdStart) => boolean,
    ): Promise<ColdStart[]> {
      const prepared = [];
      for (const target of targets) {
        const real = await bundle(target.name, join(REPO_ROOT, 'functions', `${target.name}.ts`));
        const before = await snapshot();
        const recorded = await record(target);
        if (!target.ok(recorded.status)) throw new Error(`${target.name}: the recorded invocation answered ${JSON.stringify(recorded.status)}`);
        const imports = importsOf(real.inputs);
        const bare = await bundle(`bare-${target.name}`, { contents: bareHandlerSource(imports, recorded.calls, REPO_ROOT) });
        prepared.push({ target, real, bare, imports, before, calls: recorded.calls, samples: [] as { real: ChildReport; bare: ChildReport }[] });
      }
      type Prepared = (typeof prepared)[number];
      /** Rounds `from` to `to` (exclusive) of `list`: each function and its bare handler once per round. */
      const rounds = async (list: Prepared[], from: number, to: number) => {
        for (let pass = from; pass < to; pass++) {
          for (let k = 0; k < list.length; k++) {
            const p = list[(pass + k) % list.length]!;
            const runReal = async () => {
              await restore(p.before, p.calls);
              const report = await instance(p.real.file, [p.target.event(pass)]);
              if (!p.target.ok(report.statuses[0])) throw new Error(`${p.target.name}: a first invocation answered ${JSON.stringify(report.statuses[0])}`);
              return report;
            };
            const runBare = async () => {
              await restore(p.before, p.calls);
              const report = await instance(p.bare.file, [{}]);
              if (report.statuses[0] !== 200) throw new Error(`${p.target.name}: its bare handler's requests failed (${JSON.stringify(report.statuses[0])})`);
              return report;
            };
            // Who goes first alternates, so the second of the pair never always finds the disk cache warmer.
            if ((pass + k) % 2 === 0) {
              const real = await runReal();
              p.samples.push({ real, bare: await runBare() });
            } else {
              const bare = await runBare();
              p.samples.push({ real: await runReal(), bare });
            }
          }
        }
      };
      const summary = (p: Prepared): ColdStart => {
        const m = (pick: (s: { real: ChildReport; bare: ChildReport }) => number, digits = 1) => round(median(p.samples.map(pick)), digits);
        return {
          name: p.target.name,
          rounds: p.samples.length,
          bundleKb: round(statSync(p.real.file).size / 1024, 0),
          sdk: p.imports.packages.map((x) => x.replace('@aws-sdk/', '')),
          calls: inWaves(p.calls).map(waveInWords).join(' → ') || 'none',
          importMs: m((s) => s.real.importMs),
          bareImportMs: m((s) => s.bare.importMs),
          importRatio: m((s) => (s.real.importMs - s.real.importGcMs) / (s.bare.importMs - s.bare.importGcMs), 2),
          invokeMs: m((s) => s.real.invokeMs),
          bareInvokeMs: m((s) => s.bare.invokeMs),
          invokeRatio: m((s) => (s.real.invokeMs - s.real.invokeGcMs) / (s.bare.invokeMs - s.bare.invokeGcMs), 2),
          gcMs: { import: m((s) => s.real.importGcMs), invoke: m((s) => s.real.invokeGcMs), bareImport: m((s) => s.bare.importGcMs), bareInvoke: m((s) => s.bare.invokeGcMs) },
          coldStartRatio: m((s) => (s.real.importMs + s.real.invokeMs) / (s.bare.importMs + s.bare.invokeMs), 2),
          invokeCpuMs: m((s) => s.real.invokeCpuMs),
          peakRssMb: m((s) => s.real.peakRssMb, 0),
          barePeakRssMb: m((s) => s.bare.peakRssMb, 0),
        };
      };
      await rounds(prepared, 0, runs);
      // A median of `runs` paired ratios moves by several hundredths from run to run: a function judged
      // a miss is measured as many rounds again, and judged on all of them.
      const again = prepared.filter((p) => misses(summary(p)));
      await rounds(again, runs, 2 * runs);
      return prepared.map(summary);
    },
    /** Its bundles and event files are removed: a bench leaves nothing in the temporary directory. */
    close() {
      cleaner.destroy();
      if (!profileDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A wave of parallel requests in words, the same command sent n times written once: `UpdateItem ×64 + GetItem`. */
function waveInWords(wave: RecordedCall[]): string {
  const counts = new Map<string, number>();
  for (const c of wave) counts.set(c.command.replace(/Command$/, ''), (counts.get(c.command.replace(/Command$/, '')) ?? 0) + 1);
  return [...counts].map(([command, n]) => (n > 1 ? `${command} ×${n}` : command)).join(' + ');
}

const keyOf = (item: Record<string, AttributeValue>) => JSON.stringify([item[TABLE.partitionKey]?.S, item[TABLE.sortKey]?.S]);

/** The keys of the items the recorded requests wrote (a transaction's condition checks write nothing). */
function writtenKeys(calls: RecordedCall[]): Record<string, AttributeValue>[] {
  const key = (item: Record<string, AttributeValue>) => ({ [TABLE.partitionKey]: item[TABLE.partitionKey]!, [TABLE.sortKey]: item[TABLE.sortKey]! });
  return calls.flatMap((c) => {
    const input = c.input as { Item?: Record<string, AttributeValue>; Key?: Record<string, AttributeValue>; TransactItems?: Record<string, { Item?: Record<string, AttributeValue>; Key?: Record<string, AttributeValue> }>[] };
    if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(c.command)) return [key((input.Item ?? input.Key)!)];
    if (c.command !== 'TransactWriteItemsCommand') return [];
    return (input.TransactItems ?? []).flatMap((t) => {
      const write = t.Put ?? t.Update ?? t.Delete;
      return write ? [key((write.Item ?? write.Key)!)] : [];
    });
  });
}

/**
 * Cold start per function, judged fairly: each function bundled as infra deploys it, imported and
 * invoked once in a fresh Node process, paired round by round with its own bare handler
 * (bare-handler.ts) that imports the same SDK clients, makes the same DynamoDB calls in the same
 * order, and logs, counts and traces as every function does. Import is compared with import, first
 * invocation with first invocation.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { TABLE } from '../shared/store/dynamodb/table.ts';
import { bareHandlerSource, importsOf } from './bare-handler.ts';
import { inWaves, type RecordedCall } from './dynamodb-meter.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..');

export interface BundleSettings {
  mainFields: string[];
  minify: boolean;
  sourceMap: boolean;
  externalModules: string[];
  banner?: string;
}

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
  bundleKb: number;
  /** SDK client packages in the bundle: the bare handler imports the same. */
  sdk: string[];
  /** The first invocation's requests as recorded, waves joined by ' → ', parallel requests by ' + '. */
  calls: string;
  importMs: number;
  bareImportMs: number;
  /** Median over rounds of import time over the bare handler's in the same round. */
  importRatio: number;
  invokeMs: number;
  bareInvokeMs: number;
  invokeRatio: number;
  /** CPU time of the first invocation: what a smaller memory setting (less CPU) stretches. */
  invokeCpuMs: number;
  peakRssMb: number;
  barePeakRssMb: number;
}

export interface ChildReport {
  importMs: number;
  importCpuMs: number;
  invokeMs: number;
  invokeCpuMs: number;
  /** Mean over the invocations after the first; null with one event. */
  warmMs: number | null;
  warmCpuMs: number | null;
  statuses: unknown[];
  peakRssMb: number;
}

export function coldStartBench(options: { settings: BundleSettings; env: Record<string, string>; table: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'invite-links-bench-'));
  const cleaner = new DynamoDBClient({});

  const bundle = async (name: string, entry: string | { contents: string }) => {
    const outfile = join(dir, `${name}.mjs`);
    const result = await build({
      ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: REPO_ROOT, loader: 'js' } }),
      outfile,
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: options.settings.mainFields,
      minify: options.settings.minify,
      sourcemap: options.settings.sourceMap,
      sourcesContent: false,
      external: options.settings.externalModules,
      ...(options.settings.banner ? { banner: { js: options.settings.banner } } : {}),
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
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, 'cold-start-child.mjs'), file, eventsFile], {
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
  /** Puts back, as they were before the recording, the items its requests wrote, so the bare handler's conditional writes meet the same state. */
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
     * handler in fresh processes, in an order that rotates so that neither position nor drift favours anyone.
     */
    async measure(targets: ColdTarget[], runs: number, record: (target: ColdTarget) => Promise<{ calls: RecordedCall[]; status: unknown }>): Promise<ColdStart[]> {
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
      for (let pass = 0; pass < runs; pass++) {
        for (let k = 0; k < prepared.length; k++) {
          const p = prepared[(pass + k) % prepared.length]!;
          const runReal = async () => {
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
      return prepared.map((p) => {
        const m = (pick: (s: { real: ChildReport; bare: ChildReport }) => number, digits = 1) => round(median(p.samples.map(pick)), digits);
        return {
          name: p.target.name,
          bundleKb: round(statSync(p.real.file).size / 1024, 0),
          sdk: p.imports.packages.map((x) => x.replace('@aws-sdk/', '')),
          calls: inWaves(p.calls).map((wave) => wave.map((c) => c.command.replace(/Command$/, '')).join(' + ')).join(' → ') || 'none',
          importMs: m((s) => s.real.importMs),
          bareImportMs: m((s) => s.bare.importMs),
          importRatio: m((s) => s.real.importMs / s.bare.importMs, 2),
          invokeMs: m((s) => s.real.invokeMs),
          bareInvokeMs: m((s) => s.bare.invokeMs),
          invokeRatio: m((s) => s.real.invokeMs / s.bare.invokeMs, 2),
          invokeCpuMs: m((s) => s.real.invokeCpuMs),
          peakRssMb: m((s) => s.real.peakRssMb, 0),
          barePeakRssMb: m((s) => s.bare.peakRssMb, 0),
        };
      });
    },
    /** Its bundles and event files are removed: a bench leaves nothing in the temporary directory. */
    close() {
      cleaner.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

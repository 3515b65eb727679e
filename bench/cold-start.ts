/**
 * Cold start per handler: each function bundled as it is deployed, then imported and invoked once
 * in a fresh Node process against DynamoDB Local, beside the baseline handler, in the same run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { OPERATION_LIST, type Operation } from '../shared/operations.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);

export interface ColdStart {
  name: string;
  bundleBytes: number;
  initMs: number;
  importMs: number;
  invokeMs: number;
  /** Median over rounds of this target's init time divided by the baseline's in the same round. */
  ratio: number;
}

export interface BundleSettings {
  mainFields: string[];
  minify: boolean;
  sourceMap: boolean;
  externalModules: string[];
  banner?: string;
}

/** A representative first request per API function; notify-signup gets a one-record stream batch. */
function sampleEvent(name: string): unknown {
  const route = OPERATION_LIST.find((r) => r.name === name);
  if (!route) return streamBatch();
  const body: Record<string, unknown> = {
    'create-invite-link': { userType: 'STANDARD', primaryTeamId: 'producers' },
    'put-invite-link-settings': { enabled: true },
    'lookup-invite-link': { token: 'A'.repeat(43) },
    join: { token: 'A'.repeat(43) },
  };
  return apiEvent(route, body[name]);
}

function apiEvent(route: Operation, body: unknown) {
  const rawPath = route.path.replace('{domainId}', 'demo-media-co').replace('{linkId}', 'B'.repeat(43));
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: { domainId: 'demo-media-co', ...(route.path.includes('{linkId}') ? { linkId: 'B'.repeat(43) } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      http: { method: route.method, path: rawPath, sourceIp: '127.0.0.1' },
      requestId: 'bench',
      routeKey: `${route.method} ${route.path}`,
      authorizer: { jwt: { claims: { sub: 'u-demo-owner', email: 'owner@demo.test', email_verified: 'true', given_name: 'Olivia', family_name: 'Owner' }, scopes: [] } },
    },
  };
}

function streamBatch() {
  return { Records: [] };
}

export async function measureColdStarts(options: {
  functions: string[];
  settings: BundleSettings;
  env: Record<string, string>;
  runs: number;
}): Promise<ColdStart[]> {
  const dir = mkdtempSync(join(tmpdir(), 'invite-links-bench-'));
  const bundle = async (name: string, entry: string) => {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: options.settings.mainFields,
      minify: options.settings.minify,
      sourcemap: options.settings.sourceMap,
      external: options.settings.externalModules,
      ...(options.settings.banner ? { banner: { js: options.settings.banner } } : {}),
      logLevel: 'error',
    });
    return outfile;
  };
  const once = async (file: string, event: unknown) => {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, 'cold-start-child.mjs'), file, JSON.stringify(event)], {
      env: { ...process.env, ...options.env },
      cwd: join(import.meta.dirname, '..'),
    });
    return JSON.parse(stdout) as { importMs: number; invokeMs: number };
  };
  const targets: { name: string; file: string; event: unknown }[] = [
    { name: 'baseline (client-dynamodb + GetItem)', file: await bundle('baseline', join(import.meta.dirname, 'baseline-handler.ts')), event: {} },
  ];
  for (const name of options.functions) {
    targets.push({ name, file: await bundle(name, join(import.meta.dirname, '..', 'functions', `${name}.ts`)), event: sampleEvent(name) });
  }
  // Every round runs every target, each round starting one further along, so neither drift in the
  // machine's load nor a target's place in the round favours anyone.
  const samples = targets.map(() => [] as { importMs: number; invokeMs: number }[]);
  for (let pass = 0; pass < options.runs; pass++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (pass + k) % targets.length;
      samples[i]!.push(await once(targets[i]!.file, targets[i]!.event));
    }
  }
  const init = (x: { importMs: number; invokeMs: number }) => x.importMs + x.invokeMs;
  const baseline = samples[0]!;
  return targets.map((target, i) => {
    const s = samples[i]!;
    return {
      name: target.name,
      bundleBytes: statSync(target.file).size,
      initMs: round(median(s.map(init)), 1),
      importMs: round(median(s.map((x) => x.importMs)), 1),
      invokeMs: round(median(s.map((x) => x.invokeMs)), 1),
      // Paired: each round's time over the baseline's in the same round, so a busy moment cancels out.
      ratio: round(median(s.map((x, pass) => init(x) / init(baseline[pass]!))), 2),
    };
  });
}

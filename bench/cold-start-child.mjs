// One Lambda instance in a fresh Node process: import the bundle, invoke it with each event of the
// file in turn (one at a time, as Lambda does), and report the import and first invocation's times,
// the CPU time each took, the later invocations' mean, every status and the peak resident memory.
// BENCH_COLD_PROFILE_DIR=dir writes a CPU profile of the import and one of the first invocation
// there, for each process (the times measured then include the profiler's).
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, join } from 'node:path';

const [bundle, eventsFile] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const profileDir = process.env.BENCH_COLD_PROFILE_DIR;
const profiler = profileDir ? new Session() : undefined;
const profiling = async (phase, work) => {
  if (!profiler) return work();
  await profiler.post('Profiler.start');
  const result = await work();
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(join(profileDir, `${basename(bundle, '.mjs')}-${phase}-${process.pid}.cpuprofile`), JSON.stringify(profile));
  return result;
};
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 50 });
}

const started = performance.now();
const cpuAtStart = process.cpuUsage();
const { handler } = await profiling('import', () => import(bundle));
const imported = performance.now();
const importCpuMs = cpuMs(cpuAtStart);

const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
const statuses = [];
const wall = [];
const cpu = [];
for (const event of events) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await (wall.length === 0 ? profiling('invoke', () => handler(event, context)) : handler(event, context));
  cpu.push(cpuMs(c0));
  wall.push(performance.now() - t0);
  statuses.push(result?.statusCode ?? (result?.batchItemFailures?.length ? 'failed' : 'ok'));
}
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
process.stdout.write(
  JSON.stringify({
    importMs: imported - started,
    importCpuMs,
    invokeMs: wall[0],
    invokeCpuMs: cpu[0],
    warmMs: mean(wall.slice(1)),
    warmCpuMs: mean(cpu.slice(1)),
    statuses,
    // resourceUsage().maxRSS is in kibibytes.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);

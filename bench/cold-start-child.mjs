// One Lambda instance in a fresh Node process: import the bundle, invoke it with each event of the
// file in turn (one at a time, as Lambda does), and report the import and first invocation's times,
// the CPU time each took, the collector's pauses in each, the later invocations' mean, every status
// and the peak resident memory.
// BENCH_COLD_PROFILE_DIR=dir writes a CPU profile of the import and one of the first invocation
// there, for each process (the times measured then include the profiler's).
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';

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

// The collector's pauses, each with when it started: a pause is counted in the phase it fell in.
const pauses = [];
const collector = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
collector.observe({ entryTypes: ['gc'] });
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const { handler } = await profiling('import', () => import(bundle));
const imported = performance.now();
const importCpuMs = cpuMs(cpuAtStart);

const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
const statuses = [];
const wall = [];
const spans = [];
const cpu = [];
for (const event of events) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await (wall.length === 0 ? profiling('invoke', () => handler(event, context)) : handler(event, context));
  cpu.push(cpuMs(c0));
  spans.push([t0, performance.now()]);
  wall.push(spans.at(-1)[1] - t0);
  statuses.push(result?.statusCode ?? (result?.batchItemFailures?.length ? 'failed' : 'ok'));
}
pauses.push(...collector.takeRecords());
collector.disconnect();
const gcMsWithin = (from, to) => pauses.filter((e) => e.startTime >= from && e.startTime < to).reduce((sum, e) => sum + e.duration, 0);
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
process.stdout.write(
  JSON.stringify({
    importMs: imported - started,
    importCpuMs,
    importGcMs: gcMsWithin(started, imported),
    invokeMs: wall[0],
    invokeCpuMs: cpu[0],
    invokeGcMs: gcMsWithin(...spans[0]),
    warmMs: mean(wall.slice(1)),
    warmCpuMs: mean(cpu.slice(1)),
    statuses,
    // resourceUsage().maxRSS is in kibibytes.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);

// One Lambda instance in a fresh Node process: import the bundle, invoke it with each event of the
// file in turn (one at a time, as Lambda does), and report the import and first invocation's times,
// the CPU time each took, the later invocations' mean, every status and the peak resident memory.
import { readFileSync } from 'node:fs';

const [bundle, eventsFile] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const started = performance.now();
const cpuAtStart = process.cpuUsage();
const { handler } = await import(bundle);
const imported = performance.now();
const importCpuMs = cpuMs(cpuAtStart);

const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
const statuses = [];
const wall = [];
const cpu = [];
for (const event of events) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await handler(event, context);
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

/** The machine the bench runs on: how busy it was while a window ran, and a settled start for the next window. */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { round } from '../stats.ts';

/**
 * The share of the machine's CPU time, all cores, that was not idle since this was called; the
 * part of it spent by processes other than this one and its children (DynamoDB Local); and, in a
 * virtual machine, the share the host gave to others (steal): work on the machine the bench does
 * not control. Call the result to read all three, in %.
 */
export function machineBusy() {
  const read = () => {
    const all = cpus().reduce((t, c) => ({ idle: t.idle + c.times.idle, total: t.total + c.times.idle + c.times.user + c.times.sys + c.times.nice + c.times.irq }), { idle: 0, total: 0 });
    const { user, system } = process.cpuUsage();
    return { ...all, ours: (user + system) / 1000 + childrenCpuMs(), ...stealTicks() };
  };
  const before = read();
  return () => {
    const after = read();
    const total = Math.max(1, after.total - before.total);
    const busy = 1 - (after.idle - before.idle) / total;
    return {
      busy: round(100 * busy, 0),
      others: round(Math.max(0, 100 * (busy - (after.ours - before.ours) / total)), 0),
      steal: round((100 * (after.steal - before.steal)) / Math.max(1, after.ticks - before.ticks), 0),
    };
  };
}

/** CPU milliseconds of this process's children so far, from /proc on Linux (0 elsewhere). */
function childrenCpuMs(): number {
  try {
    let ms = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the command (in parentheses, may hold spaces): state, ppid, ... utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid) ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    }
    return ms;
  } catch {
    return 0;
  }
}

/** USER_HZ: Linux reports process CPU times in hundredths of a second. */
const CLOCK_TICKS = 100;

/** All CPU ticks and the stolen ones, from /proc/stat on Linux (zeros elsewhere). */
function stealTicks(): { steal: number; ticks: number } {
  try {
    const n = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal; guest time is counted in user already.
    return { steal: n[7] ?? 0, ticks: n.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return { steal: 0, ticks: 0 };
  }
}

/**
 * Collects this process's garbage (the sign-ins, the previous scenario's records) before a
 * scenario, so that a pause for the bench's own heap does not land among the joins it measures;
 * the handlers run in this process too, and a Lambda instance's heap holds none of it.
 */
export const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Lets what the previous step left in flight finish. */
export function pause() {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

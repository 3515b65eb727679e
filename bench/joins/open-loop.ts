/**
 * Open loop: task(i) starts at its scheduled time whether or not earlier ones have finished, and
 * its latency counts from that time. Arrivals are a Poisson process at `rate` (people join
 * independently of each other), from a fixed seed, so every scenario gets the same schedule;
 * `even` spaces them exactly 1/rate apart, where two ~10 ms transactions seldom overlap at all.
 */
import { machineBusy } from './machine.ts';

export type Arrivals = 'poisson' | 'even';

/** One task's status, and its latency from its scheduled start. */
export type Outcome = { status: number; ms: number };

export async function openLoop(rate: number, count: number, task: (i: number) => Promise<number>, spacing: Arrivals = 'poisson') {
  const schedule = spacing === 'even' ? Array.from({ length: count }, (_, i) => (i * 1000) / rate) : arrivals(rate, count);
  const busy = machineBusy();
  const start = performance.now() + 50;
  const runs: Promise<Outcome>[] = [];
  let lateMax = 0;
  for (let i = 0; i < count; i++) {
    const at = start + schedule[i]!;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    lateMax = Math.max(lateMax, performance.now() - at);
    runs.push(task(i).then((status) => ({ status, ms: performance.now() - at })));
  }
  const outcomes = await Promise.all(runs);
  return { outcomes, lateMax, busy: busy() };
}

/** Milliseconds from the start of each of `count` arrivals of a Poisson process at `rate` per second. */
function arrivals(rate: number, count: number, seed = 20_261_124): number[] {
  // mulberry32: small, fast and seeded; Math.random cannot be seeded.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    times.push(at);
    at += (-Math.log(1 - random()) / rate) * 1000;
  }
  return times;
}

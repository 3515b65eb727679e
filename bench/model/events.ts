/**
 * The model's machinery, apart from what it models: a seeded generator, lognormal latencies, one
 * partition key's rolling second of write units, and the agenda of attempts by time.
 */

/** A latency, ms: lognormal around its median (sigma 0 is a constant). */
export interface Latency {
  median: number;
  sigma: number;
}

/** mulberry32, as the bench's arrivals use: small, fast and seeded. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function sampler(random: () => number) {
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return (l: Latency) => l.median * Math.exp(l.sigma * normal());
}

/** One partition key's last second of charges. */
export class RollingSecond {
  private times: number[] = [];
  private units: number[] = [];
  private head = 0;
  sum = 0;
  peak = 0;
  asked = 0;
  take(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - 1000) this.sum -= this.units[this.head++]!;
    return this.sum;
  }
  charge(now: number, units: number) {
    this.times.push(now);
    this.units.push(units);
    this.sum += units;
    this.peak = Math.max(this.peak, this.sum);
  }
}

type Entry = { at: number; seq: number; join: number };
const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A binary heap of attempts by time, ties in the order scheduled (so a seed gives one order). */
export class Agenda {
  private heap: Entry[] = [];
  private seq = 0;
  get size() {
    return this.heap.length;
  }
  push(at: number, join: number) {
    const h = this.heap;
    h.push({ at, seq: this.seq++, join });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop() {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

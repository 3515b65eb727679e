/**
 * Calibration against this machine: for each measured rate and shape, fit DynamoDB Local's window to
 * the bench's uncontended run (emulation off: p50 and p99), then switch conflicts on and compare the
 * model's conflicts per 100 and p99 with the bench's contended run. The fit never sees the contended
 * figures, so agreement there is a prediction, not a fit.
 */
import { simulate, type ModelParams, type ModelResult } from './simulate.ts';

/** DynamoDB Local runs one six-item transaction at a time, 115-150 a second (README, "Performance"): about 7.6 ms each on average. */
export const LOCAL_MEAN_SERVICE_MS = 1000 / 132;

/** Within this, the model reproduces the bench (the larger of the two for conflicts). */
export const MARGIN = { conflictsShare: 0.5, conflictsPer100: 2, p99Ratio: 2 } as const;

export interface Measured {
  source: string;
  rate: number;
  links: number;
  /** Use counters per link in the run measured (its links' own count, whatever new links get today). */
  linkCounters: number;
  joins: number;
  uncontended: { p50: number; p99: number };
  contended: { conflictsPer100: number; p99: number };
}

export interface Calibration extends Measured {
  window: { overheadMs: number; serviceMedianMs: number; serviceSigma: number };
  fitted: { p50: number; p99: number };
  model: ModelResult;
  conflictsOk: boolean;
  p99Ok: boolean;
}

/** The local stack's shape at a rate: one transaction at a time, refusals at once, links already read. */
export function localParams(m: Pick<Measured, 'rate' | 'links' | 'linkCounters' | 'joins'>, w: Calibration['window'], conflicts: boolean, seed: number): ModelParams {
  return {
    seed,
    rate: m.rate,
    // Three times the bench's joins: the model's own noise well under the bench's window-to-window spread.
    seconds: (3 * m.joins) / m.rate,
    links: m.links,
    linkCounters: m.linkCounters,
    store: 'local',
    transaction: { median: w.serviceMedianMs, sigma: w.serviceSigma },
    overheadMs: w.overheadMs,
    readShare: 0,
    read: { median: 0, sigma: 0 },
    conflicts,
  };
}

/** A service-time spread (its mean held at DynamoDB Local's) and a fixed handler time that give the uncontended p50 and p99. */
export function fitWindow(m: Measured, seed: number): { window: Calibration['window']; fitted: ModelResult } {
  let best: { window: Calibration['window']; fitted: ModelResult; loss: number } | undefined;
  for (let sigma = 0.2; sigma <= 1.61; sigma += 0.1) {
    const serviceMedianMs = LOCAL_MEAN_SERVICE_MS / Math.exp((sigma * sigma) / 2);
    for (let overheadMs = 0; overheadMs <= 12; overheadMs += 0.5) {
      const window = { overheadMs, serviceMedianMs: Number(serviceMedianMs.toFixed(2)), serviceSigma: Number(sigma.toFixed(2)) };
      const fitted = simulate(localParams(m, window, false, seed));
      const loss = Math.abs(Math.log(fitted.p50 / m.uncontended.p50)) + Math.abs(Math.log(fitted.p99 / m.uncontended.p99));
      if (!best || loss < best.loss) best = { window, fitted, loss };
    }
  }
  return best!;
}

export function calibrate(m: Measured, seed: number): Calibration {
  const { window, fitted } = fitWindow(m, seed);
  const model = simulate(localParams(m, window, true, seed));
  const slack = Math.max(MARGIN.conflictsPer100, MARGIN.conflictsShare * m.contended.conflictsPer100);
  const ratio = model.p99 / m.contended.p99;
  return {
    ...m,
    window,
    fitted: { p50: fitted.p50, p99: fitted.p99 },
    model,
    conflictsOk: Math.abs(model.conflictsPer100 - m.contended.conflictsPer100) <= slack,
    p99Ok: ratio <= MARGIN.p99Ratio && ratio >= 1 / MARGIN.p99Ratio,
  };
}

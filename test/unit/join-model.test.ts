import { describe, expect, it } from 'vitest';
import { simulate, type ModelParams } from '../../bench/model/simulate.ts';

const aws: ModelParams = {
  seed: 7,
  rate: 100,
  seconds: 5,
  links: 50,
  store: 'aws',
  transaction: { median: 15.8, sigma: 0.28 },
  cancelled: { median: 15.8, sigma: 0.28 },
  overheadMs: 3,
  readShare: 0.05,
  read: { median: 5, sigma: 0.3 },
  conflicts: true,
  writeLimit: 1000,
};

describe('the join model', () => {
  it('gives the same run for the same seed, and another for another seed', () => {
    const run = { ...aws, rate: 300, links: 1 };
    expect(simulate(run)).toEqual(simulate(run));
    expect(simulate({ ...run, seed: 8 })).not.toEqual(simulate(run));
  });

  it('far below every limit, every join succeeds at once: no throttles, almost no conflicts', () => {
    const result = simulate({ ...aws, rate: 5, seconds: 20 });
    expect(result.joins).toBeGreaterThan(50);
    expect(result.succeeded).toBe(result.joins);
    expect(result.throttles).toBe(0);
    expect(result.conflictsPer100).toBeLessThanOrEqual(1);
    expect(result.p50).toBeGreaterThan(10);
    expect(result.busiest.peakWcu).toBeLessThan(100);
  });

  it('throttles a partition key fed more than 1,000 write units a second, and never lets it take more', () => {
    // Each join writes 2 units under ACTIVITY#<domainId>: 800 joins a second ask 1,600.
    const result = simulate({ ...aws, rate: 800, conflicts: false });
    expect(result.throttles).toBeGreaterThan(0);
    expect(result.busyThrottled).toBe(result.throttles);
    expect(result.succeeded).toBe(result.joins - result.throttles);
    expect(result.busiest).toMatchObject({ partition: 'ACTIVITY#<domainId>', peakWcu: 1000 });
    expect(result.busiest.askedWcuPerS).toBeGreaterThan(1400);
  });

  it('cancels a transaction that meets another on its counter, and retries it: one link conflicts, many links hardly', () => {
    const oneLink = simulate({ ...aws, rate: 300, links: 1, writeLimit: undefined });
    const manyLinks = simulate({ ...aws, rate: 300, links: 50, writeLimit: undefined });
    expect(oneLink.conflictsPer100).toBeGreaterThan(20);
    expect(oneLink.attemptsMean).toBeGreaterThan(1.2);
    expect(oneLink.succeeded).toBe(oneLink.joins);
    expect(manyLinks.conflictsPer100).toBeLessThan(oneLink.conflictsPer100 / 3);
  });
});

import { describe, expect, it } from 'vitest';
import { simulate, type ModelParams } from '../../bench/model/simulate.ts';
import { countersFor, SHARDS } from '../../shared/store/dynamodb/table.ts';

const aws: ModelParams = {
  seed: 7,
  rate: 100,
  seconds: 5,
  links: 50,
  linkCounters: countersFor(undefined),
  store: 'aws',
  transaction: { median: 15.8, sigma: 0.28 },
  cancelled: { median: 15.8, sigma: 0.28 },
  overheadMs: 3,
  readShare: 0.05,
  read: { median: 5, sigma: 0.3 },
  conflicts: true,
  writeLimit: 1000,
};
/** The layout before the spread: every join's record under one activity key, its index entry under the domain's key. */
const oneKey = { activityPartitions: 1, memberIndexPartitions: 1 };

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

  it('throttles a single partition key fed more than 1,000 write units a second, and never lets it take more', () => {
    // Each join writes 2 units under the one ACTIVITY#<domainId>: 800 joins a second ask 1,600.
    const result = simulate({ ...aws, ...oneKey, rate: 800, conflicts: false });
    expect(result.throttles).toBeGreaterThan(0);
    expect(result.busyThrottled).toBe(result.throttles);
    expect(result.throttledOn).toEqual({ 'ACTIVITY#<domainId>': result.throttles });
    expect(result.succeeded).toBe(result.joins - result.throttles);
    expect(result.busiest).toMatchObject({ partition: 'ACTIVITY#<domainId>', peakWcu: 1000 });
    expect(result.busiest.askedWcuPerS).toBeGreaterThan(1400);
  });

  it(`spreads the join record over ${SHARDS.activity} activity partitions and the index entry over ${SHARDS.memberIndex}: 1,000 joins/s over 50 links all succeed, no partition over its limit`, () => {
    const spread = simulate({ ...aws, rate: 1000 });
    expect(spread.joins).toBeGreaterThan(4500);
    expect(spread.succeeded).toBe(spread.joins);
    expect(spread.throttles).toBe(0);
    expect(spread.p99).toBeLessThan(250);
    expect(spread.busiest.partition).toMatch(new RegExp(`^ACTIVITY#<domainId>#[0-${SHARDS.activity - 1}]$`));
    expect(spread.busiest.peakWcu).toBeLessThan(1000);
    // A uniform hash: each activity partition about 2 units x 1,000/s / 8.
    expect(spread.busiest.askedWcuPerS).toBeGreaterThan(200);
    expect(spread.busiest.askedWcuPerS).toBeLessThan(300);
    // Over many links the gates, not the counters, are what joins meet.
    expect(spread.conflictsOn.gate).toBeGreaterThan(spread.conflictsOn.counter);

    const before = simulate({ ...aws, ...oneKey, rate: 1000 });
    expect(before.throttles).toBeGreaterThan(before.joins / 4);
    expect(before.throttledOn['ACTIVITY#<domainId>']).toBeGreaterThan(0);
  });

  it('cancels a transaction that meets another on its counter, and retries it: one link conflicts, many links hardly', () => {
    const oneLink = simulate({ ...aws, rate: 300, links: 1, linkCounters: SHARDS.linkCounters, writeLimit: undefined });
    const manyLinks = simulate({ ...aws, rate: 300, links: 50, linkCounters: SHARDS.linkCounters, writeLimit: undefined });
    expect(oneLink.conflictsPer100).toBeGreaterThan(20);
    expect(oneLink.attemptsMean).toBeGreaterThan(1.2);
    expect(oneLink.succeeded).toBe(oneLink.joins);
    expect(oneLink.conflictsOn.counter).toBeGreaterThan(oneLink.conflictsOn.gate);
    expect(manyLinks.conflictsPer100).toBeLessThan(oneLink.conflictsPer100 / 3);
  });

  it("a crowd link's extra counters take conflicts on one link down", () => {
    const usual = simulate({ ...aws, rate: 300, links: 1, linkCounters: SHARDS.linkCounters });
    const crowd = simulate({ ...aws, rate: 300, links: 1, linkCounters: SHARDS.crowdLinkCounters });
    expect(SHARDS.crowdLinkCounters).toBeGreaterThan(SHARDS.linkCounters);
    expect(crowd.conflictsPer100).toBeLessThan(usual.conflictsPer100 * 0.75);
    expect(crowd.p99).toBeLessThanOrEqual(usual.p99);
  });
});

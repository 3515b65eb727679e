/** Per-person link quotas: live links and links per hour, as pure rules. */
import { describe, expect, it } from 'vitest';
import { withNewLink, type LinkQuota } from '../../shared/domain/link-quota.ts';

const limits = { maxActive: 3, perHour: 5 };
const now = new Date('2026-11-24T10:20:00.000Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
const link = (n: number, generation = 0) => ({ linkId: `l${n}`, expiresAt: later(3600), generation });

describe('per-person link quotas', () => {
  it('counts the new link as live and as made this hour', () => {
    const quota = withNewLink(undefined, link(1), now, limits);
    expect(Object.keys(quota.active)).toEqual(['l1']);
    expect(quota).toMatchObject({ createdInHour: 1, version: 1, hourStart: Date.parse('2026-11-24T10:00:00.000Z') / 1000 });
  });

  it('refuses a link beyond the live limit with 429 and the wait until the soonest expiry', () => {
    let quota: LinkQuota | undefined;
    for (let n = 1; n <= 3; n++) quota = withNewLink(quota, { ...link(n), expiresAt: later(600 * n) }, now, limits);
    expect(() => withNewLink(quota, link(4), now, limits)).toThrow(expect.objectContaining({ kind: 'RateLimited', retryAfterSeconds: 600 }));
  });

  it('no longer counts links that expired or died with a delete-all (another generation)', () => {
    const quota: LinkQuota = {
      active: { old: { expiresAt: later(-1), generation: 0 }, dead: { expiresAt: later(600), generation: 0 }, live: { expiresAt: later(600), generation: 1 } },
      hourStart: 0,
      createdInHour: 0,
      version: 7,
    };
    const next = withNewLink(quota, link(9, 1), now, limits);
    expect(Object.keys(next.active).sort()).toEqual(['l9', 'live']);
    expect(next.version).toBe(8);
  });

  it('refuses the link beyond the hourly limit until the hour ends, and counts afresh in the next hour', () => {
    const full: LinkQuota = { active: {}, hourStart: Date.parse('2026-11-24T10:00:00.000Z') / 1000, createdInHour: 5, version: 1 };
    expect(() => withNewLink(full, link(1), now, limits)).toThrow(expect.objectContaining({ kind: 'RateLimited', retryAfterSeconds: 40 * 60 }));
    expect(withNewLink(full, link(1), new Date('2026-11-24T11:00:01.000Z'), limits).createdInHour).toBe(1);
  });
});

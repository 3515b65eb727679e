/**
 * Per-person quotas on making links: at most `maxActive` links of one creator working at once in
 * a domain, and at most `perHour` made in one clock hour. Pure: the store reads and writes the
 * creator's quota record inside the link's own transaction.
 */
import { rateLimited } from './errors.ts';

export interface LinkQuotaLimits {
  maxActive: number;
  perHour: number;
}

/** A creator's record in one domain: their live links (id → expiry, generation) and this hour's count. */
export interface LinkQuota {
  active: Record<string, { expiresAt: string; generation: number }>;
  hourStart: number;
  createdInHour: number;
  /** Bumped on every write: two creations at once cannot both pass on the same count. */
  version: number;
}

const HOUR = 3600;

/** The record without one link (revoked in the same write as the next one is made): it no longer counts. */
export const withoutLink = (quota: LinkQuota | undefined, linkId: string): LinkQuota | undefined =>
  quota && { ...quota, active: Object.fromEntries(Object.entries(quota.active ?? {}).filter(([id]) => id !== linkId)) };

/**
 * The record after one more link, or 429 RATE_LIMITED with how long to wait. Links that expired,
 * or died with a delete-all or a switch-off (another generation), no longer count.
 */
export function withNewLink(
  quota: LinkQuota | undefined,
  link: { linkId: string; expiresAt: string; generation: number },
  now: Date,
  limits: LinkQuotaLimits,
): LinkQuota {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const hourStart = nowSeconds - (nowSeconds % HOUR);
  const live = Object.entries(quota?.active ?? {}).filter(([, l]) => Date.parse(l.expiresAt) > now.getTime() && l.generation === link.generation);
  if (live.length >= limits.maxActive) {
    const soonest = Math.min(...live.map(([, l]) => Date.parse(l.expiresAt)));
    throw rateLimited(Math.max(1, Math.ceil((soonest - now.getTime()) / 1000)));
  }
  const createdInHour = quota?.hourStart === hourStart ? quota.createdInHour : 0;
  if (createdInHour >= limits.perHour) throw rateLimited(Math.max(1, hourStart + HOUR - nowSeconds));
  return {
    active: { ...Object.fromEntries(live), [link.linkId]: { expiresAt: link.expiresAt, generation: link.generation } },
    hourStart,
    createdInHour: createdInHour + 1,
    version: (quota?.version ?? 0) + 1,
  };
}

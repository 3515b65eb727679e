/**
 * Counting a link's stats where they happen, without ever failing the request they ride on: a
 * lookup marks its browser's visit (views, sign-ins started) under the day's salt, a refused join
 * marks its refusal; the events feed adds the marks up (shared/streams/link-stats/). A browser is
 * its address and user agent hashed with HMAC-SHA256 under a random salt of the UTC day, which TTL
 * removes the day after: yesterday's marks can no longer be tied to anyone.
 */
import { createHmac } from 'node:crypto';
import { ServiceError } from '../domain/errors.ts';
import { COUNTED_REFUSALS, noStats, utcDay, type LinkStats, type VisitStep } from '../domain/link-stats.ts';
import type { InviteLink } from '../domain/types.ts';
import { PROBLEMS } from '../contract/problems.ts';
import type { Visitor } from '../http/visitor.ts';
import { logger } from '../observability/logger.ts';
import type { LinkStatsStore } from '../store/link-stats.ts';

/** The day's salt, once per instance per day. */
let salt: { day: string; value: Promise<Buffer> } | undefined;

function saltOf(stats: LinkStatsStore, day: string): Promise<Buffer> {
  if (salt?.day !== day) {
    const value = stats.daySalt(day);
    salt = { day, value };
    // A failed read is asked again by the next lookup.
    value.catch(() => {
      if (salt?.value === value) salt = undefined;
    });
  }
  return salt.value;
}

/** Marks that this browser reached `step` of the link today; the first time a day becomes a count. */
export async function countVisit(stats: LinkStatsStore, link: InviteLink, step: VisitStep, visitor: Visitor, now: Date): Promise<void> {
  try {
    const day = utcDay(now);
    const visitorHash = createHmac('sha256', await saltOf(stats, day)).update(`${link.linkId}\n${visitor.address}\n${visitor.userAgent}`).digest('base64url');
    await stats.markVisit(link, step, day, visitorHash);
  } catch (error) {
    logger.warn('counting a visit of the link failed; the lookup answers anyway', { linkId: link.linkId, step, error: error as Error });
  }
}

/** Marks a join through the link refused, if its stats count that refusal. */
export async function countRefusal(stats: LinkStatsStore, link: InviteLink, error: unknown, now: Date): Promise<void> {
  if (!(error instanceof ServiceError) || !COUNTED_REFUSALS.has(error.kind)) return;
  const { kind } = error;
  try {
    await stats.markRefusal(link, PROBLEMS[kind].code, now);
  } catch (failure) {
    logger.warn('counting a refused join failed; the refusal is answered anyway', { linkId: link.linkId, code: PROBLEMS[kind].code, error: failure as Error });
  }
}

/** Each link with its stats, read together; a link nothing was counted for yet shows zeros. */
export async function withStats<L extends { linkId: string }>(stats: LinkStatsStore, links: readonly L[]): Promise<(L & { stats: LinkStats })[]> {
  const found = links.length > 0 ? await stats.statsOf(links.map((l) => l.linkId)) : new Map<string, LinkStats>();
  return links.map((link) => ({ ...link, stats: found.get(link.linkId) ?? noStats() }));
}

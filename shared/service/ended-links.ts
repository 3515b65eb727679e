/**
 * The "Recently ended" links, a page at a time: links that no longer work (expired, used up,
 * revoked, or ended by a kill switch) and ended within RECENTLY_ENDED_DAYS, newest first, each with
 * why and when it ended, so its creator or an admin can re-issue it. A link and its counters are
 * kept that long past their expiry for this (items.ts). Like the active list, a page reads on
 * past the links it leaves out, within a bound.
 */
import { linkEndOf, linkStatus, RECENTLY_ENDED_DAYS, type LinkEnd } from '../domain/invite-link.ts';
import type { Domain, InviteLink } from '../domain/types.ts';
import type { Page, PageRequest, Store } from '../store/store.ts';

const MAX_READS_PER_PAGE = 10;
const DAY_MS = 86_400_000;

export type EndedLink = InviteLink & { useCount: number; endedBecause: LinkEnd; endedAt?: string };

export async function listEndedLinks(store: Store, domain: Domain, now: Date, page: PageRequest): Promise<Page<EndedLink>> {
  const since = new Date(now.getTime() - RECENTLY_ENDED_DAYS * DAY_MS).toISOString();
  const items: EndedLink[] = [];
  let after = page.after;
  let reads = 0;
  do {
    const read = await store.listLinksExpiringAfter(domain.domainId, since, { limit: page.limit - items.length, after });
    // A working link can only have ended by its use limit: only the others' and those with a limit's counters are read.
    const candidates = read.items.filter((link) => linkStatus(link, domain, now) !== 'ACTIVE' || link.maxUses !== undefined);
    const counts = await store.useCounts(candidates);
    for (const link of candidates) {
      const useCount = counts.get(link.linkId) ?? 0;
      const end = linkEndOf(link, useCount, domain, now);
      if (end && (end.endedAt === undefined || end.endedAt >= since)) items.push({ ...link, useCount, ...end });
    }
    after = read.next;
    reads += 1;
  } while (after && items.length < page.limit && reads < MAX_READS_PER_PAGE);
  return { items, ...(after ? { next: after } : {}) };
}

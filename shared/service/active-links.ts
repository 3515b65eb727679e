/**
 * The active links, a page at a time: the links that work now and have uses left, newest first.
 * Used-up links and links whose creator's links were ended cannot be left out by the query (use
 * counts live in their own counters, a creator's generation on the domain), so a page reads on
 * until it is full; each read asks only for what is still missing, so the position it ends at is
 * right after the last link looked at, and no link is skipped or given twice.
 */
import { isUsable } from '../domain/invite-link.ts';
import type { Domain, InviteLink } from '../domain/types.ts';
import type { Page, PageRequest, Store } from '../store/store.ts';

/** A page stops reading on after this many reads, short but with where to go on, so a domain full of used-up links cannot make one request read all of them. */
const MAX_READS_PER_PAGE = 10;

export async function listActiveLinks(store: Store, domain: Domain, now: Date, page: PageRequest): Promise<Page<InviteLink & { useCount: number }>> {
  const items: (InviteLink & { useCount: number })[] = [];
  let after = page.after;
  let reads = 0;
  do {
    const read = await store.listInviteLinks(domain, now, { limit: page.limit - items.length, after });
    items.push(...read.items.filter((link) => isUsable(link, link.useCount, domain, now)));
    after = read.next;
    reads += 1;
  } while (after && items.length < page.limit && reads < MAX_READS_PER_PAGE);
  return { items, ...(after ? { next: after } : {}) };
}

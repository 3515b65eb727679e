/**
 * Lists at scale: a domain with 20,000 users and 3,000 links against one with 50 of each. The
 * first page of each list is timed against the small domain's, every page fetched is sized, and
 * one full walk of each list checks that paging returns every item exactly once.
 */
import type { localApi } from './local-api.ts';
import type { seeder } from './seed.ts';
import { median, round } from './stats.ts';

export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface ListAtScale {
  list: 'users' | 'invite-links';
  items: number;
  /** Median first page (default limit), large domain and small domain, ms. */
  firstPageMs: number;
  smallFirstPageMs: number;
  ratio: number;
  /** Largest response among the first few default pages and the whole walk at the largest limit. */
  largestPageBytes: number;
  /** The whole list at limit 100: pages, items seen once each, time. */
  walk: { limit: number; pages: number; items: number; distinct: number; seconds: number };
}

export async function listsAtScale(o: {
  api: ReturnType<typeof localApi>;
  seed: ReturnType<typeof seeder>;
  ownerEmail: string;
  large: { domainId: string; users: number; links: number };
  small: { domainId: string; users: number; links: number };
  tries: number;
}): Promise<ListAtScale[]> {
  for (const d of [o.large, o.small]) {
    await o.seed.domain(d.domainId);
    // The owner is one of the users.
    await o.seed.members(d.domainId, d.users - 1);
    await o.seed.links(d.domainId, d.links);
  }
  const owner = await o.api.as(o.ownerEmail);
  const get = async (path: string) => {
    const t0 = performance.now();
    const reply = await owner('GET', path);
    const ms = performance.now() - t0;
    if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { ...reply, ms };
  };

  const results: ListAtScale[] = [];
  for (const list of ['users', 'invite-links'] as const) {
    const path = (domainId: string) => `/v1/domains/${domainId}/${list}`;
    const expected = list === 'users' ? o.large.users : o.large.links;
    // Untimed: the first request of each kind loads the handler.
    await get(path(o.small.domainId));
    const large: number[] = [];
    const small: number[] = [];
    let largest = 0;
    for (let i = 0; i < o.tries; i++) {
      // Alternating, so neither domain always goes first.
      const pair = i % 2 === 0 ? [o.large, o.small] : [o.small, o.large];
      for (const d of pair) {
        const page = await get(path(d.domainId));
        (d === o.large ? large : small).push(page.ms);
        largest = Math.max(largest, page.bytes);
      }
    }
    // A few more default pages, following the cursor.
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await get(`${path(o.large.domainId)}${cursor ? `?cursor=${cursor}` : ''}`);
      largest = Math.max(largest, page.bytes);
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    // The whole list at the largest page size.
    const limit = 100;
    const seen: string[] = [];
    let pages = 0;
    const started = performance.now();
    cursor = undefined;
    do {
      const page = await get(`${path(o.large.domainId)}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      pages += 1;
      largest = Math.max(largest, page.bytes);
      seen.push(...page.body.items.map((item: { userId?: string; id?: string }) => item.userId ?? item.id));
      cursor = page.body.nextCursor;
    } while (cursor && pages < 2 * (expected / limit) + 10);
    const firstPageMs = median(large);
    const smallFirstPageMs = median(small);
    results.push({
      list,
      items: expected,
      firstPageMs: round(firstPageMs, 1),
      smallFirstPageMs: round(smallFirstPageMs, 1),
      ratio: round(firstPageMs / smallFirstPageMs, 2),
      largestPageBytes: largest,
      walk: { limit, pages, items: seen.length, distinct: new Set(seen).size, seconds: round((performance.now() - started) / 1000, 1) },
    });
  }
  return results;
}

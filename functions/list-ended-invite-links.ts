/** GET /v1/domains/{domainId}/ended-invite-links: a page of the links that ended within 30 days, newest first, each with why and when, its use count and stats. Never a token or url. */
import { asInviter } from '#shared/service/access.ts';
import { listEndedLinks } from '#shared/service/ended-links.ts';
import { withStats } from '#shared/service/link-stats.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { inviteLinkView } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { linkStats, store } from '#shared/store/dynamodb/index.ts';
import { now as timeNow } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['list-ended-invite-links'], async ({ callerId, params, query }) => {
  const after = query?.cursor ? decodeCursor(query.cursor, 'endedLinks', params.domainId, '') : undefined;
  const { directory } = await asInviter(store, callerId, params.domainId);
  const page = await pageAtCursor(() => listEndedLinks(store, directory.domain, timeNow(), { limit: query?.limit ?? PAGE_SIZE.default, after }));
  return {
    items: (await withStats(linkStats, page.items)).map((link) => ({
      ...inviteLinkView(link),
      useCount: link.useCount,
      endedBecause: link.endedBecause,
      ...(link.endedAt !== undefined ? { endedAt: link.endedAt } : {}),
      stats: link.stats,
    })),
    ...(page.next ? { nextCursor: encodeCursor('endedLinks', params.domainId, '', page.next) } : {}),
  };
});

/** GET /v1/domains/{domainId}/invite-links: a page of the active links (working, with uses left), newest first, with their use counts and stats. Never a token or url. */
import { asInviter } from '#shared/service/access.ts';
import { listActiveLinks } from '#shared/service/active-links.ts';
import { withStats } from '#shared/service/link-stats.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { inviteLinkView } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { linkStats, store } from '#shared/store/dynamodb/index.ts';
import { now as timeNow } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['list-invite-links'], async ({ callerId, params, query }) => {
  const after = query?.cursor ? decodeCursor(query.cursor, 'links', params.domainId, '') : undefined;
  const { directory } = await asInviter(store, callerId, params.domainId);
  const page = await pageAtCursor(() => listActiveLinks(store, directory.domain, timeNow(), { limit: query?.limit ?? PAGE_SIZE.default, after }));
  return {
    items: (await withStats(linkStats, page.items)).map((link) => ({
      ...inviteLinkView(link),
      useCount: link.useCount,
      ...(link.maxUses !== undefined ? { remainingUses: Math.max(0, link.maxUses - link.useCount) } : {}),
      stats: link.stats,
    })),
    ...(page.next ? { nextCursor: encodeCursor('links', params.domainId, '', page.next) } : {}),
  };
});

/** GET /v1/domains/{domainId}/join-requests: a page of the requests to join through links that need approval, newest first. */
import { listJoinRequests } from '#shared/service/join-requests.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PROBLEMS } from '#shared/contract/problems.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { joinRequestView, type LinkEndCode } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-join-requests'], async ({ callerId, params, query }) => {
  const status = query?.status ?? 'pending';
  // A cursor holds for the list it was issued for: the same status and link.
  const filter = `${status}|${query?.inviteLinkId ?? ''}`;
  const after = query?.cursor ? decodeCursor(query.cursor, 'joinRequests', params.domainId, filter) : undefined;
  const page = await pageAtCursor(() =>
    listJoinRequests(store, callerId, params.domainId, { limit: query?.limit ?? PAGE_SIZE.default, after, status, ...(query?.inviteLinkId ? { inviteLinkId: query.inviteLinkId } : {}) }),
  );
  return {
    items: page.items.map(({ request, linkEnded }) => joinRequestView(request, linkEnded && (PROBLEMS[linkEnded].code as LinkEndCode))),
    ...(page.next ? { nextCursor: encodeCursor('joinRequests', params.domainId, filter, page.next) } : {}),
  };
});

/** GET /v1/domains/{domainId}/users[?inviteLinkId=]: a page of the domain's users, and how they came in. */
import { asInviter } from '#shared/service/access.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { memberView } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-users'], async ({ callerId, params, query }) => {
  const filter = query?.inviteLinkId ?? '';
  const after = query?.cursor ? decodeCursor(query.cursor, 'users', params.domainId, filter) : undefined;
  // Authorize before reading: a refused caller costs the caller check and nothing more.
  await asInviter(store, callerId, params.domainId);
  const page = await pageAtCursor(() => store.listMembers(params.domainId, { limit: query?.limit ?? PAGE_SIZE.default, after, inviteLinkId: query?.inviteLinkId }));
  return {
    items: page.items.map(memberView),
    ...(page.next ? { nextCursor: encodeCursor('users', params.domainId, filter, page.next) } : {}),
  };
});

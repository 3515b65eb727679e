/** GET /v1/domains/{domainId}/users[?inviteLinkId=]: a page of the domain's users, how they came in, and how many admins the domain has. */
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
  const { directory } = await asInviter(store, callerId, params.domainId);
  const page = await pageAtCursor(() => store.listMembers(params.domainId, { limit: query?.limit ?? PAGE_SIZE.default, after, inviteLinkId: query?.inviteLinkId }));
  return {
    items: page.items.map(memberView),
    // Read with the caller's access: the pages then offer no control the last-admin rule would refuse.
    ...(directory.domain.adminCount === undefined ? {} : { adminCount: directory.domain.adminCount }),
    ...(page.next ? { nextCursor: encodeCursor('users', params.domainId, filter, page.next) } : {}),
  };
});

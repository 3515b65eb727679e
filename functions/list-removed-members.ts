/** GET /v1/domains/{domainId}/removed-members: a page of the people an admin removed who may not rejoin through a link. */
import { asMember } from '#shared/service/access.ts';
import { forbidden } from '#shared/domain/errors.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-removed-members'], async ({ callerId, params, query }) => {
  const after = query?.cursor ? decodeCursor(query.cursor, 'removedMembers', params.domainId, '') : undefined;
  const { member } = await asMember(store, callerId, params.domainId);
  if (!member.isAdmin) throw forbidden('Only domain admins may see who was removed.');
  const page = await pageAtCursor(() => store.listRemovedMembers(params.domainId, { limit: query?.limit ?? PAGE_SIZE.default, after }));
  return {
    items: page.items,
    ...(page.next ? { nextCursor: encodeCursor('removedMembers', params.domainId, '', page.next) } : {}),
  };
});

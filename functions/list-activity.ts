/** GET /v1/domains/{domainId}/activity: the domain's audit trail, newest first, a page at a time, optionally of some event types. */
import { asInviter } from '#shared/service/access.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-activity'], async ({ callerId, params, query }) => {
  const types = query?.type ? [...new Set(query.type.split(','))].sort() : undefined;
  const filter = types?.join(',') ?? '';
  const after = query?.cursor ? decodeCursor(query.cursor, 'activity', params.domainId, filter) : undefined;
  await asInviter(store, callerId, params.domainId);
  const page = await pageAtCursor(() => store.listActivity(params.domainId, { limit: query?.limit ?? PAGE_SIZE.default, after, types }));
  return { items: page.items, ...(page.next ? { nextCursor: encodeCursor('activity', params.domainId, filter, page.next) } : {}) };
});

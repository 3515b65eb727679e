/** GET /v1/domains/{domainId}/invitations: a page of the pending invitations by email, newest first. Never a token. */
import { asInviter } from '#shared/service/access.ts';
import { listPendingInvitations } from '#shared/service/invitation-changes.ts';
import { decodeCursor, encodeCursor, pageAtCursor } from '#shared/http/cursor.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { PAGE_SIZE } from '#shared/contract/requests.ts';
import { invitationView } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now as timeNow } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['list-invitations'], async ({ callerId, params, query }) => {
  const after = query?.cursor ? decodeCursor(query.cursor, 'invitations', params.domainId, '') : undefined;
  const { directory } = await asInviter(store, callerId, params.domainId);
  const page = await pageAtCursor(() => listPendingInvitations(store, directory.domain, timeNow(), { limit: query?.limit ?? PAGE_SIZE.default, after }));
  return {
    items: page.items.map((invitation) => invitationView(invitation, 'pending')),
    ...(page.next ? { nextCursor: encodeCursor('invitations', params.domainId, '', page.next) } : {}),
  };
});

/** GET /v1/domains/{domainId}/users[?inviteLinkId=]: the domain's users, and how they came in. */
import { asInviter } from '#shared/access.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { memberView } from '#shared/http/views.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-users'], async ({ callerId, params, query }) => {
  // The listing is read alongside the caller check and returned only if the check passes: one round trip.
  const [, members] = await Promise.all([
    asInviter(store, callerId, params.domainId),
    store.listMembers(params.domainId, { inviteLinkId: query?.inviteLinkId }),
  ]);
  members.sort((a, b) => a.email.localeCompare(b.email));
  return { items: members.map(memberView) };
});

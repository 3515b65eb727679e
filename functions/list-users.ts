/** GET /v1/domains/{domainId}/users[?inviteLinkId=]: the domain's users, and how they came in. */
import { asInviter } from '#shared/access.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams, usersQuery } from '#shared/http/schemas.ts';
import { memberView } from '#shared/http/views.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams, query: usersQuery }, async ({ callerId, params, query }) => {
  // The listing is read alongside the caller check and returned only if the check passes: one round trip.
  const [, members] = await Promise.all([
    asInviter(store, callerId, params.domainId),
    store.listMembers(params.domainId, { inviteLinkId: query?.inviteLinkId }),
  ]);
  members.sort((a, b) => a.email.localeCompare(b.email));
  return { status: 200, body: { items: members.map(memberView) } };
});

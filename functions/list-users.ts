/** GET /v1/domains/{domainId}/users[?inviteLinkId=]: the domain's users, and how they came in. */
import { asInviter } from '#shared/access.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams, usersQuery } from '#shared/http/schemas.ts';
import { memberView } from '#shared/http/views.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams, query: usersQuery }, async ({ callerId, params, query }) => {
  await asInviter(store, callerId, params.domainId);
  const members = await store.listMembers(params.domainId, { inviteLinkId: query?.inviteLinkId });
  members.sort((a, b) => a.email.localeCompare(b.email));
  return { status: 200, body: { items: members.map(memberView) } };
});

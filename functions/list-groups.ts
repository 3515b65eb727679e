/** GET /v1/domains/{domainId}/groups: the domain's legacy groups. */
import { asInviter } from '#shared/service/access.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { byName } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-groups'], async ({ callerId, params }) => {
  const { directory } = await asInviter(store, callerId, params.domainId);
  return { items: byName(directory.groups).map((g) => ({ id: g.id, name: g.name })) };
});

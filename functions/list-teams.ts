/** GET /v1/domains/{domainId}/teams: the domain's teams for the invite modal, the default marked. */
import { asInviter } from '#shared/service/access.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { byName } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-teams'], async ({ callerId, params }) => {
  const { directory } = await asInviter(store, callerId, params.domainId);
  return { items: byName(directory.teams).map((t) => ({ id: t.id, name: t.name, isDefault: t.id === directory.domain.defaultTeamId })) };
});

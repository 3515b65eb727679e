/** GET /v1/domains/{domainId}/role-groups: the domain's role groups, each saying whether the caller may hand it out. */
import { asInviter } from '#shared/service/access.ts';
import { mayGrantRoleGroup } from '#shared/domain/permissions.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { byName } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['list-role-groups'], async ({ callerId, params }) => {
  const { member, directory } = await asInviter(store, callerId, params.domainId);
  // The role ceiling, shown ahead of time: the modal offers only what this caller may hand out.
  return { items: byName(directory.roleGroups).map((g) => ({ id: g.id, name: g.name, permissions: g.permissions, assignable: mayGrantRoleGroup(member, g.id) })) };
});

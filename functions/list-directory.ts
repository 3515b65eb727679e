/** GET /v1/domains/{domainId}/teams · /role-groups · /groups: the choices of the invite modal. */
import { asInviter } from '#shared/access.ts';
import { mayGrantRoleGroup } from '#shared/domain/permissions.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams }, async ({ callerId, params, event }) => {
  const { member, directory } = await asInviter(store, callerId, params.domainId);
  const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
  const list = event.rawPath.split('/').pop();
  const items =
    list === 'teams'
      ? byName(directory.teams).map((t) => ({ id: t.id, name: t.name, isDefault: t.id === directory.domain.defaultTeamId }))
      : list === 'role-groups'
        ? byName(directory.roleGroups).map((g) => ({
            id: g.id,
            name: g.name,
            permissions: g.permissions,
            // The role ceiling, shown ahead of time: the modal offers only what this caller may hand out.
            assignable: mayGrantRoleGroup(member, g.id),
          }))
        : byName(directory.groups).map((g) => ({ id: g.id, name: g.name }));
  return { status: 200, body: { items } };
});

/** GET /v1/me: who the caller is, where they belong and what they asked to join; `memberships` is [] until they join a domain. */
import { permissionsOf } from '#shared/domain/permissions.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { primaryOf } from '#shared/contract/views.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

/** Ids with their names, in the member's order; an id the directory no longer has is left out. */
const namesOf = (known: { id: string; name: string }[], ids: string[]) =>
  ids.flatMap((id) => known.filter((k) => k.id === id).map(({ name }) => ({ id, name })));

export const handler = operationHandler(OPERATIONS['get-me'], async ({ callerId, claims }) => {
  const found = await store.getUser(callerId);
  const directories = await Promise.all((found?.memberships ?? []).map((m) => store.getDirectory(m.domainId)));
  const memberships = (found?.memberships ?? []).flatMap((m, i) => {
    const directory = directories[i];
    if (!directory) return [];
    return [
      {
        domainId: m.domainId,
        domainName: directory.domain.name,
        userType: m.userType,
        isAdmin: m.isAdmin,
        permissions: permissionsOf(m, directory.roleGroups),
        teams: namesOf(directory.teams, m.teamIds),
        roleGroups: namesOf(directory.roleGroups, m.roleGroupIds),
        groups: namesOf(directory.groups, m.groupIds),
        ...primaryOf(m),
        ...(m.joinedVia ? { joinedVia: m.joinedVia } : {}),
        ...(m.memberUntil ? { memberUntil: m.memberUntil } : {}),
      },
    ];
  });
  // The token's email is the person's current one; the profile's is what they joined with.
  const email = claims.email?.toLowerCase() ?? found?.user.email ?? '';
  // Newest first, as the Home page lists them.
  const joinRequests = [...(found?.joinRequests ?? [])].sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0));
  return { userId: callerId, email, memberships, joinRequests };
});

/** GET /v1/me: who the caller is and where they belong; `memberships` is [] until they join a domain. */
import { permissionsOf } from '#shared/domain/permissions.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

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
      },
    ];
  });
  // The token's email is the person's current one; the profile's is what they joined with.
  const email = claims.email?.toLowerCase() ?? found?.user.email ?? '';
  return { userId: callerId, email, memberships };
});

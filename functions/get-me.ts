/** GET /v1/me: who the caller is and where they belong. */
import { unauthenticated } from '#shared/domain/errors.ts';
import { permissionsOf } from '#shared/domain/permissions.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt' }, async ({ callerId }) => {
  const found = await store.getUser(callerId);
  if (!found) throw unauthenticated('The token names no user of this directory.');
  const directories = await Promise.all(found.memberships.map((m) => store.getDirectory(m.domainId)));
  const memberships = found.memberships.flatMap((m, i) => {
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
  return { status: 200, body: { userId: found.user.userId, email: found.user.email, memberships } };
});

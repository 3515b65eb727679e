/** POST /v1/domains/{domainId}/invite-links: a link with a fixed configuration, valid 7 days. */
import { createInviteLink } from '#shared/create-link.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { createInviteLinkBody, domainParams } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams, body: createInviteLinkBody }, async ({ callerId, params, body }) => {
  const link = await createInviteLink(store, callerId, params.domainId, () => body, false);
  return { status: 201, body: link };
});

/** GET /v1/domains/{domainId}/settings/invite-links: is the domain switch on? */
import { asInviter } from '#shared/access.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams }, async ({ callerId, params }) => {
  const { directory } = await asInviter(store, callerId, params.domainId);
  const { linksEnabled, settingsUpdatedAt, settingsUpdatedBy } = directory.domain;
  return { status: 200, body: { enabled: linksEnabled, updatedAt: settingsUpdatedAt, updatedBy: settingsUpdatedBy } };
});

/** GET /v1/domains/{domainId}/settings/invite-links: is the domain switch on? */
import { asInviter } from '#shared/access.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['get-invite-link-settings'], async ({ callerId, params }) => {
  const { directory } = await asInviter(store, callerId, params.domainId);
  const { linksEnabled, settingsUpdatedAt, settingsUpdatedBy } = directory.domain;
  return { enabled: linksEnabled, updatedAt: settingsUpdatedAt, updatedBy: settingsUpdatedBy };
});

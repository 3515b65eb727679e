/** POST /v1/domains/{domainId}/invite-links/{linkId}/reissue: a new link with the old one's settings, the old one revoked in the same write if asked. */
import { createInviteLink } from '#shared/service/create-link.ts';
import { notFound } from '#shared/domain/errors.ts';
import { settingsOf } from '#shared/domain/invite-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';

export const handler = operationHandler(OPERATIONS['reissue-invite-link'], async ({ callerId, params, body }) => {
  // The caller is checked with the domain when the new link is made (a non-member gets the same 404 as for a link not there).
  const from = await store.getInviteLink(params.linkId);
  if (!from || from.domainId !== params.domainId) throw notFound('The invite link');
  const { grant, ...options } = settingsOf(from);
  return createInviteLink(store, tokenVault, callerId, params.domainId, () => grant, from.onboarding, options, { from, revokeOld: body?.revokeOld ?? false });
});

/** POST /v1/domains/{domainId}/invite-links: a link with a fixed configuration, valid 7 days. */
import { createInviteLink } from '#shared/service/create-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';

export const handler = operationHandler(OPERATIONS['create-invite-link'], ({ callerId, params, body }) => {
  const { label, expiresInSeconds, maxUses, allowedEmailDomains, notifyCreator, pauseAfter, requireApproval, membershipDays, ...grant } = body;
  return createInviteLink(store, tokenVault, callerId, params.domainId, () => grant, false, { label, expiresInSeconds, maxUses, allowedEmailDomains, notifyCreator, pauseAfter, requireApproval, membershipDays });
});

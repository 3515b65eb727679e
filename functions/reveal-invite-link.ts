/** POST /v1/domains/{domainId}/invite-links/{linkId}/reveal: the link's creator or an admin has its address again. */
import { revealInviteLink } from '#shared/service/reveal-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';

export const handler = operationHandler(OPERATIONS['reveal-invite-link'], ({ callerId, params }) =>
  revealInviteLink(store, tokenVault, callerId, params.domainId, params.linkId));

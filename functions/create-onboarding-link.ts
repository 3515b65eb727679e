/** POST /v1/domains/{domainId}/invite-links/onboarding: one call, STANDARD users in the default team. */
import { createInviteLink } from '#shared/service/create-link.ts';
import { onboardingGrant } from '#shared/domain/invite-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';

export const handler = operationHandler(OPERATIONS['create-onboarding-link'], ({ callerId, params, body }) =>
  createInviteLink(store, tokenVault, callerId, params.domainId, (directory) => onboardingGrant(directory.domain), true, { pauseAfter: body?.pauseAfter }),
);

/** POST /v1/domains/{domainId}/invitations: invite up to 100 people by email, each answered for on their own. */
import { createInvitations } from '#shared/service/invitations.ts';
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';

export const handler = operationHandler(OPERATIONS['create-invitations'], ({ callerId, claims, params, body }) =>
  createInvitations(store, tokenVault, actorOf(callerId, claims), params.domainId, body),
);

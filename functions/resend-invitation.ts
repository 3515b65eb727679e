/** POST /v1/domains/{domainId}/invitations/{invitationId}/resend: a new email with a new link; the old link stops working at once. */
import { resendInvitation } from '#shared/service/invitation-changes.ts';
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { tokenVault } from '#shared/store/kms/token-vault.ts';

export const handler = operationHandler(OPERATIONS['resend-invitation'], ({ callerId, claims, params }) =>
  resendInvitation(store, tokenVault, actorOf(callerId, claims), params.domainId, params.invitationId),
);

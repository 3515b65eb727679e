/** DELETE /v1/domains/{domainId}/invitations/{invitationId}: its sender or an admin revokes one invitation; its link stops working at once. */
import { revokeInvitation } from '#shared/service/invitation-changes.ts';
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['revoke-invitation'], ({ callerId, claims, params }) =>
  revokeInvitation(store, actorOf(callerId, claims), params.domainId, params.invitationId),
);

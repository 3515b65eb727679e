/** POST /v1/domains/{domainId}/invitations/revoke-all: an admin revokes every pending invitation; invite links are left alone. */
import { revokeAllInvitations } from '#shared/service/invitation-changes.ts';
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['revoke-all-invitations'], ({ callerId, claims, params }) =>
  revokeAllInvitations(store, actorOf(callerId, claims), params.domainId),
);

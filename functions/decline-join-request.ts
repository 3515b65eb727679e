/** POST /v1/domains/{domainId}/join-requests/{requestId}/decline: an admin or the link's creator turns the request down, with a reason if they like. */
import { declineJoinRequest } from '#shared/service/join-requests.ts';
import { actorOf } from '#shared/contract/activity.ts';
import { joinRequestView } from '#shared/contract/views.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['decline-join-request'], async ({ callerId, claims, params, body }) =>
  joinRequestView(await declineJoinRequest(store, actorOf(callerId, claims), params.domainId, params.requestId, body?.reason)),
);

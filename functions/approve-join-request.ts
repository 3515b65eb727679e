/** POST /v1/domains/{domainId}/join-requests/{requestId}/approve: an admin or the link's creator lets the person in, with the link's grant. */
import { approveJoinRequest } from '#shared/service/join-requests.ts';
import { actorOf } from '#shared/contract/activity.ts';
import { memberView } from '#shared/contract/views.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS['approve-join-request'], async ({ callerId, claims, params }) =>
  memberView(await approveJoinRequest(store, actorOf(callerId, claims), params.domainId, params.requestId)),
);

/** POST /v1/domains/{domainId}/settings/invite-links/pause: "Pause all links for N hours", in one write whatever the number of links; nothing ends. */
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { pauseAllLinks } from '#shared/service/pauses.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['pause-invite-links'], ({ callerId, claims, params, body }) =>
  pauseAllLinks(store, actorOf(callerId, claims), params.domainId, body.hours, now()),
);

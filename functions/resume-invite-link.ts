/** POST /v1/domains/{domainId}/invite-links/{linkId}/resume: its creator or an admin lets a paused link admit people again. */
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { resumeLink } from '#shared/service/pauses.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['resume-invite-link'], ({ callerId, claims, params }) =>
  resumeLink(store, actorOf(callerId, claims), params.domainId, params.linkId, now()),
);

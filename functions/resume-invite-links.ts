/** POST /v1/domains/{domainId}/settings/invite-links/resume: ends a pause of all links now. */
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { resumeAllLinks } from '#shared/service/pauses.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['resume-invite-links'], ({ callerId, claims, params }) =>
  resumeAllLinks(store, actorOf(callerId, claims), params.domainId, now()),
);

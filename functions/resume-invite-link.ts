/** POST /v1/domains/{domainId}/invite-links/{linkId}/resume: its creator or an admin lets a paused link admit people again. Answers the link with its stats. */
import { actorOf } from '#shared/contract/activity.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { noStats } from '#shared/domain/link-stats.ts';
import { resumeLink } from '#shared/service/pauses.ts';
import { linkStats, store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['resume-invite-link'], async ({ callerId, claims, params }) => {
  // The stats are read beside the resume and answered only if it answers.
  const [link, stats] = await Promise.all([resumeLink(store, actorOf(callerId, claims), params.domainId, params.linkId, now()), linkStats.statsOf([params.linkId])]);
  return { ...link, stats: stats.get(params.linkId) ?? noStats() };
});

/** POST /v1/join: a signed-in person with a verified email joins the domain of the link or email invitation in the body, or asks to (202) through a link that needs approval. A link's refusals are counted (its stats). */
import { answer, operationHandler } from '#shared/http/handler.ts';
import { joinerOf } from '#shared/http/joiner.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { joinWithToken } from '#shared/service/join.ts';
import { countRefusal } from '#shared/service/link-stats.ts';
import { linkStats, store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS.join, async ({ body, callerId, claims }) => {
  const { token, ...names } = body;
  const at = now();
  const outcome = await joinWithToken(store, token, joinerOf(callerId, claims, names), at, (link, error) => countRefusal(linkStats, link, error, at));
  if ('requested' in outcome) return answer(202, outcome.requested);
  const { userId, domainId, email, userType, teamIds, roleGroupIds, groupIds } = outcome.joined;
  const view = { userId, domainId, email, userType, teamIds, roleGroupIds, groupIds };
  // Joined before through this very link or invitation: their membership again, nothing written.
  return outcome.again ? answer(200, view) : view;
});

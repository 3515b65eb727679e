/** POST /v1/join/lookup: what a link or an email invitation grants, for the join page. Public; the token comes in the body. A link's lookup counts the browser's visit (its stats). */
import { operationHandler } from '#shared/http/handler.ts';
import { visitorOf } from '#shared/http/visitor.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { countVisit } from '#shared/service/link-stats.ts';
import { lookUpToken } from '#shared/service/lookup.ts';
import { linkStats, store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['lookup-invite-link'], async ({ body, event }) => {
  const at = now();
  return lookUpToken(store, body.token, at, (link) => countVisit(linkStats, link, body.step ?? 'view', visitorOf(event), at));
});

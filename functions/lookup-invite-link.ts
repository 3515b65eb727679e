/** POST /v1/join/lookup: what a link or an email invitation grants, for the join page. Public; the token comes in the body. */
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { lookUpToken } from '#shared/service/lookup.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['lookup-invite-link'], async ({ body }) => lookUpToken(store, body.token, now()));

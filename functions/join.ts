/** POST /v1/join: a signed-in person with a verified email joins the domain of the link in the body. */
import { alreadyMember, emailDomainNotAllowed, linkUsedUp, rejoinBlocked } from '#shared/domain/errors.ts';
import { goneLinkError } from '#shared/service/gone-link.ts';
import { assertUsable, linkIdOf } from '#shared/domain/invite-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { joinerOf } from '#shared/http/joiner.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = operationHandler(OPERATIONS.join, async ({ body, callerId, claims }) => {
  const now = new Date();
  const { token, ...names } = body;
  const linkId = linkIdOf(token);
  const outcome = await store.join(linkId, joinerOf(callerId, claims, names), now);
  if (outcome.ok) {
    const { userId, domainId, email, userType, teamIds, roleGroupIds, groupIds } = outcome.membership;
    return { userId, domainId, email, userType, teamIds, roleGroupIds, groupIds };
  }
  if (outcome.reason === 'link-gone') throw await goneLinkError(store, linkId, now);
  if (outcome.reason === 'already-member') throw alreadyMember();
  if (outcome.reason === 'rejoin-blocked') throw rejoinBlocked();
  if (outcome.reason === 'used-up') throw linkUsedUp();
  if (outcome.reason === 'email-domain-not-allowed') throw emailDomainNotAllowed(outcome.allowed);
  assertUsable(outcome.link, outcome.domain, now);
  throw new Error('the join was refused although the link looks usable');
});

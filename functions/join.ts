/** POST /v1/join: a person opens a link and sets up their account. Public; the token comes in the body. */
import { alreadyMember, linkNotFound } from '#shared/domain/errors.ts';
import { assertUsable, linkIdOf } from '#shared/domain/invite-link.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { joinBody } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'public', body: joinBody }, async ({ body }) => {
  const now = new Date();
  const { token, ...person } = body;
  const outcome = await store.join(linkIdOf(token), person, now);
  if (outcome.ok) {
    const { userId, domainId, email, userType, teamIds, roleGroupIds, groupIds } = outcome.membership;
    return { status: 201, body: { userId, domainId, email, userType, teamIds, roleGroupIds, groupIds } };
  }
  if (outcome.reason === 'link-gone') throw linkNotFound();
  if (outcome.reason === 'already-member') throw alreadyMember();
  assertUsable(outcome.link, outcome.domain, now);
  throw new Error('the join was refused although the link looks usable');
});

/** POST /v1/domains/{domainId}/invite-links/onboarding: one call, STANDARD users in the default team. */
import { createInviteLink } from '#shared/create-link.ts';
import { onboardingGrant } from '#shared/domain/invite-link.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { domainParams, onboardingBody } from '#shared/http/schemas.ts';
import { store } from '#shared/store/dynamodb/index.ts';

export const handler = httpHandler({ auth: 'jwt', params: domainParams, body: onboardingBody }, async ({ callerId, params }) => {
  const link = await createInviteLink(store, callerId, params.domainId, (directory) => onboardingGrant(directory.domain), true);
  return { status: 201, body: link };
});

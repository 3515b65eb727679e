/** Making a link, shared by the configurable link and the one-call onboarding link. */
import { asInviter } from './access.ts';
import { linkPublicUrl, linkQuota, linkTtlSeconds } from './config.ts';
import { withNewLink } from './domain/link-quota.ts';
import { busy, linkCreationDisabled } from './domain/errors.ts';
import { assertReferencesExist, expiresAtFor, linkIdOf, newLinkToken } from './domain/invite-link.ts';
import { assertWithinCeiling } from './domain/permissions.ts';
import type { Directory, InviteLink, LinkGrant } from './domain/types.ts';
import { inviteLinkView } from './http/views.ts';
import type { Store } from './store/store.ts';

/** A delete-all racing the create moves the generation, another creation by the same person moves the quota: read again and retry a few times. */
const ATTEMPTS = 5;

export async function createInviteLink(
  store: Store,
  callerId: string,
  domainId: string,
  grantFor: (directory: Directory) => LinkGrant,
  onboarding: boolean,
) {
  for (let attempt = 1; ; attempt++) {
    const { member, directory, linkQuota: quota } = await asInviter(store, callerId, domainId, { linkQuota: true });
    if (!directory.domain.linksEnabled) throw linkCreationDisabled();
    const grant = grantFor(directory);
    assertWithinCeiling(member, grant);
    assertReferencesExist(grant, directory);

    const token = newLinkToken();
    const now = new Date();
    const link: InviteLink = {
      ...grant,
      linkId: linkIdOf(token),
      domainId,
      createdBy: member.userId,
      createdByEmail: member.email,
      createdAt: now.toISOString(),
      expiresAt: expiresAtFor(now, linkTtlSeconds()),
      generation: directory.domain.linkGeneration,
      onboarding,
    };
    const outcome = await store.createInviteLink(link, withNewLink(quota, link, now, linkQuota()));
    if (outcome === 'created') return { ...inviteLinkView(link), url: linkPublicUrl(token) };
    if (outcome === 'links-disabled') throw linkCreationDisabled();
    if (attempt >= ATTEMPTS) throw busy();
  }
}

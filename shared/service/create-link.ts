/** Making a link, shared by the configurable link and the one-call onboarding link. */
import { asInviter } from './access.ts';
import { linkPublicUrl, linkQuota, linkTtlSeconds } from '../config.ts';
import { withNewLink, withoutLink } from '../domain/link-quota.ts';
import { busy, linkCreationDisabled } from '../domain/errors.ts';
import { assertMayReissue, creatorGenerationOf, expiresAtFor, lifetimeOf, lifetimeWithin, linkIdOf, newLinkToken, pauseAfterFor } from '../domain/invite-link.ts';
import { assertMayHandOut } from '../domain/permissions.ts';
import type { Directory, InviteLink, LinkGrant, PauseAfter } from '../domain/types.ts';
import { activity } from '../contract/activity.ts';
import { inviteLinkView } from '../contract/views.ts';
import { noStats } from '../domain/link-stats.ts';
import type { Store } from '../store/store.ts';
import type { TokenVault } from '../store/token-vault.ts';
import { now as timeNow } from '../clock.ts';

/** A delete-all racing the create moves the generation, another creation by the same person moves the quota: read again and retry a few times. */
const ATTEMPTS = 5;

/** What a link's creator may choose besides the grant (onboarding links take the defaults). */
export interface LinkOptions {
  label?: string;
  expiresInSeconds?: number;
  maxUses?: number;
  allowedEmailDomains?: string[];
  notifyCreator?: boolean;
  /** Joining makes a join request for the creator or an admin to approve. */
  requireApproval?: boolean;
  /** null: no guard, whatever the domain's default. */
  pauseAfter?: PauseAfter | null;
  /** Memberships made through the link end this many days after each join. */
  membershipDays?: number;
}

/** A re-issue: the link the new one is made from, and whether it stops working in the same write. */
export interface Reissue {
  from: InviteLink;
  revokeOld: boolean;
}

export async function createInviteLink(
  store: Store,
  vault: TokenVault,
  callerId: string,
  domainId: string,
  grantFor: (directory: Directory) => LinkGrant,
  onboarding: boolean,
  options: LinkOptions = {},
  reissue?: Reissue,
) {
  const lifetime = reissue ? lifetimeOf(reissue.from, linkTtlSeconds()) : lifetimeWithin(options.expiresInSeconds, linkTtlSeconds());
  for (let attempt = 1; ; attempt++) {
    const { member, directory, linkQuota: quota } = await asInviter(store, callerId, domainId, { linkQuota: true });
    if (reissue) assertMayReissue(member, reissue.from);
    if (!directory.domain.linksEnabled) throw linkCreationDisabled();
    const grant = grantFor(directory);
    assertMayHandOut(member, grant, directory);

    const token = newLinkToken();
    const now = timeNow();
    const pauseAfter = pauseAfterFor(options.pauseAfter, directory.domain);
    const link: InviteLink = {
      ...grant,
      linkId: linkIdOf(token),
      domainId,
      createdBy: member.userId,
      createdByEmail: member.email,
      createdAt: now.toISOString(),
      expiresAt: expiresAtFor(now, lifetime),
      generation: directory.domain.linkGeneration,
      creatorGeneration: creatorGenerationOf(directory.domain, member.userId),
      onboarding,
      ...(options.label !== undefined ? { label: options.label } : {}),
      ...(options.maxUses !== undefined ? { maxUses: options.maxUses } : {}),
      allowedEmailDomains: options.allowedEmailDomains ?? [],
      notifyCreator: options.notifyCreator ?? true,
      ...(options.requireApproval ? { requireApproval: true } : {}),
      ...(pauseAfter !== undefined ? { pauseAfter } : {}),
      ...(options.membershipDays !== undefined ? { membershipDays: options.membershipDays } : {}),
    };
    // Kept sealed beside the link, so its creator or an admin can copy it again from any browser (reveal).
    const sealedToken = await vault.seal(token, link);
    const actor = { userId: member.userId, email: member.email };
    const old = reissue?.revokeOld ? reissue.from : undefined;
    // The old link, revoked in this write, no longer counts against the caller's quota when it was theirs.
    const quotaBefore = old && old.createdBy === member.userId ? withoutLink(quota, old.linkId) : quota;
    const revocation = old ? { link: old, at: link.createdAt, activity: activity.linkRevoked(old, actor, link.createdAt, link) } : undefined;
    const outcome = await store.createInviteLink(link, withNewLink(quotaBefore, link, now, linkQuota()), activity.linkCreated(link, actor, reissue?.from), sealedToken, revocation);
    if (outcome === 'created') return { ...inviteLinkView(link), stats: noStats(), url: linkPublicUrl(token) };
    if (outcome === 'links-disabled') throw linkCreationDisabled();
    if (attempt >= ATTEMPTS) throw busy();
  }
}

/** Revealing a link: its creator or an admin has its address again, and the domain's activity says who did. */
import { asMember } from './access.ts';
import { linkPublicUrl } from '../config.ts';
import { linkNotRevealable, notFound } from '../domain/errors.ts';
import { assertMayReveal, assertStillShareable } from '../domain/reveal.ts';
import { activity } from '../contract/activity.ts';
import type { Store } from '../store/store.ts';
import type { TokenVault } from '../store/token-vault.ts';
import { now as timeNow } from '../clock.ts';

export async function revealInviteLink(store: Store, vault: TokenVault, callerId: string, domainId: string, linkId: string) {
  // Authorize before reading: a caller who is not a member costs the caller check and nothing more.
  const { member, directory } = await asMember(store, callerId, domainId);
  const { link, sealedToken } = await store.getLinkToReveal(linkId);
  if (!link || link.domainId !== domainId) throw notFound('The invite link');
  assertMayReveal(member, link);
  const now = timeNow();
  // Only a link with a use limit can be used up: only its counters are read.
  assertStillShareable(link, link.maxUses === undefined ? 0 : await store.useCount(link), directory.domain, now);
  if (sealedToken === undefined) throw linkNotRevealable();
  const token = await vault.open(sealedToken, link);
  // Recorded before it is answered: no address leaves without its entry in the activity.
  await store.recordActivity(activity.linkRevealed(link, { userId: member.userId, email: member.email }, now.toISOString()));
  return { id: link.linkId, url: linkPublicUrl(token) };
}

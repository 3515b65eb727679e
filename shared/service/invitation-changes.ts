/**
 * Managing invitations by email once sent: the pending ones a page at a time, revoking one or all,
 * and resending one with a new token. Each change is written only on the invitation as read; one
 * moved meanwhile (a resend, an accept) is read again.
 */
import { invitationQuota } from '../config.ts';
import { activity, type Actor } from '../contract/activity.ts';
import { invitationView } from '../contract/views.ts';
import { busy, forbidden, notFound, rateLimited } from '../domain/errors.ts';
import { newLinkToken } from '../domain/invite-link.ts';
import { invitationEmailOf, isPending, quotaDayOf, resent, secondsToNextDay, tokenHashOf } from '../domain/invitation.ts';
import type { Domain, Invitation, Membership } from '../domain/types.ts';
import type { Page, PageRequest, Store } from '../store/store.ts';
import type { TokenVault } from '../store/token-vault.ts';
import { now as timeNow } from '../clock.ts';
import { asMember } from './access.ts';
import { INVITATION_CONCURRENCY, inTurns } from './invitations.ts';

/** A change that keeps meeting a moved invitation (resends racing each other) gives up as BUSY. */
const ATTEMPTS = 3;
/** A page stops reading on after this many reads, short but with where to go on. */
const MAX_READS_PER_PAGE = 10;
/** Revoke-all reads the pending invitations this many at a time. */
const REVOKE_ALL_PAGE = 100;

/**
 * The pending invitations, newest first. Those whose sender can no longer invite cannot be left
 * out by the query (a creator's generation lives on the domain), so a page reads on until it is full.
 */
export async function listPendingInvitations(store: Store, domain: Domain, now: Date, page: PageRequest): Promise<Page<Invitation>> {
  const items: Invitation[] = [];
  let after = page.after;
  let reads = 0;
  do {
    const read = await store.listInvitations(domain.domainId, now, { limit: page.limit - items.length, after });
    items.push(...read.items.filter((invitation) => isPending(invitation, domain, now)));
    after = read.next;
    reads += 1;
  } while (after && items.length < page.limit && reads < MAX_READS_PER_PAGE);
  return { items, ...(after ? { next: after } : {}) };
}

/** One of the domain's invitations, for its sender or an admin. */
async function invitationFor(store: Store, member: Membership, domainId: string, invitationId: string): Promise<Invitation> {
  const invitation = await store.getInvitation(invitationId);
  if (!invitation || invitation.domainId !== domainId) throw notFound('The invitation');
  if (invitation.createdBy !== member.userId && !member.isAdmin) throw forbidden('Only the invitation’s sender or an admin may change it.');
  return invitation;
}

export async function revokeInvitation(store: Store, actor: Actor, domainId: string, invitationId: string): Promise<void> {
  // Authorize before reading: a caller who is not a member costs the caller check and nothing more.
  const { member, directory } = await asMember(store, actor.userId, domainId);
  for (let attempt = 1; ; attempt++) {
    const invitation = await invitationFor(store, member, domainId, invitationId);
    const now = timeNow();
    // No longer pending: nothing to revoke, and nothing new to tell anyone.
    if (!isPending(invitation, directory.domain, now)) return;
    const at = now.toISOString();
    if ((await store.revokeInvitation(invitation, at, member.userId, activity.invitationRevoked(invitation, actor, at))) === 'revoked') return;
    if (attempt >= ATTEMPTS) throw busy();
  }
}

export async function resendInvitation(store: Store, vault: TokenVault, actor: Actor, domainId: string, invitationId: string) {
  const { member, directory } = await asMember(store, actor.userId, domainId);
  for (let attempt = 1; ; attempt++) {
    const before = await invitationFor(store, member, domainId, invitationId);
    const now = timeNow();
    if (!isPending(before, directory.domain, now)) throw notFound('The pending invitation');
    const token = newLinkToken();
    const after = resent(before, tokenHashOf(token), now);
    const sealedToken = await vault.seal(token, { domainId, linkId: invitationId });
    // The email names the sender, whoever resends it.
    const sender = before.createdBy === member.userId ? member : await store.getMembership(before.createdBy, domainId);
    const quota = { day: quotaDayOf(now), ...invitationQuota(), senderId: member.userId };
    const outcome = await store.resendInvitation(before, after, invitationEmailOf(after, sealedToken, directory, sender), activity.invitationResent(after, actor), quota);
    if (outcome === 'resent') return invitationView(after, 'pending');
    if (outcome === 'not-pending') throw notFound('The pending invitation');
    if (outcome === 'creator-quota' || outcome === 'recipient-quota') throw rateLimited(secondsToNextDay(now));
    if (attempt >= ATTEMPTS) throw busy();
  }
}

/** Every pending invitation of the domain, each in its own write, and one activity entry with how many. */
export async function revokeAllInvitations(store: Store, actor: Actor, domainId: string): Promise<{ revoked: number }> {
  const { member, directory } = await asMember(store, actor.userId, domainId);
  if (!member.isAdmin) throw forbidden('Only domain admins may revoke every invitation.');
  const now = timeNow();
  const at = now.toISOString();
  let revoked = 0;
  let after: Record<string, string> | undefined;
  do {
    const page = await listPendingInvitations(store, directory.domain, now, { limit: REVOKE_ALL_PAGE, after });
    const done = await inTurns(page.items, INVITATION_CONCURRENCY, (invitation) => revokeQuietly(store, invitation, directory.domain, at, member.userId));
    revoked += done.filter(Boolean).length;
    after = page.next;
  } while (after);
  await store.recordActivity(activity.invitationsRevokedAll(domainId, revoked, actor, at));
  return { revoked };
}

/** One invitation of a revoke-all: read again if it moved (a resend), left alone once no longer pending (an accept). */
async function revokeQuietly(store: Store, first: Invitation, domain: Domain, at: string, by: string): Promise<boolean> {
  let invitation: Invitation | undefined = first;
  for (let attempt = 1; invitation && isPending(invitation, domain, new Date(at)); attempt++) {
    if ((await store.revokeInvitation(invitation, at, by)) === 'revoked') return true;
    if (attempt >= ATTEMPTS) throw busy();
    invitation = await store.getInvitation(invitation.invitationId);
  }
  return false;
}

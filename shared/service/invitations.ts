/**
 * Inviting people by email: one single-use invitation per address, with the link's grant rules
 * (role ceiling, the domain's own ids), the domain's email rules, and the daily sending caps. Each
 * address is its own transaction, run a few at a time (service/invitation-changes.ts holds list,
 * revoke and resend).
 */
import { invitationQuota, linkTtlSeconds } from '../config.ts';
import { activity, type Actor } from '../contract/activity.ts';
import { creatorGenerationOf, lifetimeWithin, newLinkToken } from '../domain/invite-link.ts';
import {
  addressRefusal, distinctAddresses, invitationEmailOf, newInvitation, newInvitationId, quotaDayOf, tokenHashOf, type AddressResult,
} from '../domain/invitation.ts';
import { assertMayHandOut } from '../domain/permissions.ts';
import type { Directory, LinkGrant, Membership } from '../domain/types.ts';
import type { InvitationQuota, Store } from '../store/store.ts';
import type { TokenVault } from '../store/token-vault.ts';
import { now as timeNow } from '../clock.ts';
import { asInviter } from './access.ts';

/** How many addresses are written at once: a hundred transactions in a few round trips, without a burst on the table or the key. */
export const INVITATION_CONCURRENCY = 8;

export interface InvitationRequest extends LinkGrant {
  emails: string[];
  message?: string;
  expiresInSeconds?: number;
}

/** What every address of one request shares. */
interface Sending {
  store: Store;
  vault: TokenVault;
  actor: Actor;
  member: Membership;
  directory: Directory;
  grant: LinkGrant;
  message?: string;
  lifetimeSeconds: number;
  quota: InvitationQuota;
  now: Date;
}

export async function createInvitations(store: Store, vault: TokenVault, actor: Actor, domainId: string, request: InvitationRequest): Promise<{ items: AddressResult[] }> {
  const { emails, message, expiresInSeconds, ...grant } = request;
  const lifetimeSeconds = lifetimeWithin(expiresInSeconds, linkTtlSeconds());
  const { member, directory } = await asInviter(store, actor.userId, domainId);
  assertMayHandOut(member, grant, directory);
  const addresses = distinctAddresses(emails);
  const claims = await store.getAddressClaims(domainId, addresses);
  const now = timeNow();
  const sending: Sending = {
    store, vault, actor, member, directory, grant, lifetimeSeconds, now,
    ...(message !== undefined ? { message } : {}),
    quota: { day: quotaDayOf(now), ...invitationQuota(), senderId: member.userId },
  };
  const refusals = new Map(addresses.map((email) => [email, addressRefusal(email, claims.get(email), directory.domain)]));
  const toInvite = addresses.filter((email) => !refusals.get(email));
  // The sender's day is taken for the whole request at once, so its transactions never share a count; past the cap, the rest are refused.
  const granted = await store.reserveSendings(domainId, sending.quota, toInvite.length);
  const tried = new Set(toInvite.slice(0, granted));
  let invited = 0;
  try {
    const items = await inTurns(addresses, INVITATION_CONCURRENCY, async (email): Promise<AddressResult> => {
      const refusal = refusals.get(email);
      if (refusal) return refusal;
      if (!tried.has(email)) return { email, status: 'refused', code: 'INVITATION_QUOTA' };
      const result = await inviteOne(sending, email);
      if (result.status === 'invited') invited += 1;
      return result;
    });
    return { items };
  } finally {
    // Already invited, or over the recipient's cap: those sendings were not used.
    await store.returnSendings(domainId, sending.quota, granted - invited);
  }
}

async function inviteOne(s: Sending, email: string): Promise<AddressResult> {
  const token = newLinkToken();
  const invitation = newInvitation(
    { invitationId: newInvitationId(), tokenHash: tokenHashOf(token), email, grant: s.grant, lifetimeSeconds: s.lifetimeSeconds, ...(s.message !== undefined ? { message: s.message } : {}) },
    s.member,
    s.directory.domain,
    s.now,
  );
  // The email carries the token; the table keeps it only sealed, until the notifier has sent it.
  const sealedToken = await s.vault.seal(token, { domainId: invitation.domainId, linkId: invitation.invitationId });
  const write = { invitation, email: invitationEmailOf(invitation, sealedToken, s.directory, s.member), activity: activity.invitationCreated(invitation, s.actor), quota: s.quota };
  let created = await s.store.createInvitation(write);
  // The address is held by an invitation that ended with its sender's authority: it gives way, once.
  if (created.outcome === 'already-invited' && created.holder && created.holder.creatorGeneration !== creatorGenerationOf(s.directory.domain, created.holder.createdBy)) {
    created = await s.store.createInvitation({ ...write, replacing: created.holder.invitationId });
  }
  switch (created.outcome) {
    case 'created':
      return { email, status: 'invited', invitationId: invitation.invitationId };
    case 'already-invited':
      return { email, status: 'already-invited' };
    case 'recipient-quota':
      return { email, status: 'refused', code: 'RECIPIENT_LIMIT' };
  }
}

/** `work` over every item, at most `limit` at a time, the results in the items' order. */
export async function inTurns<T, R>(list: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const at = next++;
      results[at] = await work(list[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return results;
}

/**
 * Joining with a token: the token opens an invite link or, failing that, an invitation by email; a
 * link that needs approval records a join request instead (service/join-requests.ts).
 * Read it, let the domain plan the writes, commit them, and when a write's condition refused, let
 * the domain say what that means for the person.
 */
import { randomUUID } from 'node:crypto';
import { invitationEnded, type ServiceError } from '../domain/errors.ts';
import { linkIdOf } from '../domain/invite-link.ts';
import { invitationEnd, invitationRefusal, isRepeatedJoin, linkRefusal, personRefusal, planInvitationJoin, planJoin, type Joiner } from '../domain/join.ts';
import type { Invitation, InviteLink, Membership } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { goneLinkError } from './gone-link.ts';
import { requestToJoin, type PendingJoin } from './join-requests.ts';

/**
 * A join admits the person, or, through a link that needs approval, records their request (202);
 * `again`: they had joined through this very link or invitation before (a repeated join, 200).
 */
export type JoinOutcome = { joined: Membership; again?: true } | { requested: PendingJoin };

/** `refused`: told of what refused a join through a link (its stats count refusals); it never fails. */
export async function joinWithToken(store: Store, token: string, joiner: Joiner, now: Date, refused?: (link: InviteLink, error: unknown) => Promise<void>): Promise<JoinOutcome> {
  // A link's id and an invitation token's key are both the token's SHA-256.
  const tokenHash = linkIdOf(token);
  const { link, isNewUser } = await store.linkForJoin(tokenHash, joiner.userId);
  if (link) {
    try {
      // A link is immutable: one that needs approval admits nobody through any other path.
      if (link.requireApproval) return { requested: await requestToJoin(store, link, joiner, now, isNewUser) };
      return await joinThroughLink(store, link, joiner, now, isNewUser);
    } catch (error) {
      await refused?.(link, error);
      throw error;
    }
  }
  const invitation = await store.invitationOfToken(tokenHash);
  if (invitation) return joinThroughInvitation(store, invitation, tokenHash, joiner, now, isNewUser);
  throw await goneLinkError(store, tokenHash, now);
}

async function joinThroughLink(store: Store, link: InviteLink, joiner: Joiner, now: Date, isNewUser: boolean): Promise<JoinOutcome> {
  const plan = planJoin(link, joiner, now, { joinId: randomUUID(), isNewUser });
  const commit = await store.commitJoin(plan.writes);
  if ('done' in commit) return { joined: plan.membership };

  const { refused } = commit;
  const aboutThePerson = personRefusal(refused);
  if (aboutThePerson) return repeatedJoin(store, aboutThePerson, link.domainId, joiner, { linkId: link.linkId });
  if (refused.write !== 'count-use' && refused.write !== 'pass-gate') throw new Error(`a join write that cannot refuse did: ${refused.write}`);
  // A link without counters any more was removed by TTL after it expired; a domain gone takes its links with it.
  const domain = refused.write === 'count-use' && !refused.usedUp && !refused.found ? undefined : await store.getDomain(link.domainId);
  if (!domain) throw await goneLinkError(store, link.linkId, now);
  throw linkRefusal(refused, link, domain);
}

/** Only its address may use an invitation, once: it is told first if the invitation no longer works for anyone. */
async function joinThroughInvitation(store: Store, invitation: Invitation, tokenHash: string, joiner: Joiner, now: Date, isNewUser: boolean): Promise<JoinOutcome> {
  const ended = invitationEnd(invitation, tokenHash, now);
  if (ended) {
    // Used: by this very person, whose answer was lost, it is their membership again.
    const existing = ended === 'used' ? await store.getMembership(joiner.userId, invitation.domainId) : undefined;
    if (isRepeatedJoin(existing, joiner, { invitationId: invitation.invitationId })) return { joined: existing, again: true };
    throw invitationEnded(ended, (await store.getDomain(invitation.domainId))?.name);
  }
  const plan = planInvitationJoin(invitation, tokenHash, joiner, now, { joinId: randomUUID(), acceptanceId: randomUUID(), isNewUser });
  const commit = await store.commitJoin(plan.writes);
  if ('done' in commit) return { joined: plan.membership };

  const { refused } = commit;
  const aboutThePerson = personRefusal(refused);
  if (aboutThePerson) return repeatedJoin(store, aboutThePerson, invitation.domainId, joiner, { invitationId: invitation.invitationId });
  if (refused.write !== 'use-invitation' && refused.write !== 'pass-gate') throw new Error(`an invitation join write that cannot refuse did: ${refused.write}`);
  throw invitationRefusal(refused, invitation, tokenHash, await store.getDomain(invitation.domainId), now);
}

/** A person the join refused as a member already: a repeated join answers their membership, anyone else the refusal. */
async function repeatedJoin(store: Store, refusal: ServiceError, domainId: string, joiner: Joiner, via: { linkId: string } | { invitationId: string }): Promise<JoinOutcome> {
  const existing = refusal.kind === 'AlreadyMember' ? await store.getMembership(joiner.userId, domainId) : undefined;
  if (isRepeatedJoin(existing, joiner, via)) return { joined: existing, again: true };
  throw refusal;
}

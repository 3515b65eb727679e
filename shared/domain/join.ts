/**
 * A join, decided: from the link and who is joining, the writes it takes, each named for what its
 * condition stands for; and, when the store reports the one whose condition failed with what it
 * found there, the refusal that means for the person. The store commits; nothing here reads or writes.
 */
import {
  alreadyMember,
  emailDomainNotAllowed,
  linkExpired,
  linkRevoked,
  linksDisabled,
  linkUsedUp,
  rejoinBlocked,
  type ServiceError,
} from './errors.ts';
import { emailDomainOf } from './email.ts';
import { admittedEmailDomains, creatorGenerationOf, joinedViaOf, membershipFromGrant, revokedReason } from './invite-link.ts';
import type { Domain, InviteLink, JoinRecord, Membership, User } from './types.ts';

/** Who is joining: their identity's `sub`, their verified email, their names. */
export interface Joiner {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
}

/** What the join's domain checks, as a join sees it: a copy of the switch, the generations and the email domains. */
export type GateState = Pick<Domain, 'linksEnabled' | 'linkGeneration' | 'allowedEmailDomains'> & Record<`creatorGeneration#${string}`, number | undefined>;

/** One write of a join, in the product's words; all of them happen, or none. */
export type JoinWrite =
  /** One use of the link is counted, while it has not expired, been revoked or been used up. */
  | { write: 'count-use'; linkId: string; maxUses?: number; at: string }
  /** The domain still takes joins through this link: links on, its generation and its creator's, the joiner's email domain. */
  | { write: 'pass-gate'; domainId: string; generation: number; createdBy: string; creatorGeneration: number; emailDomain: string }
  /** The person has no membership in the domain yet. */
  | { write: 'add-membership'; membership: Membership }
  /** The domain does not hold the email yet: not a member's, not one an admin keeps out. */
  | { write: 'claim-email'; domainId: string; email: string; userId: string }
  /** What the notifier and the events feed read: the MemberJoined entry. */
  | { write: 'record-join'; join: JoinRecord }
  /** The person's profile, on their first join anywhere; already there is no refusal. */
  | { write: 'create-user'; user: User; ifAbsent: true };

export interface JoinPlan {
  membership: Membership;
  join: JoinRecord;
  writes: JoinWrite[];
}

/** The write whose condition refused the join, with what the store found there. */
export type RefusedJoinWrite =
  /** `found` absent: the link's counters are gone (TTL removed an expired link). */
  | { write: 'count-use'; usedUp?: false; found?: { expiresAt: string; revokedAt?: string } }
  /** Every counter has taken its share of maxUses. */
  | { write: 'count-use'; usedUp: true }
  | { write: 'pass-gate'; found?: GateState }
  | { write: 'add-membership' }
  | { write: 'claim-email'; found?: { rejoinBlocked?: boolean } };

/** The writes joining through `link` takes, or the refusal the link's own rules give before any write. */
export function planJoin(link: InviteLink, joiner: Joiner, now: Date, { joinId, isNewUser }: { joinId: string; isNewUser: boolean }): JoinPlan {
  const emailDomain = emailDomainOf(joiner.email);
  const fromLink = link.allowedEmailDomains ?? [];
  if (fromLink.length > 0 && !fromLink.includes(emailDomain)) throw emailDomainNotAllowed(fromLink);

  const at = now.toISOString();
  const { userId, email, firstName, lastName } = joiner;
  const membership: Membership = {
    userId,
    domainId: link.domainId,
    email,
    firstName,
    lastName,
    isAdmin: false,
    ...membershipFromGrant(link),
    joinedVia: joinedViaOf(link, at),
    createdAt: at,
  };
  const join: JoinRecord = {
    joinId,
    linkId: link.linkId,
    domainId: link.domainId,
    userId,
    email,
    firstName,
    lastName,
    linkCreatedBy: link.createdBy,
    linkExpiresAt: link.expiresAt,
    grant: {
      userType: link.userType,
      primaryTeamId: link.primaryTeamId,
      primaryGroupId: link.primaryGroupId,
      additionalTeamIds: link.additionalTeamIds,
      roleGroupIds: link.roleGroupIds,
      groupIds: link.groupIds,
    },
    joinedAt: at,
    ...(link.label !== undefined ? { linkLabel: link.label } : {}),
    notifyCreator: link.notifyCreator ?? true,
    ...(link.maxUses !== undefined ? { linkMaxUses: link.maxUses } : {}),
  };
  const writes: JoinWrite[] = [
    { write: 'count-use', linkId: link.linkId, ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}), at },
    { write: 'pass-gate', domainId: link.domainId, generation: link.generation, createdBy: link.createdBy, creatorGeneration: link.creatorGeneration ?? 0, emailDomain },
    { write: 'add-membership', membership },
    { write: 'claim-email', domainId: link.domainId, email, userId },
    { write: 'record-join', join },
    ...(isNewUser ? [{ write: 'create-user' as const, user: { userId, email, firstName, lastName, createdAt: at }, ifAbsent: true as const }] : []),
  ];
  return { membership, join, writes };
}

/** Refusals that need nothing but the write that failed. */
export function personRefusal(refused: RefusedJoinWrite): ServiceError | undefined {
  if (refused.write === 'claim-email' && refused.found?.rejoinBlocked) return rejoinBlocked();
  if (refused.write === 'add-membership' || refused.write === 'claim-email') return alreadyMember();
  return undefined;
}

/**
 * Why the link no longer lets this person in, from the counter or gate as they were when their
 * condition failed and the domain as it is now (its name, and what ended older links). A gate
 * that is not found (a table from an older layout) is read as the domain item itself.
 */
export function linkRefusal(refused: Extract<RefusedJoinWrite, { write: 'count-use' | 'pass-gate' }>, link: InviteLink, domain: Domain): ServiceError {
  if (refused.write === 'count-use') {
    if (refused.usedUp) return linkUsedUp(domain.name);
    // A counter refuses only a link revoked or expired: each carries both.
    return refused.found?.revokedAt !== undefined ? linkRevoked('revoked', domain.name) : linkExpired(domain.name);
  }
  // The gate refuses, in the order joins are told: links off, the generation moved, the creator's did, the email domain.
  const gate = { ...domain, ...refused.found };
  if (!gate.linksEnabled) return linksDisabled(domain.name);
  if (gate.linkGeneration !== link.generation) return linkRevoked(revokedReason(link, gate), domain.name);
  if ((link.creatorGeneration ?? 0) !== creatorGenerationOf(gate, link.createdBy)) return linkRevoked('creator-links-revoked', domain.name);
  return emailDomainNotAllowed(admittedEmailDomains(link, gate));
}

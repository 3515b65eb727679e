/**
 * A join, decided: from the link or the email invitation and who is joining, the writes it takes,
 * each named for what its condition stands for; and, when the store reports the one whose condition
 * failed with what it found there, the refusal that means for the person. The store commits;
 * nothing here reads or writes.
 */
import {
  alreadyMember,
  emailDomainNotAllowed,
  invitationEmailMismatch,
  invitationEnded,
  linkExpired,
  linkNotFound,
  linkPaused,
  linkRevoked,
  linksDisabled,
  linksPaused,
  linkUsedUp,
  rejoinBlocked,
  type InvitationEnd,
  type ServiceError,
} from './errors.ts';
import { emailDomainOf, normalizeEmail } from './email.ts';
import { admittedEmailDomains, creatorGenerationOf, joinedViaOf, linksPausedUntil, membershipFromGrant, revokedReason } from './invite-link.ts';
import { memberUntilFor, membershipTimers, type Timer } from './timers.ts';
import type { Domain, Invitation, InviteLink, JoinedVia, JoinRecord, LinkGrant, Membership, User } from './types.ts';

/** Who is joining: their identity's `sub`, their verified email, their names. */
export interface Joiner {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
}

/** What the join's domain checks, as a join sees it: a copy of the switch, the generations and the email domains. */
export type GateState = Pick<Domain, 'linksEnabled' | 'linkGeneration' | 'allowedEmailDomains' | 'linksPausedUntil'> & Record<`creatorGeneration#${string}`, number | undefined>;

/** One write of a join, in the product's words; all of them happen, or none. */
export type JoinWrite =
  /** One use of the link is counted, while it has not expired, been revoked, been paused or been used up. */
  | { write: 'count-use'; linkId: string; maxUses?: number; counters?: number; at: string }
  /** The invitation is taken: not used, revoked or expired, and `tokenHash` still the token it was last sent with. */
  | { write: 'use-invitation'; invitationId: string; tokenHash: string; userId: string; at: string }
  /** The domain still takes joins through this link at `at`: links on and not paused then, its generation and its creator's, the joiner's email domain. */
  | { write: 'pass-gate'; domainId: string; generation: number; createdBy: string; creatorGeneration: number; emailDomain: string; at: string }
  /** An invitation's gate: its creator's generation and the joiner's email domain only; links off or all deleted end no invitation. */
  | { write: 'pass-gate'; domainId: string; invitation: true; createdBy: string; creatorGeneration: number; emailDomain: string }
  /** The person has no membership in the domain yet. */
  | { write: 'add-membership'; membership: Membership }
  /** The domain does not hold the email yet: not a member's, not one an admin keeps out. */
  | { write: 'claim-email'; domainId: string; email: string; userId: string }
  /** The address is no longer held for a pending invitation (nothing to condition: the invitation's own write does). */
  | { write: 'release-address'; domainId: string; email: string }
  /** What the notifier and the events feed read: the MemberJoined entry. */
  | { write: 'record-join'; join: JoinRecord }
  /** The InvitationAccepted entry beside it, under its own event id. */
  | { write: 'record-acceptance'; eventId: string; join: InvitationJoinRecord }
  /** The person's profile, on their first join anywhere; already there is no refusal. */
  | { write: 'create-user'; user: User; ifAbsent: true }
  /** A membership that ends (the link's membershipDays): its end and the warning before it, fired by the timer sweep. */
  | { write: 'put-timer'; timer: Timer };

/** An invitation's join record: it names the invitation, not a link. */
export type InvitationJoinRecord = JoinRecord & { via: 'invitation'; invitationId: string };
export const isInvitationJoin = (join: JoinRecord): join is InvitationJoinRecord => join.via === 'invitation' && join.invitationId !== undefined;

export interface JoinPlan {
  membership: Membership;
  join: JoinRecord;
  writes: JoinWrite[];
}

/** The write whose condition refused the join, with what the store found there. */
export type RefusedJoinWrite =
  /** `found` absent: the link's counters are gone (TTL removed an expired link). */
  | { write: 'count-use'; usedUp?: false; found?: { expiresAt: string; revokedAt?: string; pausedAt?: string }; at?: string }
  /** Every counter has taken its share of maxUses. */
  | { write: 'count-use'; usedUp: true }
  /** `found` absent: TTL removed the invitation, long after it expired. */
  | { write: 'use-invitation'; found?: Pick<Invitation, 'expiresAt' | 'tokenHash' | 'acceptedAt' | 'revokedAt'> }
  /** `at`: the join's time, which a pause of all links is compared with. */
  | { write: 'pass-gate'; found?: GateState; at?: string }
  | { write: 'add-membership' }
  | { write: 'claim-email'; found?: { rejoinBlocked?: boolean } };

/** The writes joining through `link` takes, or the refusal the link's own rules give before any write. */
export function planJoin(link: InviteLink, joiner: Joiner, now: Date, { joinId, isNewUser }: { joinId: string; isNewUser: boolean }): JoinPlan {
  const emailDomain = emailDomainOf(joiner.email);
  const fromLink = link.allowedEmailDomains ?? [];
  if (fromLink.length > 0 && !fromLink.includes(emailDomain)) throw emailDomainNotAllowed(fromLink);

  const at = now.toISOString();
  const { userId, email, firstName, lastName } = joiner;
  const memberUntil = link.membershipDays !== undefined ? memberUntilFor(at, link.membershipDays) : undefined;
  const membership: Membership = { ...newMembership(link.domainId, joiner, link, joinedViaOf(link, at), at), ...(memberUntil !== undefined ? { memberUntil } : {}) };
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
    grant: grantOf(link),
    joinedAt: at,
    ...(link.label !== undefined ? { linkLabel: link.label } : {}),
    notifyCreator: link.notifyCreator ?? true,
    ...(link.maxUses !== undefined ? { linkMaxUses: link.maxUses, ...(link.counters !== undefined ? { linkCounters: link.counters } : {}) } : {}),
    ...(link.pauseAfter !== undefined ? { linkPauseAfter: link.pauseAfter } : {}),
    ...(memberUntil !== undefined ? { memberUntil } : {}),
  };
  const writes: JoinWrite[] = [
    { write: 'count-use', linkId: link.linkId, ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}), ...countersIf(link), at },
    { write: 'pass-gate', domainId: link.domainId, generation: link.generation, createdBy: link.createdBy, creatorGeneration: link.creatorGeneration ?? 0, emailDomain, at },
    { write: 'add-membership', membership },
    { write: 'claim-email', domainId: link.domainId, email, userId },
    { write: 'record-join', join },
    ...profileIf(isNewUser, joiner, at),
    // Only a link with membershipDays adds these: any other join writes what it always did.
    ...(memberUntil !== undefined ? membershipTimers(link.domainId, userId, memberUntil, now).map((timer): JoinWrite => ({ write: 'put-timer', timer })) : []),
  ];
  return { membership, join, writes };
}

/**
 * The writes joining through an email invitation takes. Only the address it was sent to may use it
 * (the caller's verified email, compared lower-cased): anyone else is refused before any write.
 */
export function planInvitationJoin(
  invitation: Invitation,
  tokenHash: string,
  joiner: Joiner,
  now: Date,
  { joinId, acceptanceId, isNewUser }: { joinId: string; acceptanceId: string; isNewUser: boolean },
): JoinPlan {
  if (normalizeEmail(joiner.email) !== normalizeEmail(invitation.email)) throw invitationEmailMismatch(invitation.email);
  const at = now.toISOString();
  const { invitationId, domainId, createdBy } = invitation;
  const { userId, email, firstName, lastName } = joiner;
  const membership = newMembership(domainId, joiner, invitation, { invitationId, at, invitedBy: { userId: createdBy, email: invitation.createdByEmail } }, at);
  const join: InvitationJoinRecord = {
    joinId,
    via: 'invitation',
    invitationId,
    domainId,
    userId,
    email,
    firstName,
    lastName,
    linkCreatedBy: createdBy,
    linkExpiresAt: invitation.expiresAt,
    grant: grantOf(invitation),
    joinedAt: at,
    // The inviter is told their invitation was accepted.
    notifyCreator: true,
  };
  const writes: JoinWrite[] = [
    { write: 'use-invitation', invitationId, tokenHash, userId, at },
    { write: 'pass-gate', domainId, invitation: true, createdBy, creatorGeneration: invitation.creatorGeneration, emailDomain: emailDomainOf(email) },
    { write: 'add-membership', membership },
    { write: 'claim-email', domainId, email, userId },
    { write: 'release-address', domainId, email },
    { write: 'record-join', join },
    { write: 'record-acceptance', eventId: acceptanceId, join },
    ...profileIf(isNewUser, joiner, at),
  ];
  return { membership, join, writes };
}

/**
 * Why an invitation no longer lets anyone in with the token hashed `tokenHash`, if it does not.
 * Its creator's generation only where the domain is known: a join's gate checks it anyway.
 */
export function invitationEnd(
  invitation: Pick<Invitation, 'acceptedAt' | 'revokedAt' | 'tokenHash' | 'expiresAt' | 'createdBy' | 'creatorGeneration'>,
  tokenHash: string,
  now: Date,
  domain?: Domain,
): InvitationEnd | undefined {
  if (invitation.acceptedAt !== undefined) return 'used';
  if (invitation.revokedAt !== undefined) return 'revoked';
  if (invitation.tokenHash !== tokenHash) return 'resent';
  if (domain && invitation.creatorGeneration !== creatorGenerationOf(domain, invitation.createdBy)) return 'creator-ended';
  if (Date.parse(invitation.expiresAt) <= now.getTime()) return 'expired';
  return undefined;
}

const newMembership = (domainId: string, { userId, email, firstName, lastName }: Joiner, grant: LinkGrant, joinedVia: JoinedVia, at: string): Membership => ({
  userId,
  domainId,
  email,
  firstName,
  lastName,
  isAdmin: false,
  ...membershipFromGrant(grant),
  joinedVia,
  createdAt: at,
});

const grantOf = (g: LinkGrant): LinkGrant => ({
  userType: g.userType,
  primaryTeamId: g.primaryTeamId,
  primaryGroupId: g.primaryGroupId,
  additionalTeamIds: g.additionalTeamIds,
  roleGroupIds: g.roleGroupIds,
  groupIds: g.groupIds,
});

/** The link's counters, for the store to choose one of (absent on links made before they varied). */
export const countersIf = (link: Pick<InviteLink, 'counters'>) => (link.counters !== undefined ? { counters: link.counters } : {});

const profileIf = (isNewUser: boolean, { userId, email, firstName, lastName }: Joiner, at: string): JoinWrite[] =>
  isNewUser ? [{ write: 'create-user', user: { userId, email, firstName, lastName, createdAt: at }, ifAbsent: true }] : [];

/**
 * A join sent again by the person it already admitted through the same link or invitation (its
 * answer was lost: a timeout, a dropped connection): their membership stands, so the join answers
 * it again (200) rather than ALREADY_MEMBER. Anyone else, or the same person through another way in,
 * is a member already.
 */
export function isRepeatedJoin(existing: Membership | undefined, joiner: Pick<Joiner, 'userId'>, via: { linkId: string } | { invitationId: string }): existing is Membership {
  if (!existing || existing.userId !== joiner.userId) return false;
  return 'linkId' in via ? existing.joinedVia?.linkId === via.linkId : existing.joinedVia?.invitationId === via.invitationId;
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
    // A counter refuses only a link revoked, expired or paused: each carries all three; an end outranks a pause.
    const { found, at } = refused;
    if (found?.revokedAt !== undefined) return linkRevoked('revoked', domain.name);
    if (found?.pausedAt !== undefined && (at === undefined || found.expiresAt > at)) {
      // With every link paused as well, that is said first, as lookup says it.
      const allUntil = at === undefined ? undefined : linksPausedUntil(domain, new Date(at));
      return allUntil !== undefined ? linksPaused(allUntil, domain.name) : linkPaused(domain.name);
    }
    return linkExpired(domain.name);
  }
  // The gate refuses, in the order joins are told: links off, the generation moved, the creator's did, all links paused, the email domain.
  const gate = { ...domain, ...refused.found };
  if (!gate.linksEnabled) return linksDisabled(domain.name);
  if (gate.linkGeneration !== link.generation) return linkRevoked(revokedReason(link, gate), domain.name);
  if ((link.creatorGeneration ?? 0) !== creatorGenerationOf(gate, link.createdBy)) return linkRevoked('creator-links-revoked', domain.name);
  const pausedUntil = refused.at === undefined ? undefined : linksPausedUntil(gate, new Date(refused.at));
  if (pausedUntil !== undefined) return linksPaused(pausedUntil, domain.name);
  return emailDomainNotAllowed(admittedEmailDomains(link, gate));
}

/**
 * Why the invitation no longer lets this person in, from the invitation or gate as they were when
 * their condition failed and the domain as it is now (its name; gone: no such invitation any more).
 */
export function invitationRefusal(
  refused: Extract<RefusedJoinWrite, { write: 'use-invitation' | 'pass-gate' }>,
  invitation: Invitation,
  tokenHash: string,
  domain: Domain | undefined,
  now: Date,
): ServiceError {
  if (!domain) return linkNotFound();
  if (refused.write === 'use-invitation') {
    // Not found: TTL removes an invitation only weeks after it expired.
    const end = refused.found ? invitationEnd({ ...invitation, ...refused.found }, tokenHash, now) : 'expired';
    return invitationEnded(end ?? 'revoked', domain.name);
  }
  const gate = { ...domain, ...refused.found };
  if (invitation.creatorGeneration !== creatorGenerationOf(gate, invitation.createdBy)) return invitationEnded('creator-ended', domain.name);
  return emailDomainNotAllowed(gate.allowedEmailDomains ?? []);
}

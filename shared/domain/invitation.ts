/**
 * The rules of an invitation by email: its id and token, when it is pending, which addresses may be
 * invited, and the daily sending caps. Pure, like the link's rules it shares (invite-link.ts).
 */
import { randomBytes } from 'node:crypto';
import { emailDomainOf } from './email.ts';
import { creatorGenerationOf, expiresAtFor, linkIdOf } from './invite-link.ts';
import type { Directory, Domain, Invitation, InvitationEmail, LinkGrant, Membership } from './types.ts';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** Random, not derived from the token: the id names the invitation in lists and events, the token stays secret. */
export const newInvitationId = () => randomBytes(16).toString('base64url');

/** An invitation's token is found by its SHA-256, as a link's is. */
export const tokenHashOf = linkIdOf;

/** Accepted and revoked say what happened; an invitation whose creator's authority was ended counts as revoked. */
export function invitationStatus(invitation: Invitation, domain: Domain, now: Date): InvitationStatus {
  if (invitation.acceptedAt !== undefined) return 'accepted';
  if (invitation.revokedAt !== undefined) return 'revoked';
  if (invitation.creatorGeneration !== creatorGenerationOf(domain, invitation.createdBy)) return 'revoked';
  if (Date.parse(invitation.expiresAt) <= now.getTime()) return 'expired';
  return 'pending';
}

export const isPending = (invitation: Invitation, domain: Domain, now: Date) => invitationStatus(invitation, domain, now) === 'pending';

/** Why one address of a request was not invited, as its result says. */
export type RefusalCode = 'REJOIN_BLOCKED' | 'EMAIL_DOMAIN_NOT_ALLOWED' | 'RECIPIENT_LIMIT' | 'INVITATION_QUOTA';

/** What became of one address of a request. */
export type AddressResult =
  | { email: string; status: 'invited'; invitationId: string }
  | { email: string; status: 'already-member' | 'already-invited' }
  | { email: string; status: 'refused'; code: RefusalCode };

/** What the domain holds of an address already: a member's email, or someone removed and kept out. */
export type AddressClaim = 'member' | 'removed';

/** Decided before anything is written: an address that cannot be invited, and why; undefined when it can. */
export function addressRefusal(email: string, claim: AddressClaim | undefined, domain: Pick<Domain, 'allowedEmailDomains'>): AddressResult | undefined {
  if (claim === 'removed') return { email, status: 'refused', code: 'REJOIN_BLOCKED' };
  if (claim === 'member') return { email, status: 'already-member' };
  const allowed = domain.allowedEmailDomains ?? [];
  if (allowed.length > 0 && !allowed.includes(emailDomainOf(email))) return { email, status: 'refused', code: 'EMAIL_DOMAIN_NOT_ALLOWED' };
  return undefined;
}

/** Each address once, in the order first given (the schema has already lower-cased them). */
export const distinctAddresses = (emails: readonly string[]) => [...new Set(emails)];

/** A new invitation for one address: its token's hash only, its creator's generation, its life from now. */
export function newInvitation(
  fields: { invitationId: string; tokenHash: string; email: string; grant: LinkGrant; message?: string; lifetimeSeconds: number },
  creator: Membership,
  domain: Domain,
  now: Date,
): Invitation {
  const at = now.toISOString();
  return {
    ...fields.grant,
    invitationId: fields.invitationId,
    domainId: domain.domainId,
    email: fields.email,
    tokenHash: fields.tokenHash,
    createdBy: creator.userId,
    createdByEmail: creator.email,
    createdAt: at,
    expiresAt: expiresAtFor(now, fields.lifetimeSeconds),
    creatorGeneration: creatorGenerationOf(domain, creator.userId),
    ...(fields.message !== undefined ? { message: fields.message } : {}),
    sendCount: 1,
    lastSentAt: at,
  };
}

/** A resend: a new token, one more sending, and the same life again from now (the life it was given, which each sending restarts). */
export function resent(invitation: Invitation, tokenHash: string, now: Date): Invitation {
  const lifetimeMs = Date.parse(invitation.expiresAt) - Date.parse(invitation.lastSentAt);
  return {
    ...invitation,
    tokenHash,
    sendCount: invitation.sendCount + 1,
    lastSentAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
  };
}

/** The UTC day a sending counts against. */
export const quotaDayOf = (now: Date) => now.toISOString().slice(0, 10);

/** Seconds until the next UTC day, when the day's caps start again (Retry-After). */
export function secondsToNextDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** What a grant hands out, by the names the domain's directory gives them now (an id it no longer has stays an id). */
export function grantNames(grant: LinkGrant, directory: Pick<Directory, 'teams' | 'roleGroups' | 'groups'>): InvitationEmail['grant'] {
  const nameOf = (items: { id: string; name: string }[], id: string | undefined) => items.find((i) => i.id === id)?.name;
  const namesOf = (items: { id: string; name: string }[], ids: string[]) => ids.map((id) => nameOf(items, id) ?? id);
  const primaryTeamName = nameOf(directory.teams, grant.primaryTeamId) ?? grant.primaryTeamId;
  const primaryGroupName = nameOf(directory.groups, grant.primaryGroupId) ?? grant.primaryGroupId;
  return {
    userType: grant.userType,
    ...(primaryTeamName !== undefined ? { primaryTeamName } : {}),
    ...(primaryGroupName !== undefined ? { primaryGroupName } : {}),
    additionalTeamNames: namesOf(directory.teams, grant.additionalTeamIds),
    roleGroupNames: namesOf(directory.roleGroups, grant.roleGroupIds),
    groupNames: namesOf(directory.groups, grant.groupIds),
  };
}

/** One sending of an invitation, as its email says it: the organisation, who invites (their name while the directory has one), what it grants, until when. */
export function invitationEmailOf(invitation: Invitation, sealedToken: string, directory: Directory, inviter: Pick<Membership, 'firstName' | 'lastName'> | undefined): InvitationEmail {
  const name = inviter ? `${inviter.firstName} ${inviter.lastName}`.trim() : '';
  return {
    invitationId: invitation.invitationId,
    domainId: invitation.domainId,
    domainName: directory.domain.name,
    email: invitation.email,
    sendCount: invitation.sendCount,
    sealedToken,
    invitedBy: { userId: invitation.createdBy, email: invitation.createdByEmail, ...(name ? { name } : {}) },
    grant: grantNames(invitation, directory),
    ...(invitation.message !== undefined ? { message: invitation.message } : {}),
    expiresAt: invitation.expiresAt,
    sentAt: invitation.lastSentAt,
  };
}

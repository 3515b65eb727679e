/** The rules of an invite link: its token, its life, what it grants. */
import { createHash, randomBytes } from 'node:crypto';
import { TOKEN_BYTES } from '../config.ts';
import { forbidden, invalidRequest, linkExpired, linkPaused, linkRevoked, linksDisabled, linksPaused, unknownReference } from './errors.ts';
import type { Directory, Domain, InviteLink, JoinedVia, LinkGrant, Membership, PauseAfter } from './types.ts';

export type LinkStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'DISABLED';

/** A fresh secret: 256 bits from the CSPRNG, base64url. Only its hash is ever stored. */
export function newLinkToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The link id is the token's SHA-256: a table dump or a log line holding it opens nothing. */
export function linkIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The life a creator asked for (a link's or an invitation's), at most the service's longest; none asked: the longest. */
export function lifetimeWithin(requestedSeconds: number | undefined, maxSeconds: number): number {
  if (requestedSeconds !== undefined && requestedSeconds > maxSeconds) throw invalidRequest('expiresInSeconds', `must be at most ${maxSeconds} (this service's link lifetime)`);
  return requestedSeconds ?? maxSeconds;
}

export function expiresAtFor(createdAt: Date, ttlSeconds: number): string {
  return new Date(createdAt.getTime() + ttlSeconds * 1000).toISOString();
}

/** Epoch seconds for DynamoDB TTL, which removes expired links days late; correctness never waits for it. */
export function ttlOf(expiresAt: string): number {
  return Math.ceil(Date.parse(expiresAt) / 1000);
}

/** The attribute holding a creator's generation on the domain item and its gates. */
export const creatorGenerationAttribute = (userId: string) => `creatorGeneration#${userId}` as const;
export const creatorGenerationOf = (domain: Domain, userId: string) => domain[creatorGenerationAttribute(userId)] ?? 0;

/** Why a link does or does not work now. Domain switch first: it outranks everything. */
export function linkStatus(link: InviteLink, domain: Domain, now: Date): LinkStatus {
  if (!domain.linksEnabled) return 'DISABLED';
  if (link.revokedAt !== undefined || link.generation !== domain.linkGeneration) return 'REVOKED';
  if ((link.creatorGeneration ?? 0) !== creatorGenerationOf(domain, link.createdBy)) return 'REVOKED';
  if (Date.parse(link.expiresAt) <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}

/** Why a link that no longer works ended, in the words of the "Recently ended" list. */
export type LinkEnd = 'expired' | 'used-up' | 'revoked' | 'all-deleted' | 'creator-links-revoked' | 'turned-off';
/** Ended links are listed (and may be re-issued from the list) this long after they ended. */
export const RECENTLY_ENDED_DAYS = 30;

/**
 * How and when a link ended, if it has: what ended it first as far as the items tell (a revocation's
 * or kill switch's time, its last use noted, or its expiry); undefined while it works. `endedAt` is
 * absent only for a link whose creator's links were all revoked (no time is kept for that).
 */
export function linkEndOf(link: InviteLink, useCount: number, domain: Domain, now: Date): { endedBecause: LinkEnd; endedAt?: string } | undefined {
  const status = linkStatus(link, domain, now);
  if (status === 'ACTIVE' && !isUsedUp(link, useCount)) return undefined;
  if (status === 'REVOKED' || status === 'DISABLED') {
    const because = revokedReason(link, domain);
    const at = link.revokedAt ?? (because === 'all-deleted' ? domain.linksRevokedAt : because === 'turned-off' ? domain.linksDisabledAt : undefined);
    // Ended by its expiry before anything revoked it.
    if (at !== undefined && at > link.expiresAt) return { endedBecause: 'expired', endedAt: link.expiresAt };
    return { endedBecause: because, ...(at !== undefined ? { endedAt: at } : {}) };
  }
  if (isUsedUp(link, useCount)) return { endedBecause: 'used-up', endedAt: link.usedUpNotedAt ?? link.expiresAt };
  return { endedBecause: 'expired', endedAt: link.expiresAt };
}

/** A link with a use limit is used up once that many people joined through it. */
export const isUsedUp = (link: Pick<InviteLink, 'maxUses'>, useCount: number) => link.maxUses !== undefined && useCount >= link.maxUses;

/** Active means usable: working now, and with uses left. */
export const isUsable = (link: InviteLink, useCount: number, domain: Domain, now: Date) => linkStatus(link, domain, now) === 'ACTIVE' && !isUsedUp(link, useCount);

export function assertUsable(link: InviteLink, domain: Domain, now: Date): void {
  const status = linkStatus(link, domain, now);
  if (status === 'DISABLED') throw linksDisabled(domain.name);
  if (status === 'REVOKED') throw linkRevoked(revokedReason(link, domain), domain.name);
  if (status === 'EXPIRED') throw linkExpired(domain.name);
}

/** Until when every link of the domain is paused, if they are at `now` (a pause that has run out is none). */
export function linksPausedUntil(domain: Pick<Domain, 'linksPausedUntil'>, now: Date): string | undefined {
  const until = domain.linksPausedUntil;
  return until !== undefined && Date.parse(until) > now.getTime() ? until : undefined;
}

/** "Pause all links for `hours`": until when, from now. */
export const pausedUntilAfter = (hours: number, now: Date): string => new Date(now.getTime() + hours * 3_600_000).toISOString();

/**
 * A link that works may still be paused, which ends nothing: every link of the domain for a while
 * (said first, with until when), or this one until its creator or an admin resumes it.
 */
export function assertNotPaused(link: Pick<InviteLink, 'pausedAt'>, domain: Domain, now: Date): void {
  const until = linksPausedUntil(domain, now);
  if (until !== undefined) throw linksPaused(until, domain.name);
  if (link.pausedAt !== undefined) throw linkPaused(domain.name);
}

/** Its creator and the domain's admins re-issue a link, as they may revoke it. */
export function assertMayReissue(member: Pick<Membership, 'userId' | 'isAdmin'>, link: Pick<InviteLink, 'createdBy'>): void {
  if (link.createdBy !== member.userId && !member.isAdmin) throw forbidden('Only the link’s creator or an admin may re-issue it.');
}

/** A re-issued link lives as long as the one it replaces was made to (within the service's lifetime). */
export const lifetimeOf = (link: Pick<InviteLink, 'createdAt' | 'expiresAt'>, maxSeconds: number): number =>
  Math.min(maxSeconds, Math.max(1, Math.round((Date.parse(link.expiresAt) - Date.parse(link.createdAt)) / 1000)));

/** Just the grant of a link, an invitation or a request for one: what the person gets. */
export function pickGrant(source: LinkGrant): LinkGrant {
  return {
    userType: source.userType,
    ...(source.primaryTeamId !== undefined ? { primaryTeamId: source.primaryTeamId } : {}),
    ...(source.primaryGroupId !== undefined ? { primaryGroupId: source.primaryGroupId } : {}),
    additionalTeamIds: source.additionalTeamIds,
    roleGroupIds: source.roleGroupIds,
    groupIds: source.groupIds,
  };
}

/** The settings a re-issue carries over: the grant and the rules, never the token, times, uses or pause. */
export function settingsOf(link: InviteLink): {
  grant: LinkGrant;
  label?: string;
  maxUses?: number;
  allowedEmailDomains: string[];
  notifyCreator: boolean;
  requireApproval?: boolean;
  pauseAfter: PauseAfter | null;
  membershipDays?: number;
} {
  return {
    grant: pickGrant(link),
    ...(link.label !== undefined ? { label: link.label } : {}),
    ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}),
    allowedEmailDomains: link.allowedEmailDomains,
    notifyCreator: link.notifyCreator,
    ...(link.requireApproval ? { requireApproval: true } : {}),
    // Its own guard, or none: the domain's default of today does not replace what the link had.
    pauseAfter: link.pauseAfter ?? null,
    ...(link.membershipDays !== undefined ? { membershipDays: link.membershipDays } : {}),
  };
}

/** Its creator and the domain's admins resume a paused link, as they may revoke it. */
export function assertMayResume(member: Pick<Membership, 'userId' | 'isAdmin'>, link: Pick<InviteLink, 'createdBy'>): void {
  if (link.createdBy !== member.userId && !member.isAdmin) throw forbidden('Only the link’s creator or an admin may resume it.');
}

/** The guard a new link gets: the one its creator gave (null: none), else the domain's default, else none. */
export const pauseAfterFor = (asked: PauseAfter | null | undefined, domain: Pick<Domain, 'defaultPauseAfter'>): PauseAfter | undefined =>
  asked === null ? undefined : (asked ?? domain.defaultPauseAfter);

/**
 * What ended a link that no longer works although links are on: its own revocation, its creator's
 * generation, or the first domain-wide kill after it was made (a delete-all or a switch-off; the
 * domain keeps the latest of each, which names the right one unless both happened since).
 */
export function revokedReason(link: InviteLink, domain: Domain): 'revoked' | 'all-deleted' | 'creator-links-revoked' | 'turned-off' {
  if (link.revokedAt !== undefined) return 'revoked';
  if (link.generation === domain.linkGeneration) return 'creator-links-revoked';
  const after = (at: string | undefined) => (at !== undefined && at > link.createdAt ? at : undefined);
  const deleted = after(domain.linksRevokedAt);
  const off = after(domain.linksDisabledAt);
  return off !== undefined && (deleted === undefined || off < deleted) ? 'turned-off' : 'all-deleted';
}

/** How a member came in through a link, as their membership keeps it. */
export function joinedViaOf(link: InviteLink, at: string): JoinedVia {
  return { linkId: link.linkId, at, ...(link.label !== undefined ? { label: link.label } : {}), invitedBy: { userId: link.createdBy, email: link.createdByEmail } };
}

/** Every id a grant names must exist in the link's own domain; another domain's ids count as unknown. */
export function assertReferencesExist(grant: LinkGrant, directory: Directory): void {
  const teams = new Set(directory.teams.map((t) => t.id));
  const roleGroups = new Set(directory.roleGroups.map((g) => g.id));
  const groups = new Set(directory.groups.map((g) => g.id));
  const check = (field: string, ids: readonly string[], known: Set<string>) =>
    ids.forEach((id, i) => {
      if (!known.has(id)) throw unknownReference(`${field}[${i}]`, id);
    });
  if (grant.primaryTeamId !== undefined && !teams.has(grant.primaryTeamId)) {
    throw unknownReference('primaryTeamId', grant.primaryTeamId);
  }
  if (grant.primaryGroupId !== undefined && !groups.has(grant.primaryGroupId)) {
    throw unknownReference('primaryGroupId', grant.primaryGroupId);
  }
  check('additionalTeamIds', grant.additionalTeamIds, teams);
  check('roleGroupIds', grant.roleGroupIds, roleGroups);
  check('groupIds', grant.groupIds, groups);
}

/** The onboarding link: STANDARD users in the domain's default team, nothing else. */
export function onboardingGrant(domain: Domain): LinkGrant {
  return { userType: 'STANDARD', primaryTeamId: domain.defaultTeamId, additionalTeamIds: [], roleGroupIds: [], groupIds: [] };
}

/** The membership a grant produces, primary first, no id twice. */
export function membershipFromGrant(grant: LinkGrant): Pick<Membership, 'userType' | 'teamIds' | 'roleGroupIds' | 'groupIds' | 'primaryGroupId'> {
  const unique = (ids: (string | undefined)[]) => [...new Set(ids.filter((id): id is string => id !== undefined))];
  return {
    userType: grant.userType,
    teamIds: unique([grant.primaryTeamId, ...grant.additionalTeamIds]),
    roleGroupIds: unique(grant.roleGroupIds),
    groupIds: unique([grant.primaryGroupId, ...grant.groupIds]),
    ...(grant.primaryGroupId !== undefined ? { primaryGroupId: grant.primaryGroupId } : {}),
  };
}

/** How many joins use counter `shard` of `shards` may take, so that all of them together take exactly `maxUses`. */
export function capOf(shard: number, shards: number, maxUses: number): number {
  return Math.floor(maxUses / shards) + (shard < maxUses % shards ? 1 : 0);
}

/**
 * The email domains that may join through a link: the link's and the domain's lists together
 * (both must admit the email); empty means any.
 */
export function admittedEmailDomains(link: Pick<InviteLink, 'allowedEmailDomains'>, domain: Pick<Domain, 'allowedEmailDomains'>): string[] {
  const fromLink = link.allowedEmailDomains ?? [];
  const fromDomain = domain.allowedEmailDomains ?? [];
  if (fromLink.length === 0) return fromDomain;
  if (fromDomain.length === 0) return fromLink;
  return fromLink.filter((d) => fromDomain.includes(d));
}

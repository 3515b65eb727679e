/** How the product's records look in API responses (shapes in responses.ts). Tokens appear only in a freshly created link's url. */
import type * as z from 'zod/mini';
import type { InvitationStatus } from '../domain/invitation.ts';
import { linksPausedUntil, pickGrant } from '../domain/invite-link.ts';
import type { Domain, Invitation, InviteLink, JoinRequest, Membership } from '../domain/types.ts';
import type { invitation, inviteLink, joinRequest, linkSettings, member } from './responses.ts';

/**
 * Lists the pages show in name order, as `localeCompare` orders them. Names of letters, digits and
 * spaces alone (most team and group names) are ordered without it, in the same order: its first
 * call loads the ICU collator, about 20 ms of a cold start (bench/), for what a code-unit compare
 * of the case-swapped names decides alike (letters case-insensitively first, lower case first
 * among names that differ only in case). Any other name gets the collator.
 */
export const byName = <T extends { name: string }>(items: readonly T[]) =>
  [...items].sort(items.every((i) => PLAIN_NAME.test(i.name)) ? (a, b) => plainOrder(a.name, b.name) : (a, b) => a.name.localeCompare(b.name));

const PLAIN_NAME = /^[A-Za-z0-9 ]*$/;
const swapCase = (s: string) => s.replace(/[A-Za-z]/g, (c) => (c < 'a' ? c.toLowerCase() : c.toUpperCase()));
/** For names of PLAIN_NAME only: what `localeCompare` answers, as -1, 0 or 1. */
export function plainOrder(a: string, b: string): number {
  const [la, lb] = [a.toLowerCase(), b.toLowerCase()];
  if (la !== lb) return la < lb ? -1 : 1;
  const [sa, sb] = [swapCase(a), swapCase(b)];
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

export function inviteLinkView(link: InviteLink): z.output<typeof inviteLink> {
  return {
    id: link.linkId,
    expiresAt: link.expiresAt,
    userType: link.userType,
    ...(link.primaryTeamId !== undefined ? { primaryTeamId: link.primaryTeamId } : {}),
    ...(link.primaryGroupId !== undefined ? { primaryGroupId: link.primaryGroupId } : {}),
    additionalTeamIds: link.additionalTeamIds,
    roleGroupIds: link.roleGroupIds,
    groupIds: link.groupIds,
    onboarding: link.onboarding,
    createdBy: link.createdBy,
    createdByEmail: link.createdByEmail,
    createdAt: link.createdAt,
    ...(link.label !== undefined ? { label: link.label } : {}),
    ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}),
    allowedEmailDomains: link.allowedEmailDomains ?? [],
    notifyCreator: link.notifyCreator ?? true,
    requireApproval: link.requireApproval ?? false,
    ...(link.pauseAfter !== undefined ? { pauseAfter: link.pauseAfter } : {}),
    ...(link.pausedAt !== undefined ? { pausedAt: link.pausedAt } : {}),
    ...(link.membershipDays !== undefined ? { membershipDays: link.membershipDays } : {}),
  };
}

/** The domain's link settings as every settings answer gives them; a pause of all links only while it runs at `now`. */
export function linkSettingsView(domain: Domain, now: Date, maxLinkLifetimeSeconds: number): z.output<typeof linkSettings> {
  const pausedUntil = linksPausedUntil(domain, now);
  return {
    enabled: domain.linksEnabled,
    allowedEmailDomains: domain.allowedEmailDomains ?? [],
    maxLinkLifetimeSeconds,
    ...(domain.settingsUpdatedAt !== undefined ? { updatedAt: domain.settingsUpdatedAt } : {}),
    ...(domain.settingsUpdatedBy !== undefined ? { updatedBy: domain.settingsUpdatedBy } : {}),
    defaultPauseAfter: domain.defaultPauseAfter ?? null,
    ...(pausedUntil !== undefined ? { pausedUntil, ...(domain.linksPausedBy !== undefined ? { pausedBy: domain.linksPausedBy } : {}) } : {}),
  };
}

export function memberView(m: Membership): z.output<typeof member> {
  return {
    userId: m.userId,
    email: m.email,
    firstName: m.firstName,
    lastName: m.lastName,
    userType: m.userType,
    isAdmin: m.isAdmin,
    teamIds: m.teamIds,
    roleGroupIds: m.roleGroupIds,
    groupIds: m.groupIds,
    ...primaryOf(m),
    ...(m.joinedVia ? { joinedVia: m.joinedVia } : {}),
    ...(m.memberUntil !== undefined ? { memberUntil: m.memberUntil } : {}),
  };
}

/** A member's primary: the legacy group a link made primary while they still hold it, else their first team. */
export function primaryOf(m: Pick<Membership, 'teamIds' | 'groupIds' | 'primaryGroupId'>): { primaryTeamId?: string; primaryGroupId?: string } {
  if (m.primaryGroupId !== undefined && m.groupIds.includes(m.primaryGroupId)) return { primaryGroupId: m.primaryGroupId };
  return m.teamIds[0] !== undefined ? { primaryTeamId: m.teamIds[0] } : {};
}

/** An invitation as lists and resends show it: never its token or the token's hash. */
export function invitationView(i: Invitation, status: InvitationStatus): z.output<typeof invitation> {
  return {
    invitationId: i.invitationId,
    email: i.email,
    status,
    ...pickGrant(i),
    ...(i.message !== undefined ? { message: i.message } : {}),
    createdBy: i.createdBy,
    createdByEmail: i.createdByEmail,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    sendCount: i.sendCount,
    lastSentAt: i.lastSentAt,
  };
}

/** A join request as approvers see it; a pending one whose link no longer works says with which code. */
export function joinRequestView(r: JoinRequest, linkEnded?: LinkEndCode): z.output<typeof joinRequest> {
  return {
    requestId: r.requestId,
    status: r.status,
    linkId: r.linkId,
    ...(r.linkLabel !== undefined ? { linkLabel: r.linkLabel } : {}),
    linkCreatedBy: r.linkCreatedBy,
    email: r.email,
    firstName: r.firstName,
    lastName: r.lastName,
    userId: r.userId,
    requestedAt: r.requestedAt,
    ...(r.decidedAt !== undefined ? { decidedAt: r.decidedAt } : {}),
    ...(r.decidedBy !== undefined ? { decidedBy: r.decidedBy } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(linkEnded !== undefined ? { linkEnded } : {}),
  };
}
export type LinkEndCode = NonNullable<z.output<typeof joinRequest>['linkEnded']>;

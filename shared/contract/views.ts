/** How the product's records look in API responses (shapes in responses.ts). Tokens appear only in a freshly created link's url. */
import type * as z from 'zod/mini';
import type { InvitationStatus } from '../domain/invitation.ts';
import type { Invitation, InviteLink, Membership } from '../domain/types.ts';
import type { invitation, inviteLink, member } from './responses.ts';

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
    userType: i.userType,
    ...(i.primaryTeamId !== undefined ? { primaryTeamId: i.primaryTeamId } : {}),
    ...(i.primaryGroupId !== undefined ? { primaryGroupId: i.primaryGroupId } : {}),
    additionalTeamIds: i.additionalTeamIds,
    roleGroupIds: i.roleGroupIds,
    groupIds: i.groupIds,
    ...(i.message !== undefined ? { message: i.message } : {}),
    createdBy: i.createdBy,
    createdByEmail: i.createdByEmail,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    sendCount: i.sendCount,
    lastSentAt: i.lastSentAt,
  };
}

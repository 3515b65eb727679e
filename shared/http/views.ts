/** How the product's records look in API responses (shapes in responses.ts). Tokens appear only in a freshly created link's url. */
import type * as z from 'zod/mini';
import type { InviteLink, Membership } from '../domain/types.ts';
import type { inviteLink, member } from './responses.ts';

/** Lists the pages show in name order. */
export const byName = <T extends { name: string }>(items: readonly T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));

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

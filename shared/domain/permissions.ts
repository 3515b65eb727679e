/** Who may do what in a domain. Callers' memberships always come from the directory, never the request. */
import { forbidden, notFound } from './errors.ts';
import { assertReferencesExist } from './invite-link.ts';
import { INVITE_PERMISSION, USER_TYPES, type Directory, type LinkGrant, type Membership, type RoleGroup, type UserType } from './types.ts';

/** Permissions granted by the caller's role groups, plus everything for admins. */
export function permissionsOf(membership: Membership, roleGroups: readonly RoleGroup[]): string[] {
  const held = new Set(membership.roleGroupIds);
  const granted = new Set(roleGroups.filter((g) => held.has(g.id)).flatMap((g) => g.permissions));
  if (membership.isAdmin) granted.add(INVITE_PERMISSION);
  return [...granted].sort();
}

export function mayInvite(membership: Membership, roleGroups: readonly RoleGroup[]): boolean {
  return permissionsOf(membership, roleGroups).includes(INVITE_PERMISSION);
}

/** A caller who is not a member sees nothing of the domain: 404, not 403. */
export function requireMember(membership: Membership | undefined): Membership {
  if (!membership) throw notFound('The domain');
  return membership;
}

export function requireInviter(membership: Membership | undefined, roleGroups: readonly RoleGroup[]): Membership {
  const member = requireMember(membership);
  if (!mayInvite(member, roleGroups)) throw forbidden('You may not invite people to this domain.');
  return member;
}

export function rankOf(userType: UserType): number {
  return USER_TYPES.indexOf(userType);
}

/** May this creator hand out this user type? Admins may hand out any. */
export function mayGrantUserType(creator: Membership, userType: UserType): boolean {
  return creator.isAdmin || rankOf(userType) <= rankOf(creator.userType);
}

/** May this creator hand out this role group? Non-admins only the ones they hold. */
export function mayGrantRoleGroup(creator: Membership, roleGroupId: string): boolean {
  return creator.isAdmin || creator.roleGroupIds.includes(roleGroupId);
}

/** The role ceiling: nobody but an admin hands out more than they have. */
export function assertWithinCeiling(creator: Membership, grant: LinkGrant): void {
  if (!mayGrantUserType(creator, grant.userType)) {
    throw forbidden(`userType: you may not hand out ${grant.userType}, which is above your own (${creator.userType}).`);
  }
  const above = grant.roleGroupIds.find((id) => !mayGrantRoleGroup(creator, id));
  if (above !== undefined) throw forbidden(`roleGroupIds: you may not hand out role group "${above}", which you do not hold.`);
}

/** What a link or an invitation may hand out: within the creator's ceiling, and only ids of the domain's own directory. */
export function assertMayHandOut(creator: Membership, grant: LinkGrant, directory: Directory): void {
  assertWithinCeiling(creator, grant);
  assertReferencesExist(grant, directory);
}

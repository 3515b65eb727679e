/**
 * Editing and removing members (admins only): what the edit leaves, and whether it takes away
 * authority the member's links rely on. A link works only while its creator could still make it,
 * so an edit that shrinks what a member may hand out (or removes them) ends all their links: one
 * write, whatever the number of links, and no extra read on any join.
 */
import { invalidRequest } from './errors.ts';
import { assertReferencesExist } from './invite-link.ts';
import { MEMBERSHIP_LIMITS } from './limits.ts';
import { mayInvite, rankOf } from './permissions.ts';
import type { Directory, Membership, UserType } from './types.ts';

export interface MemberChange {
  userType?: UserType;
  teamIds?: string[];
  roleGroupIds?: string[];
  groupIds?: string[];
  isAdmin?: boolean;
  /** When the membership ends: an instant after `at` and within MEMBERSHIP_LIMITS.maxUntilYears; null: never. */
  memberUntil?: string | null;
}

const YEAR_MS = 365 * 86_400_000;

/** The membership's end as asked, in the service's form (UTC, milliseconds): after `at` and not too far ahead (400 naming memberUntil otherwise). */
export function memberUntilAsked(asked: string, at: string): string {
  const until = Date.parse(asked);
  if (!(until > Date.parse(at))) throw invalidRequest('memberUntil', 'must be in the future (or null, for a membership that does not end)');
  if (until > Date.parse(at) + MEMBERSHIP_LIMITS.maxUntilYears * YEAR_MS) throw invalidRequest('memberUntil', `must be within ${MEMBERSHIP_LIMITS.maxUntilYears} years from now`);
  return new Date(until).toISOString();
}

/** The membership after the change, as of `at`; ids must exist in the domain (422 otherwise). */
export function editedMember(before: Membership, change: MemberChange, directory: Directory, at: string = new Date().toISOString()): Membership {
  if (Object.values(change).every((v) => v === undefined)) throw invalidRequest('body', 'give at least one of userType, teamIds, roleGroupIds, groupIds, isAdmin, memberUntil');
  const { memberUntil: _before, ...rest } = before;
  const memberUntil = change.memberUntil === undefined ? before.memberUntil : change.memberUntil === null ? undefined : memberUntilAsked(change.memberUntil, at);
  assertReferencesExist(
    { userType: change.userType ?? before.userType, additionalTeamIds: change.teamIds ?? [], roleGroupIds: change.roleGroupIds ?? [], groupIds: change.groupIds ?? [] },
    directory,
  );
  return {
    ...rest,
    ...(memberUntil !== undefined ? { memberUntil } : {}),
    ...(change.userType !== undefined ? { userType: change.userType } : {}),
    ...(change.teamIds !== undefined ? { teamIds: [...new Set(change.teamIds)] } : {}),
    ...(change.roleGroupIds !== undefined ? { roleGroupIds: [...new Set(change.roleGroupIds)] } : {}),
    ...(change.groupIds !== undefined ? { groupIds: [...new Set(change.groupIds)] } : {}),
    ...(change.isAdmin !== undefined ? { isAdmin: change.isAdmin } : {}),
  };
}

/**
 * Whether links made by this member may no longer be within what they may hand out: they lose the
 * right to invite, or (not being an admin afterwards) a user type rank or a role group they had.
 */
export function authorityShrinks(before: Membership, after: Membership | undefined, directory: Directory): boolean {
  if (!after) return true;
  if (!mayInvite(after, directory.roleGroups)) return mayInvite(before, directory.roleGroups);
  if (after.isAdmin) return false;
  if (before.isAdmin) return true;
  if (rankOf(after.userType) < rankOf(before.userType)) return true;
  return before.roleGroupIds.some((id) => !after.roleGroupIds.includes(id));
}

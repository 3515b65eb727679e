/** The API's shapes as the pages use them (see /work/shared/contract.md), and how to show them. */

import type { UserType } from '../../../shared/domain/types.ts';
import type { inviteLinkView, memberView } from '../../../shared/http/views.ts';

// The API's own definitions, shared with the handlers: the pages never restate them.
export { INVITE_PERMISSION, USER_TYPES, type UserType } from '../../../shared/domain/types.ts';
import { INVITE_PERMISSION, USER_TYPES } from '../../../shared/domain/types.ts';

/** One entry of GET /v1/me's memberships. */
export interface Membership {
  domainId: string;
  domainName: string;
  userType: UserType;
  isAdmin: boolean;
  permissions: string[];
}
export interface Me {
  userId: string;
  email: string;
  memberships: Membership[];
}
export interface Team {
  id: string;
  name: string;
  isDefault: boolean;
}
export interface RoleGroup {
  id: string;
  name: string;
  assignable: boolean;
}
export interface Group {
  id: string;
  name: string;
}
export type Member = ReturnType<typeof memberView>;
export type InviteLink = ReturnType<typeof inviteLinkView> & { useCount?: number };
export interface CreatedLink extends InviteLink {
  url: string;
}
export interface LinkSettings {
  enabled: boolean;
  updatedAt?: string;
  updatedBy?: string;
}
export interface Items<T> {
  items: T[];
}

export const USER_TYPE_LABEL: Record<UserType, string> = { POWER: 'Power', STANDARD: 'Standard', BROWSE: 'Browse' };
export const USER_TYPE_HINT: Record<UserType, string> = {
  POWER: 'full access, can manage content',
  STANDARD: 'works with content',
  BROWSE: 'can look, not change',
};

export const mayInvite = (m: Membership) => m.isAdmin || m.permissions.includes(INVITE_PERMISSION);

/** The user types this member may hand out: admins any, others up to their own. */
export const grantableUserTypes = (m: Membership) => USER_TYPES.filter((t) => m.isAdmin || USER_TYPES.indexOf(t) <= USER_TYPES.indexOf(m.userType));

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
export const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

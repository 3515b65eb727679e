/** Who the caller is in a domain, read from the directory (never from the request). */
import { requireInviter, requireMember } from '../domain/permissions.ts';
import { notFound } from '../domain/errors.ts';
import type { LinkQuota } from '../domain/link-quota.ts';
import type { Directory, Membership } from '../domain/types.ts';
import type { Store } from '../store/store.ts';

export interface DomainAccess {
  member: Membership;
  directory: Directory;
}

/** Membership and directory (and, for making links, the caller's link quota) come in one request. */
async function load(store: Store, callerId: string, domainId: string, also: { linkQuota?: boolean } = {}) {
  const { membership, directory, linkQuota } = await store.getAccess(callerId, domainId, also);
  if (!directory) throw notFound('The domain');
  return { membership, directory, linkQuota };
}

export async function asMember(store: Store, callerId: string, domainId: string): Promise<DomainAccess> {
  const { membership, directory } = await load(store, callerId, domainId);
  return { member: requireMember(membership), directory };
}

export async function asInviter(store: Store, callerId: string, domainId: string, also: { linkQuota?: boolean } = {}): Promise<DomainAccess & { linkQuota?: LinkQuota }> {
  const { membership, directory, linkQuota } = await load(store, callerId, domainId, also);
  return { member: requireInviter(membership, directory.roleGroups), directory, linkQuota };
}

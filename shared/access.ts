/** Who the caller is in a domain, read from the directory (never from the request). */
import { requireInviter, requireMember } from './domain/permissions.ts';
import { notFound } from './domain/errors.ts';
import type { Directory, Membership } from './domain/types.ts';
import type { Store } from './store/store.ts';

export interface DomainAccess {
  member: Membership;
  directory: Directory;
}

/** Membership and directory come in one request. */
async function load(store: Store, callerId: string, domainId: string) {
  const { membership, directory } = await store.getAccess(callerId, domainId);
  if (!directory) throw notFound('The domain');
  return { membership, directory };
}

export async function asMember(store: Store, callerId: string, domainId: string): Promise<DomainAccess> {
  const { membership, directory } = await load(store, callerId, domainId);
  return { member: requireMember(membership), directory };
}

export async function asInviter(store: Store, callerId: string, domainId: string): Promise<DomainAccess> {
  const { membership, directory } = await load(store, callerId, domainId);
  return { member: requireInviter(membership, directory.roleGroups), directory };
}

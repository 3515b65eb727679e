/** A token whose link is no longer in the table: expired (TTL removed it; its expiry is remembered) or never a link. */
import { linkExpired, linkNotFound, type ServiceError } from '../domain/errors.ts';
import type { Store } from '../store/store.ts';

export async function goneLinkError(store: Store, linkId: string, now: Date): Promise<ServiceError> {
  const expiry = await store.getLinkExpiry(linkId);
  if (!expiry || Date.parse(expiry.expiresAt) > now.getTime()) return linkNotFound();
  const directory = await store.getDirectory(expiry.domainId);
  return linkExpired(directory?.domain.name);
}

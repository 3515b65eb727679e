/** Having a link's address again: who may, and when there is one worth having. */
import { forbidden, linkEndedForSharing, linkUsedUp, ServiceError } from './errors.ts';
import { assertUsable } from './invite-link.ts';
import type { Domain, InviteLink, Membership } from './types.ts';

/** Its creator and the domain's admins, as for revoking it; anyone else sees only that it exists. */
export function assertMayReveal(member: Membership, link: InviteLink): void {
  if (link.createdBy !== member.userId && !member.isAdmin) throw forbidden('Only the link’s creator or an admin may copy it.');
}

/** A link that no longer works answers with the code a joiner would get, worded for whoever would share it. */
export function assertStillShareable(link: InviteLink, useCount: number, domain: Domain, now: Date): void {
  try {
    assertUsable(link, domain, now);
    if (link.maxUses !== undefined && useCount >= link.maxUses) throw linkUsedUp(domain.name);
  } catch (error) {
    throw error instanceof ServiceError ? linkEndedForSharing(error) : error;
  }
}

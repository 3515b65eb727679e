/**
 * An invitation's email, once per sending (the first, then each resend): claimed, its sealed token
 * opened, sent to the invited address, and its outbox item deleted so no sealed token stays in the
 * table. The token goes into the email's link and nowhere else: no log, no claim, no error.
 */
import { linkPublicUrl } from '../../config.ts';
import { invitationStatus } from '../../domain/invitation.ts';
import type { Domain, Invitation, InvitationEmail } from '../../domain/types.ts';
import type { NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import type { TokenVault } from '../../store/token-vault.ts';
import { invitationEmail } from './invitation-email.ts';
import { sendOnce, type Composed } from './send-once.ts';

export interface InvitationDeps {
  store: Store;
  claims: NotificationClaims;
  vault: TokenVault;
  now: () => Date;
}

/** This sending still stands: why not, or undefined. A stale read is not a reason (the record is retried instead). */
export function notToSend(outbox: InvitationEmail, invitation: Invitation | undefined, domain: Domain | undefined, now: Date): string | undefined {
  if (!invitation || !domain) return 'the invitation or its domain no longer exists';
  if (invitation.sendCount < outbox.sendCount) throw new Error(`invitation ${outbox.invitationId} read before its sending ${outbox.sendCount}`);
  if (invitation.sendCount > outbox.sendCount) return 'a resend replaced this sending (its own email carries the new link)';
  const status = invitationStatus(invitation, domain, now);
  return status === 'pending' ? undefined : `the invitation is ${status}`;
}

export async function notifyInvitation(outbox: InvitationEmail, deps: InvitationDeps, log: Record<string, unknown>): Promise<void> {
  const { invitationId, domainId, sendCount } = outbox;
  const compose = async (): Promise<Composed> => {
    const [invitation, domain] = await Promise.all([deps.store.getInvitation(invitationId), deps.store.getDomain(domainId)]);
    const why = notToSend(outbox, invitation, domain, deps.now());
    if (why) return { none: why };
    // The sealed token must be the invitation's current one: its hash is what the invitation keeps.
    const token = await deps.vault.open(outbox.sealedToken, { domainId, linkId: invitationId }, invitation!.tokenHash);
    return { to: outbox.email, email: invitationEmail(outbox, linkPublicUrl(token)) };
  };
  await sendOnce(deps.claims, { invitationId, sendCount }, 'invitation email', compose, deps.now, log);
  // Settled (now or by an earlier attempt): the outbox item has done its work.
  await deps.claims.clearOutbox({ invitationId, sendCount });
}

/** Invitations by email in words: what became of each address, and why one was not invited. */
import { INVITATION_LIMITS } from '../../lib/model.ts';
import type { InvitationResult } from '../../lib/model.ts';

/** A refusal's code, in words, naming the domain where that helps. */
export function refusalWords(code: string | undefined, domainName: string): string {
  switch (code) {
    case 'EMAIL_DOMAIN_NOT_ALLOWED':
      return `${domainName} admits no emails at this address’s domain (Login Settings lists the ones it does).`;
    case 'REJOIN_BLOCKED':
      return `An admin removed this person from ${domainName}. An admin can allow them to rejoin on the Users page, then invite them again.`;
    case 'RECIPIENT_LIMIT':
      return `This address has been sent as many invitations today as it may get (${INVITATION_LIMITS.perRecipientPerDay} a day). Try again tomorrow.`;
    case 'INVITATION_QUOTA':
      return `You have sent as many invitations today as you may (${INVITATION_LIMITS.perCreatorPerDay} a day in ${domainName}). Try again tomorrow.`;
    case 'ALREADY_MEMBER':
      return `They are a member of ${domainName} already.`;
    default:
      return code ? `The service refused it (${code}).` : 'The service refused it.';
  }
}

/** What became of one address: a short word for the row, and the reason in words where it was not invited. */
export function resultWords(result: InvitationResult, domainName: string): { status: string; detail?: string } {
  switch (result.status) {
    case 'invited':
      return { status: 'Invited', detail: 'The email is on its way.' };
    case 'already-member':
      return { status: 'Already a member', detail: `Nothing sent: they are in ${domainName} already.` };
    case 'already-invited':
      return { status: 'Already invited', detail: 'Nothing sent: their invitation is still pending (Resend it below to send it again).' };
    case 'refused':
      return { status: 'Not invited', detail: refusalWords(result.code, domainName) };
  }
}

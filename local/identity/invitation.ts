/**
 * What the join page tells the provider about the invitation a sign-in is for, as extra
 * authorization parameters: the organisation's name and the email domains it admits, both of
 * which the join page already shows to anyone holding the link. The provider shows them on every
 * page of that sign-in and refuses an email outside them before sending a code. They are hints for
 * the person, not a rule the service relies on: the join itself checks the email again.
 */
import { emailDomainOf } from '#shared/domain/email.ts';
import { LINK_LIMITS } from '#shared/domain/limits.ts';
import { textFault } from '#shared/domain/text.ts';
import { emailDomain } from '#shared/domain/values.ts';

/** The authorization parameters' names; the pages learn them from /config.json (`invitationParams`). */
export const INVITATION_PARAMS = { organisation: 'invite_org', emailDomains: 'invite_email_domains' } as const;

export interface Invitation {
  organisation: string;
  /** Lower case; empty when any email may join. */
  emailDomains: string[];
}

const ORGANISATION_MAX_LENGTH = 100;

/** The invitation a sign-in's parameters describe, or undefined when they name none or are not well formed. */
export function invitationOf(params: Record<string, unknown>): Invitation | undefined {
  const organisation = params[INVITATION_PARAMS.organisation];
  if (typeof organisation !== 'string') return undefined;
  const name = organisation.normalize('NFC').trim();
  if (!name || name.length > ORGANISATION_MAX_LENGTH || textFault(name)) return undefined;
  const listed = params[INVITATION_PARAMS.emailDomains];
  const domains = typeof listed === 'string' ? listed.split(/[\s,]+/).filter(Boolean) : [];
  const parsed = domains.map((domain) => emailDomain.safeParse(domain));
  if (domains.length > LINK_LIMITS.maxEmailDomains || parsed.some((result) => !result.success)) return { organisation: name, emailDomains: [] };
  return { organisation: name, emailDomains: [...new Set(parsed.map((result) => result.data!))] };
}

/** "Joining Demo Media Co — use your @demo.test address": shown on every page, and as the refusal of another address. */
export function invitationSentence({ organisation, emailDomains }: Invitation): string {
  if (emailDomains.length === 0) return `Joining ${organisation}`;
  const atDomains = new Intl.ListFormat('en-GB', { type: 'disjunction' }).format(emailDomains.map((domain) => `@${domain}`));
  return `Joining ${organisation} — use your ${atDomains} address`;
}

/** Whether the invitation admits this (well-formed) email. */
export const admits = (invitation: Invitation | undefined, email: string) =>
  !invitation || invitation.emailDomains.length === 0 || invitation.emailDomains.includes(emailDomainOf(email));

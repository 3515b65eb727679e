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
const domainsIn = (listed: string) => listed.split(',').map((domain) => emailDomain.safeParse(domain));

/** What is wrong with one of these parameters as the authorization request carries it; undefined when nothing is (absent included). */
export function invitationParamFault(param: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (param === INVITATION_PARAMS.organisation) {
    const name = value.normalize('NFC').trim();
    if (!name || name.length > ORGANISATION_MAX_LENGTH || /[<>]/.test(name) || textFault(name)) return `${param} must be an organisation's name: 1 to ${ORGANISATION_MAX_LENGTH} characters of plain text`;
    return undefined;
  }
  const domains = domainsIn(value);
  if (domains.length > LINK_LIMITS.maxEmailDomains || domains.some((domain) => !domain.success)) return `${param} must be up to ${LINK_LIMITS.maxEmailDomains} email domains like example.com, separated by commas`;
  return undefined;
}

/** The invitation a sign-in's parameters describe (checked at the authorization endpoint), or undefined when they name none. */
export function invitationOf(params: Record<string, unknown>): Invitation | undefined {
  const organisation = params[INVITATION_PARAMS.organisation];
  const listed = params[INVITATION_PARAMS.emailDomains];
  if (typeof organisation !== 'string' || invitationParamFault(INVITATION_PARAMS.organisation, organisation)) return undefined;
  const domains = typeof listed === 'string' && !invitationParamFault(INVITATION_PARAMS.emailDomains, listed) ? domainsIn(listed) : [];
  return { organisation: organisation.normalize('NFC').trim(), emailDomains: [...new Set(domains.map((domain) => domain.data!))] };
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

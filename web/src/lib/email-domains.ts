/**
 * The allowed-email-domains input, shared by the invite modal and Login Settings: people type
 * "example.com, @Example.org" and the API gets ["example.com", "example.org"]. The rule is the
 * API's (exact domains, lower-case, at most 20), checked here first so mistakes show at the field.
 */
import { EMAIL_DOMAIN, LINK_LIMITS } from '../../../shared/domain/limits.ts';


export type ParsedDomains = { ok: true; domains: string[] } | { ok: false; problem: string };

/** Splits on commas, semicolons and spaces; a leading @ is dropped; repeats are kept once. */
export function parseEmailDomains(text: string, limit: number = LINK_LIMITS.maxEmailDomains): ParsedDomains {
  const domains: string[] = [];
  for (const raw of text.split(/[\s,;]+/).filter(Boolean)) {
    const domain = raw.replace(/^@/, '').toLowerCase();
    if (domain.includes('@')) return { ok: false, problem: `“${raw}” is an email address: enter only the part after the @, like ${domain.slice(domain.lastIndexOf('@') + 1) || 'example.com'}.` };
    if (domain.length > EMAIL_DOMAIN.maxLength || !EMAIL_DOMAIN.pattern.test(domain)) return { ok: false, problem: `“${raw}” is not an email domain. Enter domains like example.com.` };
    if (!domains.includes(domain)) domains.push(domain);
  }
  if (domains.length > limit) return { ok: false, problem: `Enter at most ${limit} domains (you entered ${domains.length}).` };
  return { ok: true, domains };
}

/** How a list is shown back in the input. */
export const formatEmailDomainsInput = (domains: string[]) => domains.join(', ');

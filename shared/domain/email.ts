/** Emails as the product compares them; no Node module, so the pages use the same rules. */

/** The part after the @, as the lists hold it: exact, lower-case, no sub-domains. */
export const emailDomainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The person's names from the ID token this tab signed in with, for the join form to offer. */

/**
 * The claims of an ID token this tab already checked when it signed in, read back for display
 * (the names on the join form). Never used to decide anything: the API checks the token itself.
 */
export function readIdTokenClaims(idToken: string | undefined): Record<string, unknown> {
  const payload = idToken?.split('.')[1];
  if (!payload) return {};
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** First and last name from ID token claims (`given_name`, `family_name`), '' when absent. */
export function namesFromClaims(claims: Record<string, unknown>): { firstName: string; lastName: string } {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  return { firstName: text(claims.given_name), lastName: text(claims.family_name) };
}

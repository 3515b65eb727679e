/**
 * The join page's link token. It lives only in the fragment of the link (never sent to a server in
 * a URL), is taken out of the address bar at once and kept in this tab's sessionStorage across the
 * trip to the identity provider, until the join uses it or the link turns out not to work.
 */

const TOKEN_KEY = 'invite-links.join-token';

/**
 * The token as the link meant it. Mail and chat tools mangle links: `#` sent as `%23` (so the
 * token arrives in the path), a sentence's "." or ")" or quote stuck to the end, spaces. A token
 * is base64url, so the first run of [A-Za-z0-9_-] after any percent-decoding is the token.
 */
function normaliseToken(raw: string): string {
  let text = raw;
  for (let i = 0; i < 3 && text.includes('%'); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  return /[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
}

/** `/join%23<token>` (and `%2523`, a `%` encoded again): the fragment that became part of the path. */
const MANGLED_PATH = /^\/join(?:\.html)?%(?:25)*23(.*)$/i;

/** Read once, then gone from the address bar (history, screenshots, shoulder-surfing); kept for this tab so a reload and the provider round trip still work. */
export function takeToken(): string | undefined {
  const fromPath = MANGLED_PATH.exec(location.pathname)?.[1] ?? '';
  const given = normaliseToken(location.hash.slice(1)) || normaliseToken(fromPath);
  if (location.hash || fromPath || location.pathname !== '/join') history.replaceState(null, '', `/join${location.search}`);
  if (given) sessionStorage.setItem(TOKEN_KEY, given);
  return given || (sessionStorage.getItem(TOKEN_KEY) ?? undefined);
}

/** The token this tab holds, as takeToken() left it. */
export const heldToken = (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined;

/** The join used the token, or the link no longer works: a reload must not offer it again. */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Where to go after signing in: a page on this origin, remembered in this tab across the trip to the provider. */

export const RETURN_TO_KEY = 'invite-links.return-to';

/** A path on this origin to go back to, or undefined: never another origin, never a protocol-relative or backslash trick, never /signin itself. */
export function sanitizeReturnTo(value: string | null | undefined, origin: string): string | undefined {
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return undefined;
  }
  if (url.origin !== origin || url.pathname === '/signin' || url.pathname === '/signin.html') return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Remembers the page to come back to after signing in (only a path on this origin). */
export function rememberReturnTo(path: string, origin: string, storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage): void {
  const safe = sanitizeReturnTo(path, origin);
  if (safe) storage.setItem(RETURN_TO_KEY, safe);
  else storage.removeItem(RETURN_TO_KEY);
}

/** The remembered page, once, or `/`. */
export function takeReturnTo(origin: string, storage: Pick<Storage, 'getItem' | 'removeItem'> = sessionStorage): string {
  const saved = storage.getItem(RETURN_TO_KEY);
  storage.removeItem(RETURN_TO_KEY);
  return sanitizeReturnTo(saved, origin) ?? '/';
}

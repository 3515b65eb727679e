/**
 * Which address opens which page, one definition: the local stack (local/pages.ts) and CloudFront's
 * viewer-request function (infra/constructs/web/edge-functions.ts) both route by it, so a mistyped
 * address, a clean URL or a mangled invite link gets the same answer on this machine and in AWS.
 */

/** Each page's clean address and the file the build writes for it; / and /users are both the Users page. */
export const PAGE_FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/users': 'users.html',
  '/home': 'home.html',
  '/requests': 'requests.html',
  '/activity': 'activity.html',
  '/settings': 'settings.html',
  '/signin': 'signin.html',
  '/join': 'join.html',
  '/api': 'api.html',
};

/** What a browser gets, with status 404, for an address no page has. */
export const NOT_FOUND_FILE = 'not-found.html';

/** Files beside the pages, by their own names: web/public's and the config.json the deployment writes. */
export const ROOT_FILES: readonly string[] = ['styles.css', 'favicon.svg', 'config.json', ...Object.values(PAGE_FILES)];

/** The built scripts and stylesheets, served by their own names. */
export const ASSETS_PREFIX = '/assets/';

/**
 * An invite link mangled by a mail or chat tool is still the join page, which finds the token in
 * its own address: `/JOIN` or `/Join/` (the `#token` stays in the fragment), `#` sent as `%23`
 * (`%2523` when encoded twice), or a raw `#` where something decoded it.
 */
export const JOIN_ADDRESS = /^\/join(?:\.html)?(?:\/*$|%(?:25)*23|#)/i;

/** An API client that asks for JSON keeps getting problem+json for an unknown address; a browser asks for text/html. */
export const JSON_ACCEPT = /application\/(?:[\w.-]+\+)?json/i;
export const HTML_ACCEPT = /text\/html/i;
export const wantsJson = (accept: string | undefined): boolean => JSON_ACCEPT.test(accept ?? '') && !HTML_ACCEPT.test(accept ?? '');

/** The file an address opens (relative to web/dist), or undefined when no page has that address. */
export function pageFile(path: string): string | undefined {
  if (JOIN_ADDRESS.test(path)) return PAGE_FILES['/join'];
  if (path.startsWith(ASSETS_PREFIX)) return path.slice(1);
  const page = PAGE_FILES[path.replace(/(.)\/+$/, '$1')];
  if (page) return page;
  return ROOT_FILES.includes(path.slice(1)) ? path.slice(1) : undefined;
}

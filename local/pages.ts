/**
 * The web pages on the local stack: web/dist, rebuilt when its sources changed, served with the
 * headers CloudFront adds in AWS. Only files the build produced can be served (an allowlist of
 * exact paths), so no request path ever reaches the file system.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, relative, sep } from 'node:path';
import { buildWeb, DIST_DIR, isStale, listFiles } from '../web/build.ts';
import { contentSecurityPolicy } from '../web/content-security-policy.ts';

const PAGE_HEADERS = {
  'content-security-policy': contentSecurityPolicy(),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

let ready: Promise<Map<string, string>> | undefined;
let checkedAt = 0;

/** The servable files by URL path, rebuilding first when web/dist is missing or stale (checked at most once a second). */
function servableFiles(): Promise<Map<string, string>> {
  if (!ready || Date.now() - checkedAt > 1_000) {
    const previous = ready;
    checkedAt = Date.now();
    ready = (async () => {
      if (await isStale()) await buildWeb();
      else if (previous) return previous;
      const files = new Map<string, string>();
      for (const file of await listFiles(DIST_DIR)) {
        const path = relative(DIST_DIR, file).split(sep).join('/');
        if (path.startsWith('.') || path.endsWith('.tmp') || path.includes('/.')) continue;
        files.set(`/${path}`, file);
        // Clean URLs, as CloudFront serves them: /join is join.html, / is index.html.
        if (path.endsWith('.html')) files.set(path === 'index.html' ? '/' : `/${path.slice(0, -'.html'.length)}`, file);
      }
      return files;
    })();
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}

/**
 * An invite link whose `#` a mail or chat tool sent as `%23` (`/join%23<token>`, or `%2523` when
 * encoded twice) is the join page, which finds the token in its own address. Such a path carries
 * the token, so it is matched here and never written anywhere.
 */
export const MANGLED_JOIN_PATH = /^\/join(?:\.html)?%(?:25)*23/i;

/** `config` is /config.json (web/page-config.ts): in AWS the CDK writes it beside the pages. */
export async function servePages(req: IncomingMessage, res: ServerResponse, config: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const requested = new URL(req.url ?? '/', 'http://localhost').pathname;
  const path = MANGLED_JOIN_PATH.test(requested) ? '/join' : requested;
  let body: Buffer | string;
  let type: string;
  if (path === '/config.json') {
    body = config;
    type = CONTENT_TYPES['.json']!;
  } else {
    const file = (await servableFiles()).get(path);
    if (!file) return false;
    body = await readFile(file);
    type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  }
  res.writeHead(200, { ...PAGE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

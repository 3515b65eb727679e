/**
 * The web pages on the local stack: web/dist, rebuilt when its sources changed, served with the
 * headers CloudFront adds in AWS and routed as CloudFront routes them (web/page-addresses.ts). Only
 * files the build produced can be served (an allowlist of exact paths), so no request path ever
 * reaches the file system. A browser asking for an address no page has gets the not-found page.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, relative, sep } from 'node:path';
import { buildWeb, DIST_DIR, isStale, listFiles } from '../web/build.ts';
import { contentSecurityPolicy } from '../web/content-security-policy.ts';
import { NOT_FOUND_FILE, pageFile, wantsJson } from '../web/page-addresses.ts';

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

/** The servable files by their path in web/dist, rebuilding first when web/dist is missing or stale (checked at most once a second). */
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
        files.set(path, file);
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
 * `config` is /config.json (web/page-config.ts): in AWS the CDK writes it beside the pages. An
 * address no page has is left to the front door's problem+json under /v1/ and for clients asking
 * for JSON; a browser gets the not-found page, status 404.
 */
export async function servePages(req: IncomingMessage, res: ServerResponse, config: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path.startsWith('/v1/')) return false;
  const wanted = pageFile(path);
  if (wanted === 'config.json') return answer(req, res, 200, config, CONTENT_TYPES['.json']!);
  const files = await servableFiles();
  const file = wanted === undefined ? undefined : files.get(wanted);
  if (file) return answer(req, res, 200, await readFile(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  const notFound = files.get(NOT_FOUND_FILE);
  if (!notFound || wantsJson(req.headers.accept)) return false;
  return answer(req, res, 404, await readFile(notFound), CONTENT_TYPES['.html']!);
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer | string, type: string): true {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

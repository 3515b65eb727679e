/** The pages and their config.json, served with the headers CloudFront adds in AWS (local/pages.ts here). */
import type { PageConfig } from '../../web/page-config.ts';
import { pass, type SmokeCheck } from './check.ts';
import { CheckFailed, described, expectProblem, request, type Reply } from './http.ts';

/** The headers every page is sent with, by CloudFront in AWS and by local/pages.ts here. */
function expectPageHeaders(reply: Reply, https: boolean): void {
  const header = (name: string) => reply.headers.get(name) ?? '';
  const missing = [
    !/default-src 'self'/.test(header('content-security-policy')) && 'Content-Security-Policy',
    header('x-content-type-options') !== 'nosniff' && 'X-Content-Type-Options: nosniff',
    header('referrer-policy') !== 'no-referrer' && 'Referrer-Policy: no-referrer',
    header('x-frame-options').toUpperCase() !== 'DENY' && 'X-Frame-Options: DENY',
    https && !header('strict-transport-security') && 'Strict-Transport-Security',
  ].filter(Boolean);
  if (missing.length > 0) throw new CheckFailed(`${new URL(reply.url).pathname} lacks ${missing.join(', ')}`);
}

export const pages: SmokeCheck = {
  name: 'the pages are served with their security headers',
  async run(context) {
    const { target } = context;
    const paths = ['/', '/join', '/signin'];
    for (const path of paths) {
      const reply = await request(`${target.webUrl}${path}`);
      if (reply.status !== 200 || !reply.headers.get('content-type')?.startsWith('text/html')) throw new CheckFailed(`${path}: expected 200 text/html, got ${described(reply)}`);
      expectPageHeaders(reply, target.webUrl.startsWith('https:'));
      context.pagePolicy = reply.headers.get('content-security-policy')!;
    }
    return pass(`${paths.join(', ')}: HTML with CSP, nosniff, no-referrer, DENY${target.webUrl.startsWith('https:') ? ', HSTS' : ''}`);
  },
};

export const pageConfig: SmokeCheck = {
  name: 'config.json is served and names the identity provider',
  async run(context) {
    const reply = await request(`${context.target.webUrl}/config.json`);
    const config = reply.json as Partial<PageConfig> | undefined;
    if (reply.status !== 200 || typeof config !== 'object') throw new CheckFailed(`expected 200 JSON, got ${described(reply)}`);
    const provider = config.identityProvider;
    if (typeof provider?.issuer !== 'string' || !/^https?:\/\//.test(provider.issuer) || typeof provider.clientId !== 'string' || provider.clientId === '') {
      throw new CheckFailed(`identityProvider needs an issuer URL and a clientId, got ${JSON.stringify(provider ?? null).slice(0, 160)}`);
    }
    expectPageHeaders(reply, context.target.webUrl.startsWith('https:'));
    context.config = config as PageConfig;
    return pass(`issuer ${provider.issuer}, client ${provider.clientId}`);
  },
};

/** An address no page has, as people mistype it: the not-found page's own example (docs/pages.md). */
const MISTYPED = '/login';

export const notFound: SmokeCheck = {
  name: 'a mistyped address answers 404: the not-found page to a browser, problem+json to a JSON client',
  async run({ target }) {
    const url = `${target.webUrl}${MISTYPED}`;
    // A browser: the not-found page, decided before S3 (CloudFront's page function, local/pages.ts here), with the pages' headers.
    const page = await request(url, { headers: { accept: 'text/html' } });
    if (page.status !== 404 || !page.headers.get('content-type')?.startsWith('text/html') || !/<title>Page not found\b/.test(page.text)) {
      throw new CheckFailed(`${MISTYPED} with Accept: text/html: expected 404 text/html, the not-found page, got ${described(page)}`);
    }
    expectPageHeaders(page, target.webUrl.startsWith('https:'));
    // An API client: the API's 404 problem+json, never the page.
    const problem = await request(url, { headers: { accept: 'application/json' } });
    try {
      expectProblem(problem, 404, 'NOT_FOUND');
    } catch (error) {
      throw new CheckFailed(`${MISTYPED} with Accept: application/json: ${(error as Error).message}`);
    }
    return pass(`${MISTYPED}: 404 not-found page with the pages' headers for text/html, 404 NOT_FOUND problem+json for application/json`);
  },
};

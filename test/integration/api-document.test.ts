/** GET /v1/openapi.json: public, and exactly the checked-in document. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useStack } from '../support/stack.ts';

const t = useStack({ notifier: false, eventsFeed: false });

describe('the API document', () => {
  it('is served to anyone at GET /v1/openapi.json, as checked in at docs/openapi.json', async () => {
    const res = await t.anonymous.get('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual(JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')));
  });

  it('carries the same security headers as the routes built on the shared handler stack', async () => {
    const securityHeaders = (headers: Headers) =>
      Object.fromEntries([...headers].filter(([name]) => !['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'etag', 'retry-after'].includes(name)));
    const [document, other] = await Promise.all([t.anonymous.get('/v1/openapi.json'), t.anonymous.post('/v1/join/lookup', { token: 'x'.repeat(43) })]);
    expect(Object.keys(securityHeaders(document.headers)).length).toBeGreaterThan(10);
    expect(securityHeaders(document.headers)).toEqual(securityHeaders(other.headers));
  });

  it('refuses, as every route does, a request that did not come through CloudFront when a secret is set', async () => {
    process.env.ORIGIN_VERIFY_SECRET = 'a-secret-for-this-case-only';
    vi.resetModules();
    try {
      const { handler } = await import('../../functions/get-openapi.ts');
      const refused = await handler({ headers: { 'x-origin-verify': 'guess' } } as never);
      expect(refused.statusCode).toBe(403);
      expect(JSON.parse(refused.body!)).toMatchObject({ code: 'FORBIDDEN' });
      const served = await handler({ headers: { 'X-Origin-Verify': 'a-secret-for-this-case-only' } } as never);
      expect(served.statusCode).toBe(200);
    } finally {
      delete process.env.ORIGIN_VERIFY_SECRET;
    }
  });
});

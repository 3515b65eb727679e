/**
 * `npm run smoke` against the local stack, as an operator runs it against `npm start`: every
 * check passes, but the one with no local counterpart (a direct call to the API origin), which is
 * skipped for that reason. And mistakes they exist to catch: an edge that drops Authorization, and
 * one whose error pages turn every 404, the API's included, into the not-found page.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_LOCAL_ORIGIN, runSmoke, SMOKE_CHECKS } from '../../ops/smoke/checks.ts';
import { notFound } from '../../ops/smoke/pages.ts';
import { main } from '../../ops/smoke.ts';
import { useStack } from '../support/stack.ts';

const t = useStack({ notifier: false, eventsFeed: false });

async function smoke(...argv: string[]) {
  const out: string[] = [];
  const status = await main(argv, { out: (line) => out.push(line), err: (line) => out.push(line) });
  return { status, lines: out };
}

describe('npm run smoke passes against the local stack', () => {
  it('every check passes, the direct-origin check is skipped: there is no origin behind the front door', async () => {
    const results = await runSmoke({ webUrl: t.stack.url, local: true, source: t.stack.url });
    expect(results.map((r) => r.name)).toEqual(SMOKE_CHECKS.map((c) => c.name));
    for (const result of results) {
      if (result.name === 'a direct call to the API origin gets nowhere') expect(result).toMatchObject({ outcome: 'skip', detail: NO_LOCAL_ORIGIN });
      else expect(result, result.detail).toMatchObject({ outcome: 'pass' });
    }
  });

  it('from the command line, with a base URL: one line per check, exit 0', async () => {
    const { status, lines } = await smoke(t.stack.url);
    expect(status).toBe(0);
    expect(lines[0]).toBe(`Smoke checks of ${t.stack.url} (${t.stack.url})`);
    expect(lines.slice(1, -1)).toHaveLength(SMOKE_CHECKS.length);
    expect(lines).toContain(`SKIP  a direct call to the API origin gets nowhere (skipped: ${NO_LOCAL_ORIGIN})`);
    expect(lines).toContain('PASS  Authorization reaches the API (a bogus token gets API Gateway\'s own 401): 401 {"message":"Unauthorized"} from the JWT authorizer');
    expect(lines.at(-1)).toBe(`${SMOKE_CHECKS.length - 1} passed, 1 skipped, 0 failed`);
  });

  it('a mistyped address: the not-found page (404 HTML) to a browser, 404 problem+json to a JSON client', async () => {
    const [result] = await runSmoke({ webUrl: t.stack.url, local: true, source: t.stack.url }, [notFound]);
    expect(result).toEqual({
      name: notFound.name,
      outcome: 'pass',
      detail: "/login: 404 not-found page with the pages' headers for text/html, 404 NOT_FOUND problem+json for application/json",
    });
    // What the check asked, seen here too: the same address, two answers by Accept.
    const page = await fetch(`${t.stack.url}/login`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Page not found');
    const problem = await fetch(`${t.stack.url}/login`, { headers: { accept: 'application/json' } });
    expect(problem.status).toBe(404);
    expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await problem.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('from the command line, with an outputs file naming the stack', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'smoke-')), 'cdk-outputs.json');
    writeFileSync(file, JSON.stringify({ InviteLinksEdge: { WebAclArn: 'arn:x' }, InviteLinks: { WebUrl: `${t.stack.url}/`, TableName: t.stack.tableName } }));
    const { status, lines } = await smoke(file);
    expect(status).toBe(0);
    expect(lines[0]).toBe(`Smoke checks of ${t.stack.url} (${file}, stack InviteLinks)`);
  });
});

describe('an edge that drops the Authorization header is caught', () => {
  let edge: Server;
  let edgeUrl: string;

  beforeAll(async () => {
    // Forwards everything to the front door but the Authorization header, as a misconfigured origin request policy would.
    edge = createServer((req, res) => {
      const { authorization: _dropped, ...headers } = req.headers;
      const upstream = httpRequest(`${t.stack.url}${req.url}`, { method: req.method, headers: { ...headers, host: new URL(t.stack.url).host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    edgeUrl = `http://localhost:${(edge.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => edge.close(() => resolve())));

  it('a bogus token then looks like no token at all, and the check says why', async () => {
    const results = await runSmoke({ webUrl: edgeUrl, local: true, source: edgeUrl }, SMOKE_CHECKS.filter((c) => /Authorization|missing token/.test(c.name)));
    expect(results[0]).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('the header does not reach the API') });
    expect(results[1]).toMatchObject({ outcome: 'pass' });
    const { status } = await smoke(edgeUrl);
    expect(status).toBe(1);
  });
});

describe('an edge whose error pages answer every 404 with the not-found page is caught', () => {
  let edge: Server;
  let edgeUrl: string;

  beforeAll(async () => {
    // A distribution's custom error response (404 → /not-found.html, 404), as the page function exists to avoid: API clients get HTML too.
    edge = createServer((req, res) => {
      const upstream = httpRequest(`${t.stack.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(t.stack.url).host } }, (answer) => {
        if (answer.statusCode !== 404) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          return void answer.pipe(res);
        }
        answer.resume();
        void fetch(`${t.stack.url}/no-such-page`, { headers: { accept: 'text/html' } })
          .then(async (page) => res.writeHead(404, Object.fromEntries(page.headers)).end(await page.text()))
          .catch(() => res.writeHead(502).end());
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    edgeUrl = `http://localhost:${(edge.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => edge.close(() => resolve())));

  it('the browser still gets the page, and the check fails on the JSON client that got it too', async () => {
    const [result] = await runSmoke({ webUrl: edgeUrl, local: true, source: edgeUrl }, [notFound]);
    expect(result).toMatchObject({ outcome: 'fail', detail: expect.stringMatching(/^\/login with Accept: application\/json: expected 404 application\/problem\+json NOT_FOUND, got 404 text\/html/) });
  });
});

/**
 * `npm run smoke` against the local stack, as an operator runs it against `npm start`: every
 * check passes, but the one with no local counterpart (a direct call to the API origin), which is
 * skipped for that reason. And the mistake it exists to catch: an edge that drops Authorization.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_LOCAL_ORIGIN, runSmoke, SMOKE_CHECKS } from '../../ops/smoke/checks.ts';
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

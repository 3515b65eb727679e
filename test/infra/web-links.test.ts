/**
 * The pages' addresses in AWS: CloudFront's function on the pages serves each page at its clean
 * URL, join.html for invite links mail and chat tools mangled (`/join%23<token>`, `/JOIN`, `/Join/`),
 * so S3 never answers 403 for a key that does not exist and the token-bearing path never reaches S3,
 * and a not-found page with status 404 for any other address, while a client asking for JSON gets
 * the API's problem+json. The local stack routes by the same table (web/page-addresses.ts).
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATH_PATTERN } from '../../infra/constructs/web.ts';
import { PROBLEM_CONTENT_TYPE } from '../../shared/contract/problems.ts';
import { ServiceError } from '../../shared/domain/errors.ts';
import { problemResponse } from '../../shared/http/problem.ts';
import { buildWeb } from '../../web/build.ts';
import { NOT_FOUND_FILE, pageFile } from '../../web/page-addresses.ts';
import { synthesize, type Synthesized } from './synth.ts';

const TOKEN = 'Abc_def-0123456789Abc_def-0123456789Abc_de0';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

type Edge = { uri?: string; statusCode?: number; statusDescription?: string; headers?: Record<string, { value: string }>; body?: { encoding: string; data: string } };
type EdgeEvent = { context?: { eventType: string }; request: { method: string; uri: string; headers: Record<string, { value: string }> }; response?: Edge };

let s: Synthesized;
let handler: (event: EdgeEvent) => Edge;
let functionId: string;

const viewerRequest = (uri: string, accept = BROWSER): EdgeEvent => ({
  context: { eventType: 'viewer-request' },
  request: { method: 'GET', uri, headers: accept ? { accept: { value: accept } } : {} },
});
const rewrite = (uri: string) => handler(viewerRequest(uri)).uri;
/** What the viewer gets after S3 answered 200 for the file the request was given. */
const viewerResponse = (uri: string, statusCode = 200) =>
  handler({ context: { eventType: 'viewer-response' }, request: { method: 'GET', uri, headers: {} }, response: { statusCode, statusDescription: 'OK', headers: {} } });

beforeAll(() => {
  s = synthesize();
  const functions = Object.entries(s.template.findResources('AWS::CloudFront::Function'));
  const found = functions.find(([, f]) => {
    const code = String(f.Properties.FunctionCode);
    return code.includes('join.html') && !code.includes('ROUTES');
  });
  if (!found) throw new Error('no page routing function in the template');
  functionId = found[0];
  handler = runInNewContext(`${found[1].Properties.FunctionCode}; handler`) as typeof handler;
});

describe('the pages distribution, for invite links mangled on the way', () => {
  it('serves join.html for a link whose # arrived as %23, whatever follows the token', () => {
    for (const uri of [`/join%23${TOKEN}`, `/join%23${TOKEN}.`, `/join%23${TOKEN})`, `/join%23${TOKEN}%20`, `/JOIN%23${TOKEN}`, `/join.html%23${TOKEN}`]) {
      expect(rewrite(uri), uri).toBe('/join.html');
    }
  });

  it('serves join.html when the % was encoded again (%2523) or the # arrived as is', () => {
    expect(rewrite(`/join%2523${TOKEN}`)).toBe('/join.html');
    expect(rewrite(`/join#${TOKEN}`)).toBe('/join.html');
  });

  it('serves join.html for /join in another case or with a trailing slash (the token stays in the fragment)', () => {
    for (const uri of ['/JOIN', '/Join', '/Join/', '/JOIN//', '/join/', '/Join.html']) expect(rewrite(uri), uri).toBe('/join.html');
    expect(viewerResponse('/JOIN').statusCode).toBe(200);
  });
});

describe('the pages distribution, for every other address', () => {
  it('serves each page at its clean URL, with or without a trailing slash, and the built files by name', () => {
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/join')).toBe('/join.html');
    expect(rewrite('/home')).toBe('/home.html');
    expect(rewrite('/home/')).toBe('/home.html');
    expect(rewrite('/users')).toBe('/users.html');
    expect(rewrite('/api')).toBe('/api.html');
    expect(rewrite('/users.html')).toBe('/users.html');
    expect(rewrite('/assets/join.js')).toBe('/assets/join.js');
    expect(rewrite('/styles.css')).toBe('/styles.css');
    expect(rewrite('/config.json')).toBe('/config.json');
  });

  it('serves the not-found page for an address no page has, and it goes out as 404, never cached', () => {
    for (const uri of ['/login', '/Users', '/HOME', '/joiners', '/home/x', '/app.js', '/.env', '/not-found', `/joim%23${TOKEN}`]) {
      expect(rewrite(uri), uri).toBe(`/${NOT_FOUND_FILE}`);
      const answer = viewerResponse(uri);
      expect(answer.statusCode, uri).toBe(404);
      expect(answer.headers?.['cache-control'], uri).toEqual({ value: 'no-store' });
    }
    // Whether CloudFront hands the response function the address as asked or as rewritten, the answer is the same.
    expect(viewerResponse(`/${NOT_FOUND_FILE}`).statusCode).toBe(404);
    for (const uri of ['/', '/home', '/home.html', '/assets/join.js']) expect(viewerResponse(uri).statusCode, uri).toBe(200);
    expect(viewerResponse('/login', 304).statusCode).toBe(304);
  });

  it('gives a client asking for JSON the 404 problem+json the API gives, with no token from the path in it', () => {
    for (const accept of ['application/json', 'application/problem+json', 'application/json, */*']) {
      const answer = handler(viewerRequest(`/joim%23${TOKEN}`, accept));
      const expected = problemResponse(new ServiceError('NotFound', 'No route for GET at this path. The operations are listed at /v1/openapi.json.'));
      expect(answer.statusCode, accept).toBe(404);
      expect(answer.body, accept).toEqual({ encoding: 'text', data: expected.body });
      expect(answer.headers?.['content-type']).toEqual({ value: PROBLEM_CONTENT_TYPE });
      expect(answer.headers?.['cache-control']).toEqual({ value: 'no-store' });
    }
    // A browser that also accepts JSON, or a client that names nothing, still gets the page.
    expect(handler(viewerRequest('/login', 'text/html, application/json')).uri).toBe(`/${NOT_FOUND_FILE}`);
    expect(handler(viewerRequest('/login', '')).uri).toBe(`/${NOT_FOUND_FILE}`);
  });

  it('routes every address as the local stack does (the same table, web/page-addresses.ts)', () => {
    const addresses = ['/', '/users', '/users/', '/Users', '/login', '/JOIN', '/Join/', `/join%23${TOKEN}`, '/api', '/assets/api.css', '/favicon.svg', '/not-found.html', '/v2', '/index.html'];
    for (const uri of addresses) expect(rewrite(uri), uri).toBe(`/${pageFile(uri) ?? NOT_FOUND_FILE}`);
  });
});

describe('what the build writes and what CloudFront serves', () => {
  let dist: string;
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'invite-links-pages-'));
    await buildWeb(dist, { sourceMaps: 'external' });
  });
  afterAll(() => rm(dist, { recursive: true, force: true }));

  it('serves every file the build writes (source maps stay behind), and the not-found page only as a 404', () => {
    const built = readdirSync(dist, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.endsWith('.map'))
      .map((e) => relative(dist, join(e.parentPath, e.name)).split(sep).join('/'));
    expect(built).toContain(NOT_FOUND_FILE);
    for (const file of built.filter((f) => f !== NOT_FOUND_FILE)) expect(rewrite(`/${file}`), file).toBe(`/${file}`);
    for (const page of built.filter((f) => f.endsWith('.html') && f !== 'index.html' && f !== NOT_FOUND_FILE)) {
      expect(rewrite(`/${page.slice(0, -'.html'.length)}`), page).toBe(`/${page}`);
    }
  });
});

describe('where the function runs', () => {
  it('runs on every viewer request and response of the pages (the default behaviour), and never on the API', () => {
    const association = (EventType: string) => ({ EventType, FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } });
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ FunctionAssociations: [association('viewer-request'), association('viewer-response')] }),
      }),
    });
    const [distribution] = Object.values(s.template.findResources('AWS::CloudFront::Distribution'));
    const api = (distribution!.Properties.DistributionConfig.CacheBehaviors as { PathPattern: string; FunctionAssociations: { FunctionARN: unknown }[] }[]).find((b) => b.PathPattern === API_PATH_PATTERN)!;
    expect(api.FunctionAssociations.map((a) => a.FunctionARN)).not.toContainEqual({ 'Fn::GetAtt': [functionId, 'FunctionARN'] });
  });

  it('leaves the API\'s errors alone: no error page of the distribution replaces a body', () => {
    const [distribution] = Object.values(s.template.findResources('AWS::CloudFront::Distribution'));
    for (const response of distribution!.Properties.DistributionConfig.CustomErrorResponses as Record<string, unknown>[]) {
      expect(response).not.toHaveProperty('ResponsePagePath');
      expect(response).not.toHaveProperty('ResponseCode');
    }
  });

  it('fits CloudFront Functions\' 10 KB', () => {
    const [, fn] = Object.entries(s.template.findResources('AWS::CloudFront::Function')).find(([id]) => id === functionId)!;
    expect(Buffer.byteLength(String(fn.Properties.FunctionCode))).toBeLessThan(10 * 1024);
  });

  it('keeps no standard access logs, where the token in such a path would be written', () => {
    const [distribution] = Object.values(s.template.findResources('AWS::CloudFront::Distribution'));
    expect(distribution!.Properties.DistributionConfig.Logging).toBeUndefined();
  });
});

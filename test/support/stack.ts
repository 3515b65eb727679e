/**
 * A test file's own copy of the service: a fresh table on the shared DynamoDB Local, seeded with
 * the demo data, behind its own front door. Steps below talk to it over HTTP only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { testIam } from './iam.ts';
import { assertDocumented } from './openapi-check.ts';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestStack {
  stack: LocalStack;
  db: DynamoDBDocumentClient;
  sesEndpoint: string;
  /** A token from the local identity provider; an unknown email gets a verified identity (with these names). */
  tokenFor(email: string, names?: { givenName?: string; familyName?: string }): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** A signed-in caller: `as('owner@demo.test').post(path, body)`. */
  as(email: string): Caller;
  anonymous: Caller;
}

export interface Caller {
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  put(path: string, body?: unknown): Promise<Reply>;
  patch(path: string, body?: unknown): Promise<Reply>;
  delete(path: string): Promise<Reply>;
}

/** No limit a test would reach. */
const UNLIMITED = { requests: 100_000, windowSeconds: 60 };

/** Registers beforeAll/afterAll for the calling test file and returns the stack once started. */
export function useStack(options: Partial<LocalStackOptions> = {}): TestStack {
  const handle = {} as TestStack;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    const stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      sesEndpoint: inject('sesEndpoint'),
      tableName: `test-${randomUUID()}`,
      iam: testIam(),
      // Every test is one client (127.0.0.1) doing the work of many people; flood.test.ts and local-stack-guards.test.ts test the limits themselves.
      clientLimits: { public: { perAddress: UNLIMITED }, join: { perAddress: UNLIMITED, perPerson: UNLIMITED } },
      ...options,
      signIn: { ...options.signIn, rules: { perClient: { requests: 100_000, windowSeconds: 60 }, ...options.signIn?.rules } },
    });
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS }));
    const request: TestStack['request'] = async (method, path, { token, body, rawBody, headers = {} } = {}) => {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      assertDocumented(method, path, res.status, res.headers.get('content-type'), parsed);
      return { status: res.status, headers: res.headers, body: parsed };
    };
    const tokenFor = async (email: string, names: { givenName?: string; familyName?: string } = {}) => {
      if (!tokens.has(email)) {
        const res = await request('POST', '/local/token', { body: { email, ...names }, headers: { 'x-local-token-secret': stack.localTokenSecret } });
        if (res.status !== 200) throw new Error(`no token for ${email}: ${JSON.stringify(res.body)}`);
        tokens.set(email, res.body.token);
      }
      return tokens.get(email)!;
    };
    const caller = (token: () => Promise<string | undefined>): Caller => ({
      get: async (path) => request('GET', path, { token: await token() }),
      post: async (path, body) => request('POST', path, { token: await token(), body }),
      put: async (path, body) => request('PUT', path, { token: await token(), body }),
      patch: async (path, body) => request('PATCH', path, { token: await token(), body }),
      delete: async (path) => request('DELETE', path, { token: await token() }),
    });
    Object.assign(handle, {
      stack,
      db,
      sesEndpoint: inject('sesEndpoint'),
      tokenFor,
      request,
      as: (email: string) => caller(() => tokenFor(email)),
      anonymous: caller(async () => undefined),
    });
  });
  afterAll(async () => {
    await handle.stack?.stop();
    handle.db?.destroy();
  });
  return handle;
}

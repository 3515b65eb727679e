/**
 * A test file's own copy of the service: a fresh table on the shared DynamoDB Local, seeded with
 * the demo data, behind its own front door, with a local SES of its own (its emails only, so a
 * file late in the run reads no more of them than the first). Its tables are deleted when the file
 * is done, so DynamoDB Local does not grow through the run. Steps below talk to it over HTTP only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';
import { freePort, LOCAL_AWS, startSesLocal, type Service } from '../../local/services.ts';
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

/** The stack's table and the ones beside it (its events, its identities). */
export async function dropTables(db: DynamoDBDocumentClient, prefix: string): Promise<void> {
  const { TableNames = [] } = await db.send(new ListTablesCommand({ Limit: 100, ExclusiveStartTableName: prefix.slice(0, -1) }));
  await Promise.all(TableNames.filter((name) => name.startsWith(prefix)).map((TableName) => db.send(new DeleteTableCommand({ TableName }))));
}

/** No limit a test would reach. */
const UNLIMITED = { requests: 100_000, windowSeconds: 60 };

/** Registers beforeAll/afterAll for the calling test file and returns the stack once started. */
export function useStack(options: Partial<LocalStackOptions> = {}): TestStack {
  const handle = {} as TestStack;
  const tokens = new Map<string, string>();
  let ses: Service | undefined;
  beforeAll(async () => {
    ses = options.sesEndpoint ? undefined : await startSesLocal(await freePort());
    const sesEndpoint = options.sesEndpoint ?? ses!.endpoint;
    const stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      sesEndpoint,
      tableName: `test-${randomUUID()}`,
      iam: testIam(),
      // Every test is one client (127.0.0.1) doing the work of many people; flood.test.ts and local-stack-guards.test.ts test the limits themselves.
      clientLimits: { public: { perAddress: UNLIMITED }, join: { perAddress: UNLIMITED, perPerson: UNLIMITED } },
      // A loaded machine makes any request slow; Lambda's 10 s would turn that into a failure the service did not cause.
      functionTimeoutMs: 120_000,
      // The sweep Queries its 8 partitions every second (about 7 % of a core of DynamoDB Local per stack): only the files about timers run it.
      timerSweep: false,
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
      sesEndpoint,
      tokenFor,
      request,
      as: (email: string) => caller(() => tokenFor(email)),
      anonymous: caller(async () => undefined),
    });
  });
  afterAll(async () => {
    await handle.stack?.stop();
    await ses?.stop();
    if (handle.stack) await dropTables(handle.db, handle.stack.tableName);
    handle.db?.destroy();
  });
  return handle;
}

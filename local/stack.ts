/**
 * The service itself on one machine: table created and seeded, the dev issuer, the front door
 * with the real handler modules. `npm start` and the tests both run it; they differ only in who
 * started DynamoDB Local and SES.
 */
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeEmail } from '#shared/domain/invite-link.ts';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { DEMO_MEMBERSHIPS, DEMO_USERS } from './demo-data.ts';
import { createDevIssuer, type DevIssuer } from './dev-issuer.ts';
import { send, startFrontDoor } from './front-door.ts';
import { servePages } from './pages.ts';
import { startStreamReader, type StreamReader, type StreamReaderOptions } from './stream-reader.ts';
import { LOCAL_AWS } from './services.ts';
import { ensureTable, seedDemoData } from './table.ts';

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port: number;
  dynamoEndpoint: string;
  sesEndpoint: string;
  tableName: string;
  /** Where the dev issuer keeps its key; undefined keeps it in memory. */
  dataDir?: string;
  publicBaseUrl?: string;
  linkTtlSeconds?: number;
  throttle?: { rateLimit: number; burstLimit: number };
  /** The stream-fed notifier; false leaves it off, an object tunes the reader (tests shorten its retry waits). */
  notifier?: false | Pick<StreamReaderOptions, 'pollIntervalMs' | 'retryDelayMs'>;
}

export interface LocalStack {
  url: string;
  port: number;
  tableName: string;
  streamArn: string;
  issuer: DevIssuer;
  /** Reads the table's stream into functions/notify-signup.ts; undefined when started with `notifier: false`. */
  notifier?: StreamReader;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  Object.assign(process.env, {
    TABLE_NAME: options.tableName,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
    AWS_ENDPOINT_URL_SES: options.sesEndpoint,
    NOTIFY_FROM: process.env.NOTIFY_FROM ?? 'invite-links@localhost.test',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...(options.linkTtlSeconds !== undefined ? { INVITE_LINK_TTL_SECONDS: String(options.linkTtlSeconds) } : {}),
  });
  const client = new DynamoDBClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS });
  const db = DynamoDBDocumentClient.from(client);
  const { streamArn } = await ensureTable(client, options.tableName);
  await seedDemoData(db, options.tableName);

  const issuer = await createDevIssuer(options.dataDir ? join(options.dataDir, 'dev-issuer-key.json') : undefined);
  const frontDoor = await startFrontDoor({
    port: options.port,
    issuer,
    throttle: options.throttle,
    fallback: async (req, res, body) => (await devSignIn(req, res, body, db, options.tableName, issuer)) || servePages(req, res),
  });
  const url = `http://localhost:${frontDoor.port}`;
  process.env.PUBLIC_BASE_URL = options.publicBaseUrl ?? url;
  const notifier =
    options.notifier === false
      ? undefined
      : await startStreamReader({
          streamArn,
          dynamoEndpoint: options.dynamoEndpoint,
          tableName: options.tableName,
          dlqFile: options.dataDir ? join(options.dataDir, 'notifier-dlq.jsonl') : undefined,
          ...options.notifier,
        });

  return {
    url,
    port: frontDoor.port,
    tableName: options.tableName,
    streamArn,
    issuer,
    notifier,
    stop: async () => {
      await notifier?.stop();
      await frontDoor.close();
      client.destroy();
    },
  };
}

/** Local only: mint a token for an existing user, and list the demo users for the sign-in page. */
async function devSignIn(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  db: DynamoDBDocumentClient,
  tableName: string,
  issuer: DevIssuer,
): Promise<boolean> {
  const json = (statusCode: number, payload: unknown) =>
    send(res, { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(payload) });
  if (req.method === 'GET' && req.url === '/local/demo-users') {
    json(200, {
      items: DEMO_USERS.map((u) => ({
        email: u.email,
        name: `${u.firstName} ${u.lastName}`,
        memberships: DEMO_MEMBERSHIPS.filter((m) => m.userId === u.userId).map((m) => ({ domainId: m.domainId, userType: m.userType, isAdmin: m.isAdmin })),
      })),
    });
    return true;
  }
  if (req.method === 'POST' && req.url === '/local/token') {
    let email: unknown;
    try {
      email = (JSON.parse(body.toString('utf8')) as { email?: unknown }).email;
    } catch {
      email = undefined;
    }
    if (typeof email !== 'string' || email.length > 254) {
      json(400, { code: 'INVALID_REQUEST', field: 'email', detail: 'email: send {"email": "..."}' });
      return true;
    }
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.emailOwner(normalizeEmail(email)) }));
    if (!Item) {
      json(404, { code: 'NOT_FOUND', field: 'email', detail: `email: no user ${email} on this local stack` });
      return true;
    }
    json(200, { token: await issuer.sign({ sub: Item.userId as string, email: normalizeEmail(email) }) });
    return true;
  }
  return false;
}

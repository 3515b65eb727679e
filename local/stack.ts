/**
 * The service itself on one machine: table created and seeded, the identity provider, the front
 * door with the real handler modules. `npm start` and the tests both run it; they differ only in
 * who started DynamoDB Local and SES.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEMO_USERS } from './demo-data.ts';
import { startIdentityProvider, MOUNT_PATH, type LocalIdentityProvider, type SignInSettings } from './identity/provider.ts';
import { emulateTransactionConflicts } from './conflict-emulation.ts';
import { jwtAuthorizer } from './jwt-authorizer.ts';
import { startFrontDoor, type FrontDoorOptions } from './front-door.ts';
import { localToken } from './local-token.ts';
import { newLocalTokenSecret, removeLocalTokenSecret, writeLocalTokenSecret } from './local-token-secret.ts';
import { servePages } from './pages.ts';
import { startStreamReader, type StreamReader, type StreamReaderOptions } from './stream-reader.ts';
import { STREAM_CONSUMERS } from './stream-consumers.ts';
import { EVENT_BUS_PATH, startLocalEventBus, type LocalEventBus, type LocalEventBusOptions } from './event-bus.ts';
import type { IamEmulation } from './iam/emulation.ts';
import { prepareIam, type IamSetting } from './iam/enforce.ts';
import { LOCAL_AWS, LOCAL_SENDER } from './services.ts';
import { completeShards, ensureTable, seedDemoData } from './table.ts';

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port: number;
  dynamoEndpoint: string;
  sesEndpoint: string;
  tableName: string;
  /** Where the identity provider keeps its keys; undefined keeps them in memory. */
  dataDir?: string;
  publicBaseUrl?: string;
  linkTtlSeconds?: number;
  throttle?: { rateLimit: number; burstLimit: number };
  clientLimits?: FrontDoorOptions['clientLimits'];
  /** The stream-fed notifier; false leaves it off, an object tunes the reader (tests shorten its retry waits). */
  notifier?: false | Pick<StreamReaderOptions, 'pollIntervalMs' | 'retryDelayMs'>;
  /** The events feed's reader, tuned like the notifier's (false leaves events off). */
  eventsFeed?: false | Pick<StreamReaderOptions, 'pollIntervalMs' | 'retryDelayMs'>;
  /** Where every event is also POSTed (EVENT_WEBHOOK_URL), and how hard it is tried. */
  eventWebhookUrl?: string;
  webhookDelivery?: LocalEventBusOptions['delivery'];
  /** IAM as AWS applies it to each function's role (docs/iam-emulation.md); false leaves it off, as IAM_EMULATION=off does. */
  iam?: false | IamSetting;
  /** The identity provider's sign-in guards and their clock (local/identity/sign-in-rules.ts). */
  signIn?: SignInSettings;
  /** Where to leave this start's `/local/token` secret for `npm run token` (local/local-token.ts); undefined keeps it in memory. */
  localTokenSecretFile?: string;
}

export interface LocalStack {
  url: string;
  port: number;
  tableName: string;
  streamArn: string;
  identityProvider: LocalIdentityProvider;
  /** Reads the table's stream into functions/notify-signup.ts; undefined when started with `notifier: false`. */
  notifier?: StreamReader;
  /** Reads the table's stream into functions/publish-events.ts, which puts the events on `eventBus`. */
  eventsFeed?: StreamReader;
  eventBus: LocalEventBus;
  /** How its functions' AWS calls are authorized (IAM_EMULATION); the bench invokes handlers through it too. */
  iam: IamEmulation;
  /** What `POST /local/token` wants in `X-Local-Token-Secret`: new at each start. */
  localTokenSecret: string;
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
    NOTIFY_FROM: process.env.NOTIFY_FROM ?? LOCAL_SENDER,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...(options.linkTtlSeconds !== undefined ? { INVITE_LINK_TTL_SECONDS: String(options.linkTtlSeconds) } : {}),
  });
  const iamSetting = prepareIam(options.iam, process.env.NOTIFY_FROM!);
  // DynamoDB Local never cancels a transaction for a conflict; AWS does. The handlers' client, and
  // the stack's own, fail here the way they would there (docs/conflict-emulation.md).
  emulateTransactionConflicts((await import('#shared/store/dynamodb/client.ts')).dynamoDb);
  const client = emulateTransactionConflicts(new DynamoDBClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS }));
  const db = DynamoDBDocumentClient.from(client);
  const { streamArn } = await ensureTable(client, options.tableName);
  await seedDemoData(db, options.tableName);
  // Local data from an earlier layout gets the gates and counters it lacks before anyone joins.
  await completeShards(db, options.tableName);

  const eventBus = await startLocalEventBus({
    client,
    db,
    tableName: `${options.tableName}-events`,
    busName: `${options.tableName}-events`,
    webhookUrl: options.eventWebhookUrl,
    delivery: options.webhookDelivery,
  });
  // Every AWS call a function makes from here on is authorized against its role in the synthesized template.
  const iam = await iamSetting.enforce({ tableName: options.tableName, streamArn, busName: eventBus.busName });
  let identityProvider!: LocalIdentityProvider;
  const localTokenSecret = newLocalTokenSecret();
  if (options.localTokenSecretFile) writeLocalTokenSecret(options.localTokenSecretFile, localTokenSecret);
  const frontDoor = await startFrontDoor({
    port: options.port,
    iam,
    throttle: options.throttle,
    clientLimits: options.clientLimits,
    configure: async (origin) => {
      process.env.PUBLIC_BASE_URL = options.publicBaseUrl ?? origin;
      // The events feed's EventBridge client talks to the local bus, as it would to the real one.
      process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = `${origin}${EVENT_BUS_PATH}`;
      process.env.EVENT_BUS_NAME = eventBus.busName;
      identityProvider = await startIdentityProvider({
        origin,
        client,
        db,
        serviceTable: options.tableName,
        keyFile: options.dataDir ? join(options.dataDir, 'identity-provider-keys.json') : undefined,
        seed: DEMO_USERS.map((u) => ({ sub: u.userId, email: u.email, givenName: u.firstName, familyName: u.lastName })),
        signIn: options.signIn,
      });
      const pageConfig = JSON.stringify({ apiBaseUrl: '', identityProvider: identityProvider.pageConfig });
      return {
        authorizer: jwtAuthorizer({ issuer: identityProvider.issuer, audience: [identityProvider.clientId] }),
        mounts: [{ prefix: MOUNT_PATH, handle: identityProvider.handle, clientLimit: identityProvider.clientLimit }],
        fallback: async (req, res, body) =>
          (await eventBus.handle(req, res, body)) || (await localToken(req, res, body, identityProvider, localTokenSecret)) || servePages(req, res, pageConfig),
      };
    },
  });
  const url = `http://localhost:${frontDoor.port}`;
  const reader = (consumer: (typeof STREAM_CONSUMERS)[keyof typeof STREAM_CONSUMERS], tuning: Pick<StreamReaderOptions, 'pollIntervalMs' | 'retryDelayMs'> | undefined, dlqName: string) =>
    startStreamReader({
      streamArn,
      dynamoEndpoint: options.dynamoEndpoint,
      tableName: options.tableName,
      consumer,
      dlqFile: options.dataDir ? join(options.dataDir, dlqName) : undefined,
      iam,
      ...tuning,
    });
  const notifier = options.notifier === false ? undefined : await reader(STREAM_CONSUMERS.notifier, options.notifier, 'notifier-dlq.jsonl');
  const eventsFeed = options.eventsFeed === false ? undefined : await reader(STREAM_CONSUMERS.eventsFeed, options.eventsFeed, 'events-dlq.jsonl');

  return {
    url,
    port: frontDoor.port,
    tableName: options.tableName,
    streamArn,
    identityProvider,
    notifier,
    eventsFeed,
    eventBus,
    iam,
    localTokenSecret,
    stop: async () => {
      await Promise.all([notifier?.stop(), eventsFeed?.stop()]);
      await eventBus.stop();
      await frontDoor.close();
      client.destroy();
      if (options.localTokenSecretFile) removeLocalTokenSecret(options.localTokenSecretFile, localTokenSecret);
    },
  };
}

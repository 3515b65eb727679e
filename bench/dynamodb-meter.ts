/**
 * Counts what the service asks of DynamoDB, as the SDK itself sees it: one entry per request
 * sent, with the capacity DynamoDB reports (ReturnConsumedCapacity: TOTAL is added to each call).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Reading {
  requests: number;
  /** Sequential waves of requests: parallel requests share one round trip. */
  roundTrips: number;
  commands: string[];
  readUnits: number;
  writeUnits: number;
  /** The part of writeUnits spent in transactions: AWS bills these twice, DynamoDB Local reports them once. */
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
    if (command.startsWith('TransactWrite')) reading.transactionalWriteUnits += writes;
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

/**
 * The running local stack throttles one partition key past 1,000 write units a second, as AWS
 * does, through the client every handler shares. The emulation's one-second window reads a clock
 * this file holds still, so the burst lands in one second however slow the machine is.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/store/dynamodb/client.ts';
import { itemKb, resetThroughput, throughputStats } from '../../local/throughput-emulation.ts';
import { useStack } from '../support/stack.ts';

let clock = 0;
const t = useStack({ throughput: { now: () => clock } });

/** Items of 10 KB (10 write units each): 110 of them ask one partition key for 1,100 units, with few enough requests for DynamoDB Local to answer in a second or two. */
const ITEM_KB = 10;
const BURST = 110;

function item(pk: string): Record<string, string> {
  const item = { PK: pk, SK: randomUUID(), entityType: 'ThroughputProbe', pad: '' };
  item.pad = 'x'.repeat(ITEM_KB * 1024 - Buffer.byteLength(JSON.stringify(item)) - 100);
  return item;
}

/** Sends every item at once through the handlers' client; how many attempts each took (the SDK retries a throttle), and whether it was written in the end. */
async function burst(items: Record<string, string>[]): Promise<{ attempts: number; written: boolean }[]> {
  const answers = await Promise.allSettled(items.map((Item) => dynamoDb.send(new PutCommand({ TableName: t.stack.tableName, Item }))));
  return answers.map((a) =>
    a.status === 'fulfilled'
      ? { attempts: a.value.$metadata.attempts ?? 1, written: true }
      : { attempts: (a.reason as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1, written: (a.reason as Error).name !== 'ThrottlingException' && expect.fail(String(a.reason)) },
  );
}

describe('one partition key past 1,000 write units in a second', () => {
  it('110 writes of 10 KB at once to one partition key: 10 are throttled (the SDK retries them), while the same burst spread over keys all passes at once', async () => {
    const pk = `PROBE#${randomUUID()}`;
    const hot = Array.from({ length: BURST }, () => item(pk));
    expect(new Set(hot.map(itemKb))).toEqual(new Set([ITEM_KB]));
    resetThroughput();
    clock = 1_000_000;

    // The second rolls on once every first attempt has been weighed, so the SDK's retries get through.
    const hotAttempts = burst(hot);
    await expect.poll(() => throughputStats().throttled.TableWriteKeyRangeThroughputExceeded ?? 0).toBeGreaterThanOrEqual(10);
    clock += 1000;
    const hotResults = await hotAttempts;
    expect(hotResults.filter((r) => r.attempts > 1)).toHaveLength(10);
    expect(hotResults.reduce((sum, r) => sum + r.attempts - (r.written ? 1 : 0), 0)).toBe(throughputStats().throttled.TableWriteKeyRangeThroughputExceeded);

    resetThroughput();
    clock += 1000;
    const spread = await burst(Array.from({ length: BURST }, () => item(`PROBE#${randomUUID()}`)));
    expect(spread.filter((r) => r.attempts > 1 || !r.written)).toHaveLength(0);
    expect(throughputStats().throttled).toEqual({});
  }, 30_000);
});

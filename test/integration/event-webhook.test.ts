/** EVENT_WEBHOOK_URL gets every event once, across a failing webhook and a restart of the stack; a replayed stream batch keeps its eventIds. */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { BusEvent } from '../../local/event-bus.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';
import { activityItems } from '../support/activity-items.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';
import { testIam } from '../support/iam.ts';
import { DEMO_DOMAIN, linksPath, OWNER } from '../support/steps.ts';

/** A webhook that answers 503 while `failing`, and keeps every body it accepted. */
async function startWebhook() {
  const accepted: BusEvent[] = [];
  let refused = 0;
  const hook = { failing: true, accepted, refused: () => refused, url: '', server: undefined as unknown as Server };
  hook.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hook.failing) {
        refused += 1;
        res.writeHead(503).end();
        return;
      }
      accepted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as BusEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hook`;
  return hook;
}

const stacks: LocalStack[] = [];
afterAll(async () => {
  await Promise.allSettled(stacks.map((s) => s.stop()));
});
// One port and one table for every stack of this file, one stack at a time: the functions' clients,
// made once per process like a Lambda's, keep the bus address and table they were made with.
let port = 0;
const tableName = `test-${randomUUID()}`;

async function stackWith(options: Partial<LocalStackOptions> = {}) {
  await Promise.allSettled(stacks.map((s) => s.stop()));
  const stack = await startLocalStack({
    port,
    dynamoEndpoint: inject('dynamoEndpoint'),
    sesEndpoint: inject('sesEndpoint'),
    notifier: false,
    webhookDelivery: { delayMs: () => 100, maxAttempts: 1_000 },
    iam: testIam(),
    ...options,
    tableName,
  });
  stacks.push(stack);
  port = stack.port;
  return stack;
}

async function createLinks(stack: LocalStack, n: number) {
  const { token } = (await (
    await fetch(`${stack.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-local-token-secret': stack.localTokenSecret }, body: JSON.stringify({ email: OWNER }) })
  ).json()) as { token: string };
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${stack.url}${linksPath()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userType: 'STANDARD', primaryTeamId: 'producers' }),
    });
    expect(res.status).toBe(201);
  }
}

describe('the event webhook', () => {
  it('receives every event once, in order, though it fails for a while and the stack restarts in between', async () => {
    const hook = await startWebhook();
    const first = await stackWith({ eventWebhookUrl: hook.url });
    await createLinks(first, 3);
    // The webhook refuses while the events are published; the stack stops with them undelivered.
    await eventually(() => first.eventBus.events(), (e) => e.length === 3, 10_000);
    await eventually(async () => hook.refused(), (n) => n >= 2, 10_000);
    await first.stop();

    hook.failing = false;
    const second = await stackWith({ eventWebhookUrl: hook.url });
    await createLinks(second, 2);
    const onBus = await eventually(() => second.eventBus.events(), (e) => e.length === 5, 10_000);
    await eventually(async () => hook.accepted.length, (n) => n >= 5, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(hook.accepted.map((e) => e.detail.eventId)).toEqual(onBus.map((e) => e.detail.eventId));
    expect(new Set(hook.accepted.map((e) => e.detail.eventId)).size).toBe(5);
    assertEventSchemas(hook.accepted);
    expect(await second.eventBus.deadLetters()).toEqual([]);
    hook.server.close();
  });

  it('gives an event up as a dead letter after its bounded tries, and goes on with the next', async () => {
    const hook = await startWebhook();
    const stack = await stackWith({ eventWebhookUrl: hook.url, webhookDelivery: { delayMs: () => 50, maxAttempts: 3 } });
    await createLinks(stack, 1);
    const dead = await eventually(() => stack.eventBus.deadLetters(), (d) => d.length === 1, 10_000);
    expect(dead[0]).toMatchObject({ attempts: 3, lastError: 'HTTP 503', event: { 'detail-type': 'InviteLinkCreated' } });
    hook.failing = false;
    await createLinks(stack, 1);
    await eventually(async () => hook.accepted.length, (n) => n === 1, 10_000);
    expect(hook.accepted[0]!.detail.eventId).not.toBe(dead[0]!.event.detail.eventId);
    hook.server.close();
  });
});

describe('a replayed stream batch', () => {
  it('publishes the same eventIds again, so consumers can drop the repeats', async () => {
    const stack = await stackWith({ eventsFeed: false });
    const before = (await stack.eventBus.events()).length;
    await createLinks(stack, 2);
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS }));
    const Items = (await activityItems(db, stack.tableName, DEMO_DOMAIN)).slice(0, 2).reverse();
    const batch: DynamoDBStreamEvent = {
      Records: Items.map((item, i) => ({
        eventID: `replay-${i}`,
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        awsRegion: 'local',
        dynamodb: { SequenceNumber: String(100 + i), NewImage: marshall(item) as never, StreamViewType: 'NEW_IMAGE' },
      })),
    };
    const { handler } = await import('#functions/publish-events.ts');
    expect((await handler(batch)).batchItemFailures).toEqual([]);
    expect((await handler(batch)).batchItemFailures).toEqual([]);
    const events = (await stack.eventBus.events()).slice(before);
    expect(events).toHaveLength(4);
    // Records of one batch are published in parallel: compare without order.
    const details = (list: BusEvent[]) => list.map((e) => e.detail).sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
    expect(details(events.slice(2))).toEqual(details(events.slice(0, 2)));
    expect(new Set(events.map((e) => e.detail.eventId))).toEqual(new Set(Items.map((i) => i.eventId)));
    db.destroy();
  });
});

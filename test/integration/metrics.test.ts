/**
 * What an operator can count, read the way the local stack serves it (GET /local/metrics): every
 * function's EMF metrics, as CloudWatch would total them, after a join, a refusal and a BUSY.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoDb } from '../../shared/store/dynamodb/client.ts';
import { DIMENSIONS, METRIC, NAMESPACE, SERVICE_NAME } from '../../shared/observability/names.ts';
import type { LocalMetric } from '../../local/metrics.ts';
import { useStack } from '../support/stack.ts';
import { newPerson, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack();

/** The total of one metric of one function (and error code) as served now. */
async function total(name: string, fn: string, code?: string): Promise<number> {
  const { status, body } = await t.request('GET', '/local/metrics');
  expect(status).toBe(200);
  const dimensions = { [DIMENSIONS.service]: SERVICE_NAME, [DIMENSIONS.function]: fn, ...(code ? { [DIMENSIONS.code]: code } : {}) };
  const found = (body.metrics as LocalMetric[]).find((m) => m.namespace === NAMESPACE && m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(dimensions));
  return found?.sum ?? 0;
}

/** Each metric's total before `act`, to compare with after: the file's cases share one stack. */
async function counted(metrics: [name: string, fn: string, code?: string][], act: () => Promise<unknown>) {
  const before = await Promise.all(metrics.map((m) => total(...m)));
  await act();
  return async () => (await Promise.all(metrics.map((m) => total(...m)))).map((after, i) => after - before[i]!);
}

describe('a join', () => {
  it('counts a request and a join, then two emails sent and the MemberJoined event published', async () => {
    const published = await total(METRIC.eventsPublished, 'publish-events');
    const { token } = await when(t).linkToken(OWNER);
    // The link's own event first, so that the one counted below is the join's.
    await vi.waitFor(async () => expect(await total(METRIC.eventsPublished, 'publish-events')).toBe(published + 1), { timeout: 15_000, interval: 200 });
    const delta = await counted(
      [
        [METRIC.requests, 'join'],
        [METRIC.joins, 'join'],
        [METRIC.emailsSent, 'notify-signup'],
        [METRIC.eventsPublished, 'publish-events'],
      ],
      async () => expect((await when(t).join(token)).status).toBe(201),
    );
    const [requests, joins] = await delta();
    expect([requests, joins]).toEqual([1, 1]);
    // The stream's readers run after the answer, as they do in AWS.
    await vi.waitFor(async () => expect((await delta()).slice(2)).toEqual([2, 1]), { timeout: 15_000, interval: 200 });
  });
});

describe('a refusal', () => {
  it('is counted by its code, on the function that answered it, and is not a 5xx', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const person = newPerson('twice');
    expect((await when(t).join(token, person)).status).toBe(201);
    const delta = await counted(
      [
        [METRIC.requests, 'join'],
        [METRIC.problems, 'join', 'ALREADY_MEMBER'],
        [METRIC.problems, 'lookup-invite-link', 'LINK_NOT_FOUND'],
        [METRIC.serverErrors, 'join'],
        [METRIC.joins, 'join'],
      ],
      async () => {
        // Someone in the domain already, who did not come through this link (the same person again would be answered 200).
        expect((await when(t).join(token, { email: VIEWER, firstName: 'Vera', lastName: 'Viewer' })).body.code).toBe('ALREADY_MEMBER');
        expect((await when(t).lookup('x'.repeat(43))).body.code).toBe('LINK_NOT_FOUND');
      },
    );
    expect(await delta()).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('a BUSY', () => {
  it('counts every conflict the join met, each retry but the last, and the 503 as BUSY and as a 5xx', async () => {
    const { token } = await when(t).linkToken(OWNER);
    // Every transaction collides while this is on, as under a storm no retry outlasts.
    const colliding = 'test-every-transaction-collides';
    dynamoDb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        const actions = (args.input as { TransactItems: unknown[] }).TransactItems;
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: actions.map(() => ({ Code: 'TransactionConflict' })),
        });
      },
      { step: 'initialize', name: colliding },
    );
    let delta: Awaited<ReturnType<typeof counted>>;
    try {
      delta = await counted(
        [
          [METRIC.problems, 'join', 'BUSY'],
          [METRIC.serverErrors, 'join'],
          [METRIC.conflicts, 'join'],
          [METRIC.conflictRetries, 'join'],
          [METRIC.joins, 'join'],
        ],
        async () => expect((await when(t).join(token)).status).toBe(503),
      );
    } finally {
      dynamoDb.middlewareStack.remove(colliding);
    }
    const [busy, serverErrors, conflicts, retries, joins] = await delta();
    expect([busy, serverErrors, joins]).toEqual([1, 1, 0]);
    expect(conflicts).toBeGreaterThan(1);
    expect(retries).toBe(conflicts! - 1);
  });
});

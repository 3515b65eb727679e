/**
 * The kill switches under a flood of joins: the domain takes the change first, then every gate
 * (shared/store/dynamodb/gate-sync.ts), so a kill lands while joins keep coming, and no join sent
 * after it answered succeeds. Copies carry the domain's gate version: an older one never overwrites
 * a newer, and a change whose copying stopped half way is completed by the next.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OWNER, when } from '../support/steps.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { SHARDS } from '../../shared/store/dynamodb/table.ts';
import { GATE_VERSION } from '../../shared/store/dynamodb/gate-sync.ts';

const t = useStack();

const domainItem = async () => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.domain(DEMO_DOMAIN), ConsistentRead: true }))).Item!;
const gates = () =>
  Promise.all(
    Array.from({ length: SHARDS.domainGates }, async (_, shard) => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.domainGate(DEMO_DOMAIN, shard), ConsistentRead: true }))).Item!),
  );
const pauseAll = () => t.as(OWNER).post(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links/pause`, { hours: 1 });
const resumeAll = () => t.as(OWNER).post(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links/resume`);

describe('delete-all while 12 people at a time keep joining through a link', () => {
  it('lands on its first answer (200, never 503), no join sent after it answered succeeds, and every gate holds the domain’s new generation', async () => {
    const { token } = await when(t).linkToken(OWNER);
    let answered = false;
    let joined = 0;
    const after: number[] = [];
    const joiner = async () => {
      // Each joiner keeps joining until the kill has answered and it has tried twice since.
      for (let since = 0; since < 2; ) {
        const sentAfter = answered;
        const res = await when(t).joinAnswered(token, newPerson('flood'));
        if (res.status === 201) joined += 1;
        if (sentAfter) {
          after.push(res.status);
          since += 1;
        }
      }
    };
    const flood = Array.from({ length: 12 }, joiner);
    while (joined < 12) await new Promise((resolve) => setTimeout(resolve, 20));
    const killed = await when(t).revokeAll(OWNER);
    answered = true;
    await Promise.all(flood);

    // Should it not land, what refused it: the problem's detail, and Retry-After (1 s after collisions, 2 s after a throttle).
    expect(killed.status, `${JSON.stringify(killed.body)} Retry-After: ${killed.headers.get('retry-after')}`).toBe(200);
    expect(after).toHaveLength(24);
    expect(new Set(after)).toEqual(new Set([410]));
    const domain = await domainItem();
    for (const gate of await gates()) {
      expect(gate.linkGeneration).toBe(domain.linkGeneration);
      expect(gate[GATE_VERSION]).toBe(domain[GATE_VERSION]);
    }
  }, 120_000);
});

describe('the gates’ copies of the domain', () => {
  it('a kill whose copying stopped before the gates is completed by the next change; a gate holding a newer copy keeps it', async () => {
    const { token } = await when(t).linkToken(OWNER);
    // A delete-all that wrote the domain and stopped there (its function ended before the gates).
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: keys.domain(DEMO_DOMAIN),
        UpdateExpression: `ADD linkGeneration :one, ${GATE_VERSION} :one SET linksRevokedAt = :at, linksRevokedBy = :by`,
        ExpressionAttributeValues: { ':one': 1, ':at': new Date().toISOString(), ':by': 'u-demo-owner' },
      }),
    );
    // One gate already holds a copy newer than any this test makes.
    const held = keys.domainGate(DEMO_DOMAIN, 0);
    await t.db.send(new UpdateCommand({ TableName: t.stack.tableName, Key: held, UpdateExpression: `SET ${GATE_VERSION} = :newer, linkGeneration = :newer`, ExpressionAttributeValues: { ':newer': 1_000_000 } }));

    // The links page already says the link is dead (it reads the domain); the next change of the gates completes the kill.
    expect((await pauseAll()).status).toBe(200);
    expect((await resumeAll()).status).toBe(200);
    const domain = await domainItem();
    const [first, ...rest] = await gates();
    expect(first).toMatchObject({ [GATE_VERSION]: 1_000_000, linkGeneration: 1_000_000 });
    for (const gate of rest) {
      expect(gate).toMatchObject({ linkGeneration: domain.linkGeneration, [GATE_VERSION]: domain[GATE_VERSION], linksEnabled: true });
      expect(gate.linksPausedUntil).toBeUndefined();
    }
    const res = await when(t).join(token, newPerson('late'));
    expect(res.status).toBe(410);
  }, 60_000);
});

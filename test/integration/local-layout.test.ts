/** `npm start` on a DATA_DIR from an earlier layout: the domain gates, use counters and link timers the code now expects are written at start. */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { SHARDS } from '#shared/store/dynamodb/table.ts';
import { timerItem } from '#shared/store/dynamodb/timers.ts';
import { linkTimers } from '#shared/domain/timers.ts';
import type { InviteLink } from '#shared/domain/types.ts';
import { completeDomainGates, completeLinkCounters } from '../../local/table.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, OWNER, when } from '../support/steps.ts';

const t = useStack();
describe('local data from a layout with fewer domain gates and use counters', () => {
  it('gets the missing gates from its domain item at start, and joins work on every gate', async () => {
    const manager = (await t.as(MANAGER).get('/v1/me')).body.userId as string;
    // A creator generation the gates must carry over: the manager's links were ended once.
    await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: manager });
    const dropped = Array.from({ length: SHARDS.domainGates - 16 }, (_, i) => keys.domainGate(DEMO_DOMAIN, 16 + i));
    await Promise.all(dropped.map((Key) => t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key }))));

    expect(await completeDomainGates(t.db, t.stack.tableName)).toBe(dropped.length);
    const gate = (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.domainGate(DEMO_DOMAIN, SHARDS.domainGates - 1) }))).Item!;
    const domain = (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.domain(DEMO_DOMAIN) }))).Item!;
    expect(domain[`creatorGeneration#${manager}`]).toBeGreaterThan(0);
    expect(gate).toMatchObject({ linksEnabled: true, linkGeneration: domain.linkGeneration, [`creatorGeneration#${manager}`]: domain[`creatorGeneration#${manager}`] });
    expect(await completeDomainGates(t.db, t.stack.tableName)).toBe(0);

    const { token } = await when(t).linkToken(MANAGER);
    const joins = await Promise.all(Array.from({ length: 12 }, () => when(t).joinAnswered(token)));
    expect(joins.map((j) => j.status)).toEqual(Array(12).fill(201));
  });

  it('a live link made with fewer counters gets the missing ones, full when it has maxUses, so its count stays exact', async () => {
    const capped = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', maxUses: 20 });
    const open = await when(t).linkToken(OWNER);
    const half = SHARDS.linkCounters / 2;
    // As an earlier layout left them: half the counters, holding the whole of maxUses.
    for (const { id } of [capped, open]) {
      await Promise.all(Array.from({ length: half }, (_, i) => t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key: keys.linkCounter(id, half + i) }))));
    }
    for (let shard = 0; shard < half; shard++) {
      const cap = Math.floor(20 / half) + (shard < 20 % half ? 1 : 0);
      await t.db.send(new UpdateCommand({ TableName: t.stack.tableName, Key: keys.linkCounter(capped.id, shard), UpdateExpression: 'SET cap = :cap', ExpressionAttributeValues: { ':cap': cap } }));
    }
    expect(await completeLinkCounters(t.db, t.stack.tableName)).toBe(2 * half);
    // One after another: this is about the count after the layout change (parallel joins are concurrency.test.ts's).
    const joins = [];
    for (let i = 0; i < 24; i++) joins.push(await when(t).join(capped.token));
    expect(joins.filter((j) => j.status === 201)).toHaveLength(20);
    expect(joins.slice(20).map((j) => [j.status, j.body.code])).toEqual(Array(4).fill([410, 'LINK_USED_UP']));
    const more = await Promise.all(Array.from({ length: 8 }, () => when(t).joinAnswered(open.token)));
    expect(more.map((j) => j.status)).toEqual(Array(8).fill(201));
  });

  it('a live link made before links had timers gets its timers still ahead, once', async () => {
    const { id } = await when(t).linkToken(OWNER);
    const link = (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.link(id) }))).Item as unknown as InviteLink;
    const timerKeys = linkTimers(link).map((timer) => {
      const item = timerItem(timer);
      return { PK: item.PK as string, SK: item.SK as string };
    });
    expect(timerKeys).toHaveLength(2);
    // As an earlier layout left it: no timers.
    await Promise.all(timerKeys.map((Key) => t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key }))));
    expect(await completeLinkCounters(t.db, t.stack.tableName)).toBe(2);
    for (const Key of timerKeys) expect((await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key }))).Item).toMatchObject({ linkId: id });
    expect(await completeLinkCounters(t.db, t.stack.tableName)).toBe(0);
  });
});

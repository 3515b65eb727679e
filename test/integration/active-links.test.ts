/**
 * Active means usable: the active links (and the count Login Settings shows) leave out a link that
 * is used up or whose creator's links were ended, and the pages around it stay full and in order.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, OWNER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });
const settingsPath = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
const grant = { userType: 'STANDARD', primaryTeamId: 'producers' };

/** Every page of the active links at this limit: the ids on each page, and whether another page was offered. */
async function pages(limit: number) {
  const found: { ids: string[]; more: boolean }[] = [];
  let cursor: string | undefined;
  do {
    const res = await t.as(OWNER).get(`${linksPath()}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    cursor = res.body.nextCursor;
    found.push({ ids: res.body.items.map((l: { id: string }) => l.id), more: Boolean(cursor) });
  } while (cursor && found.length < 20);
  return found;
}
const activeLinkCount = async () => (await t.as(OWNER).get(settingsPath)).body.activeLinkCount as number;

describe('the active links', () => {
  const made: Record<string, string> = {};

  it('leave out a link once it is used up, and its neighbours page as before, every page full', async () => {
    made.first = (await when(t).linkToken(OWNER, { ...grant, label: 'first' })).id;
    const usedUp = await when(t).linkToken(OWNER, { ...grant, label: 'one use', maxUses: 1 });
    made.usedUp = usedUp.id;
    const partly = await when(t).linkToken(OWNER, { ...grant, label: 'two uses', maxUses: 2 });
    made.partly = partly.id;
    made.last = (await when(t).linkToken(OWNER, { ...grant, label: 'last' })).id;
    expect((await pages(4))[0]!.ids).toEqual([made.last, made.partly, made.usedUp, made.first]);
    expect(await activeLinkCount()).toBe(4);

    expect((await when(t).join(usedUp.token)).status).toBe(201);
    expect((await when(t).join(partly.token)).status).toBe(201);

    const expected = [made.last, made.partly, made.first];
    for (const limit of [1, 2, 3, 50]) {
      const got = await pages(limit);
      expect(got.flatMap((p) => p.ids), `limit ${limit}`).toEqual(expected);
      // Every page but the last is full: a page that met the used-up link read on past it.
      for (const page of got.filter((p) => p.more)) expect(page.ids.length, `limit ${limit}`).toBe(limit);
      for (const page of got) expect(page.ids.length, `limit ${limit}`).toBeLessThanOrEqual(limit);
    }
    const listed = (await t.as(OWNER).get(linksPath())).body.items;
    expect(listed.find((l: { id: string }) => l.id === made.partly)).toMatchObject({ useCount: 1, remainingUses: 1 });
    expect(await activeLinkCount()).toBe(3);
  });

  it('leave out the links of a creator whose links were ended, and page past them without a short page', async () => {
    const theirs = [];
    for (let i = 0; i < 3; i++) theirs.push((await when(t).linkToken(MANAGER, { ...grant, label: `manager ${i}` })).id);
    made.newest = (await when(t).linkToken(OWNER, { ...grant, label: 'newest' })).id;
    expect(await activeLinkCount()).toBe(7);
    const manager = (await t.as(MANAGER).get('/v1/me')).body.userId as string;
    expect((await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: manager })).status).toBe(200);

    const expected = [made.newest, made.last, made.partly, made.first];
    for (const limit of [1, 2]) {
      const got = await pages(limit);
      expect(got.flatMap((p) => p.ids), `limit ${limit}`).toEqual(expected);
      for (const page of got.filter((p) => p.more)) expect(page.ids.length, `limit ${limit}`).toBe(limit);
    }
    expect(await activeLinkCount()).toBe(4);
  });
});

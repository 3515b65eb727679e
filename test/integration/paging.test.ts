/** Lists come a page at a time: `limit`, an opaque `cursor` bound to its list, domain and filter, a stable order. */
import { BatchWriteCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Membership } from '../../shared/domain/types.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { TableAccess } from '../../shared/store/dynamodb/table-access.ts';
import { activityItems } from '../support/activity-items.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, OTHER_DOMAIN, OTHER_OWNER, OWNER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });
const usersPath = (query = '', domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/users${query}`;
const SEEDED = 130;

/** Every page of a list, following nextCursor to the end. */
async function allPages(path: (cursor?: string) => string, as = OWNER) {
  const pages: { items: { email?: string; id?: string }[]; nextCursor?: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await t.as(as).get(path(cursor));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

beforeAll(async () => {
  const at = '2026-01-01T00:00:00.000Z';
  const members: Membership[] = Array.from({ length: SEEDED }, (_, i) => ({
    userId: `u-paged-${i}`,
    domainId: DEMO_DOMAIN,
    email: `paged-${String(i).padStart(3, '0')}@example.test`,
    firstName: 'Paged',
    lastName: `Person ${i}`,
    userType: 'BROWSE',
    isAdmin: false,
    teamIds: ['editors'],
    roleGroupIds: [],
    groupIds: [],
    createdAt: at,
  }));
  // Every fourth as indexed before the members were spread over partitions: under the domain's own.
  const indexed = (m: Membership, i: number) => (i % 4 === 0 ? { ...items.membership(m), GSI1PK: keys.domainPartition(m.domainId) } : items.membership(m));
  const writes = members.flatMap((m, i) => [indexed(m, i), items.memberEmail(m.domainId, m.email, m.userId)]);
  for (let i = 0; i < writes.length; i += 25) {
    await t.db.send(new BatchWriteCommand({ RequestItems: { [t.stack.tableName]: writes.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
});

describe('paging the users list', () => {
  it('gives 50 by default, then the rest page by page in email order, each user once, the last page without nextCursor (from every partition of the index, and those indexed before the spread)', async () => {
    const pages = await allPages((cursor) => usersPath(cursor ? `?cursor=${cursor}` : ''));
    expect(pages[0]!.items).toHaveLength(50);
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
    const emails = pages.flatMap((p) => p.items.map((u) => u.email!));
    expect(emails).toHaveLength(new Set(emails).size);
    expect(emails).toEqual([...emails].sort());
    expect(emails.filter((e) => e.startsWith('paged-'))).toHaveLength(SEEDED);
  });

  it('takes a limit from 1 to 100', async () => {
    expect((await t.as(OWNER).get(usersPath('?limit=1'))).body.items).toHaveLength(1);
    expect((await t.as(OWNER).get(usersPath('?limit=100'))).body.items).toHaveLength(100);
  });

  it.each(['0', '101', 'abc', '1.5', '-1', ''])('refuses limit=%s with a 400 naming limit', async (limit) => {
    const res = await t.as(OWNER).get(usersPath(`?limit=${limit}`));
    expect(res.body).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'limit' });
  });

  it('refuses a cursor of another domain, another list, another filter, or one it never issued', async () => {
    const users = (await t.as(OWNER).get(usersPath('?limit=2'))).body.nextCursor as string;
    await when(t).linkToken(OTHER_OWNER, { userType: 'STANDARD', primaryTeamId: 'crew' }, OTHER_DOMAIN);
    const otherUsers = (await t.as(OTHER_OWNER).get(usersPath('?limit=1', OTHER_DOMAIN))).body.nextCursor as string;
    expect(otherUsers).toEqual(expect.any(String));
    const cases = [
      usersPath(`?cursor=${otherUsers}`),
      `${linksPath()}?cursor=${users}`,
      usersPath(`?cursor=${users}&inviteLinkId=${'A'.repeat(43)}`),
      usersPath('?cursor=not-a-cursor'),
      usersPath(`?cursor=${Buffer.from(JSON.stringify({ list: 'users', domainId: DEMO_DOMAIN, filter: '', at: { PK: 'x' } })).toString('base64url')}`),
    ];
    for (const path of cases) {
      const res = await t.as(OWNER).get(path);
      expect(res.body, path).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'cursor' });
    }
  });

  it('pages a filtered list (one link’s joiners) without losing or repeating anyone', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    const joined = [];
    for (let i = 0; i < 5; i++) joined.push((await when(t).join(token)).body.email as string);
    const pages = await allPages((cursor) => usersPath(`?inviteLinkId=${id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    expect(pages.flatMap((p) => p.items.map((u) => u.email)).sort()).toEqual(joined.sort());
  });
});

describe('paging the activity', () => {
  it('gives every entry newest first, each once, from every partition it is spread over and the one entries were written to before', async () => {
    for (let i = 0; i < 6; i++) await when(t).linkToken(OWNER);
    // A third of the entries moved to the domain's one partition, as written before the spread.
    // An entry's id is its sort key's tail (`<occurredAt>#<eventId>`; a join's record is keyed by its joinId, its MemberJoined's eventId).
    const entries = await activityItems(t.db, t.stack.tableName, DEMO_DOMAIN);
    const idOf = (entry: Record<string, unknown>) => String(entry.SK).slice(String(entry.SK).indexOf('#') + 1);
    for (const entry of entries.filter((_, i) => i % 3 === 0)) {
      await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: { ...entry, PK: keys.activityPartitions(DEMO_DOMAIN).at(-1) } }));
      await t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key: { PK: entry.PK, SK: entry.SK } }));
    }
    const path = (query: string) => (cursor?: string) => `/v1/domains/${DEMO_DOMAIN}/activity?${query}${cursor ? `&cursor=${cursor}` : ''}`;
    const all = (await allPages(path('limit=4'))).flatMap((p) => p.items as { eventId: string; occurredAt: string; type: string }[]);
    expect(all.map((e) => e.eventId)).toEqual(entries.map(idOf));
    const created = (await allPages(path('limit=2&type=InviteLinkCreated'))).flatMap((p) => p.items as { eventId: string; type: string }[]);
    expect(created.map((e) => e.eventId)).toEqual(entries.filter((e) => e.type === 'InviteLinkCreated').map(idOf));
  });
});

describe('a list spread over partitions, merged (TableAccess.queryMerged)', () => {
  it('pages any spread of sort keys, with any filter and page size, in order, each item once', async () => {
    const access = new TableAccess(t.db, t.stack.tableName);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ partition: fc.nat(4), key: fc.string({ unit: fc.constantFrom('a', 'b', 'é', '中', '😀'), minLength: 1, maxLength: 4 }), kept: fc.boolean() }), { maxLength: 40, size: 'max' }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        fc.boolean(),
        // All in one partition (as a list from before the spread): its first read (twice its share) stops short and is read on.
        fc.boolean(),
        async (spread, limit, filtered, newestFirst, inOne) => {
          const partitions = [0, 1, 2, 3, 4].map((k) => `MERGED#${++run}#${k}`);
          const unique = [...new Map(spread.map((item) => [item.key, item])).values()];
          for (const item of unique) await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: { PK: partitions[inOne ? 0 : item.partition], SK: item.key, kept: item.kept } }));
          const list = { partitions, partitionKey: 'PK', sortKey: 'SK', keyNames: ['PK', 'SK'], newestFirst };
          const seen: string[] = [];
          let after: Record<string, string> | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page = await access.queryMerged({ limit, ...(after ? { after } : {}) }, list, (pk) => ({
              KeyConditionExpression: 'PK = :pk',
              ExpressionAttributeValues: { ':pk': pk, ...(filtered ? { ':yes': true } : {}) },
              ...(filtered ? { FilterExpression: 'kept = :yes' } : {}),
              ScanIndexForward: !newestFirst,
              ConsistentRead: true,
            }));
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((i) => String(i.SK)));
            after = page.next;
            if (!after) break;
          }
          const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) * (newestFirst ? -1 : 1);
          expect(seen).toEqual(unique.filter((i) => !filtered || i.kept).map((i) => i.key).sort(byBytes));
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('paging the links list', () => {
  it('gives the active links newest first, page by page, with their use counts', async () => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await when(t).linkToken(OWNER)).id);
    const pages = await allPages((cursor) => `${linksPath()}?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    const ids = pages.flatMap((p) => p.items.map((l) => l.id!));
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.slice(0, 7)).toEqual([...made].reverse());
    expect(pages[0]!.items).toHaveLength(3);
  });

  it('a cursor from before "Delete all existing links" gives an empty last page', async () => {
    for (let i = 0; i < 3; i++) await when(t).linkToken(OWNER);
    const cursor = (await t.as(OWNER).get(`${linksPath()}?limit=1`)).body.nextCursor as string;
    expect((await when(t).revokeAll()).status).toBe(200);
    const res = await t.as(OWNER).get(`${linksPath()}?cursor=${cursor}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });
});

describe('forged cursors', () => {
  type Position = Record<string, unknown>;
  const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at: Position };
  const encode = (cursor: object) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
  /** A cursor this API issued, with its position changed. */
  const forged = (cursor: string, change: (at: Position) => void) => {
    const decoded = decode(cursor);
    change(decoded.at);
    return encode(decoded);
  };
  const lists: Record<string, (cursor?: string) => string> = {
    users: (cursor) => usersPath(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
    links: (cursor) => `${linksPath()}?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
    activity: (cursor) => `/v1/domains/${DEMO_DOMAIN}/activity?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
  };
  const issued: Record<string, string> = {};
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) await when(t).linkToken(OWNER);
    for (const [list, path] of Object.entries(lists)) {
      issued[list] = (await t.as(OWNER).get(path())).body.nextCursor as string;
      expect(issued[list], list).toEqual(expect.any(String));
    }
  });

  /** A page, or a 400 naming the cursor: never a 5xx. */
  const expectPageOrRefusal = (res: { status: number; body: any }, what: string) => {
    expect([200, 400], `${what}: ${JSON.stringify(res.body)}`).toContain(res.status);
    if (res.status === 400) expect(res.body, what).toMatchObject({ code: 'INVALID_REQUEST', field: 'cursor' });
  };

  it.each(Object.keys(lists))('refuses a %s cursor whose position was tampered with (a 400 naming cursor)', async (list) => {
    const keyNames = Object.keys(decode(issued[list]!).at);
    const changes: [string, (at: Position) => void][] = [
      ['sort key ZZZ', (at) => (at[keyNames.includes('GSI1SK') ? 'GSI1SK' : 'SK'] = 'ZZZ')],
      ...keyNames.flatMap((key): [string, (at: Position) => void][] => [
        [`${key} empty`, (at) => (at[key] = '')],
        [`${key} oversize`, (at) => (at[key] = `${at[key]}${'é'.repeat(1100)}`)],
        [`${key} ill-formed`, (at) => (at[key] = `${at[key]}\udc00`)],
        [`${key} a number`, (at) => (at[key] = 7)],
        [`${key} missing`, (at) => delete at[key]],
      ]),
      ['a key added', (at) => (at.extra = 'x')],
      ['another item’s sort key for this partition', (at) => (at[keyNames.includes('GSI1SK') ? 'GSI1SK' : 'SK'] = keyNames.includes('GSI1SK') ? 'DOMAIN' : 'MEMBER#x')],
    ];
    for (const [what, change] of changes) {
      const res = await t.as(OWNER).get(lists[list]!(forged(issued[list]!, change)));
      expect(res.body, `${list}: ${what}`).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'cursor' });
    }
  });

  it('answers any change to a cursor’s position with a page or a 400 naming cursor, never a 5xx', async () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 1200 }), fc.constantFrom('', '#', 'MEMBER#', 'LINK#', 'LINK#0000000000#', 'USER#', 'DOMAIN#demo-media-co'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(lists)), fc.nat(), fc.boolean(), anyText, async (list, pick, append, text) => {
        const at = decode(issued[list]!).at;
        const key = Object.keys(at)[pick % Object.keys(at).length]!;
        const cursor = forged(issued[list]!, (position) => (position[key] = append ? `${String(position[key])}${text}` : text));
        expectPageOrRefusal(await t.as(OWNER).get(lists[list]!(cursor)), `${list}.${key} = ${JSON.stringify(append ? `…${text}` : text)}`);
      }),
      { numRuns: 150 },
    );
  });
});

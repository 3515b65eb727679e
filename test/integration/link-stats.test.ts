/**
 * A link's stats through the real lookup, join and events feed: distinct browsers a day (the same
 * one twice counts once, another user agent or address counts again, the next day counts again),
 * sign-ins started, joins, refusals by code, and concurrent lookups and joins counted exactly; the
 * marks identify nobody.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import { ENTITY } from '../../shared/store/dynamodb/table.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, OWNER, linksPath, newPerson, when } from '../support/steps.ts';

const t = useStack({ notifier: false });
const run = randomUUID().slice(0, 8);

interface Stats {
  views: number;
  signInsStarted: number;
  joins: number;
  refusals: Record<string, number>;
}
const ZERO: Stats = { views: 0, signInsStarted: 0, joins: 0, refusals: {} };

/** The join page's lookup, from a browser (its user agent) at an address (as CloudFront forwards it). */
const lookup = (token: string, browser: { ua: string; ip: string }, step?: 'view' | 'sign-in') =>
  t.request('POST', '/v1/join/lookup', { body: { token, ...(step ? { step } : {}) }, headers: { 'user-agent': `${browser.ua} ${run}`, 'x-forwarded-for': browser.ip } });

const statsOf = async (linkId: string): Promise<Stats | undefined> =>
  ((await t.as(OWNER).get(`${linksPath()}?limit=100`)).body.items as { id: string; stats: Stats }[]).find((l) => l.id === linkId)?.stats;

/**
 * The stats once the feed has read everything before now: a fresh link's first view is the last
 * record written, and the stream reader takes records in order, so once it is counted nothing
 * earlier is still on its way (and a count that ran past what the test expects would show).
 */
async function settled(linkId: string): Promise<Stats | undefined> {
  const sentinel = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: `Sentinel ${randomUUID()}` });
  expect((await lookup(sentinel.token, { ua: 'Sentinel', ip: '192.0.2.250' })).status).toBe(200);
  await eventually(() => statsOf(sentinel.id), (stats) => stats?.views === 1, 60_000);
  return statsOf(linkId);
}

describe('a link\'s views and sign-ins started', () => {
  it('counts each browser once a day per step: the same user agent and address twice once, another user agent or address again', async () => {
    const link = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: `Views ${run}` });
    expect(await statsOf(link.id)).toEqual(ZERO);
    const firefox = { ua: 'Firefox/140', ip: '198.51.100.7' };
    for (const browser of [firefox, firefox, { ua: 'Safari/18', ip: '198.51.100.7' }, { ua: 'Firefox/140', ip: '198.51.100.8' }]) {
      expect((await lookup(link.token, browser)).status).toBe(200);
    }
    for (let i = 0; i < 2; i++) expect((await lookup(link.token, firefox, 'sign-in')).status).toBe(200);
    expect(await settled(link.id)).toEqual({ ...ZERO, views: 3, signInsStarted: 1 });

    // Nothing in the table says who: no address, no user agent, only hashes under the day's salt.
    const { Items = [] } = await t.db.send(new ScanCommand({ TableName: t.stack.tableName, FilterExpression: 'entityType = :visit', ExpressionAttributeValues: { ':visit': ENTITY.LinkVisit } }));
    expect(Items.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(Items)).not.toMatch(/198\.51\.100|Firefox|Safari/);
  });

  it('counts the same browser again the next day (UTC), under a new salt', async () => {
    const link = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: `Days ${run}` });
    const browser = { ua: 'Chrome/141', ip: '203.0.113.9' };
    expect((await lookup(link.token, browser)).status).toBe(200);
    expect((await lookup(link.token, browser, 'sign-in')).status).toBe(200);
    advanceClock(24 * 3600 * 1000);
    expect((await lookup(link.token, browser)).status).toBe(200);
    expect((await lookup(link.token, browser)).status).toBe(200);
    expect(await settled(link.id)).toEqual({ ...ZERO, views: 2, signInsStarted: 1 });
  });
});

describe('a link\'s joins and refusals', () => {
  it('counts joins through the link, and refused joins by their code', async () => {
    const link = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: `Refusals ${run}`, allowedEmailDomains: ['example.test'] });
    const joiner = newPerson('stats');
    expect((await when(t).joinAnswered(link.token, joiner)).status).toBe(201);
    expect((await when(t).joinAnswered(link.token)).status).toBe(201);
    // The same person again (a repeated join, its answer lost): their membership, no refusal.
    expect((await when(t).join(link.token, joiner)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await when(t).join(link.token, { ...newPerson('stats'), email: `outsider-${run}-${i}@elsewhere.test` })).body.code).toBe('EMAIL_DOMAIN_NOT_ALLOWED');
    const settings = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
    expect((await t.as(OWNER).post(`${settings}/pause`, { hours: 1 })).status).toBe(200);
    expect((await when(t).join(link.token)).body.code).toBe('LINKS_PAUSED');
    expect((await t.as(OWNER).post(`${settings}/resume`)).status).toBe(200);
    expect(await settled(link.id)).toEqual({ ...ZERO, joins: 2, refusals: { EMAIL_DOMAIN_NOT_ALLOWED: 2, LINKS_PAUSED: 1 } });
  });

  it('counts concurrent lookups and joins exactly: none lost, none twice', async () => {
    const link = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: `Crowd ${run}` });
    const same = { ua: 'Edge/140', ip: '198.51.100.99' };
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => lookup(link.token, { ua: `Browser/${i}`, ip: '198.51.100.50' })),
      ...Array.from({ length: 5 }, () => lookup(link.token, same)),
      ...Array.from({ length: 5 }, () => lookup(link.token, same, 'sign-in')),
      ...Array.from({ length: 12 }, () => when(t).joinAnswered(link.token)),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(30).fill(200), ...Array(12).fill(201)].sort());
    expect(await settled(link.id)).toEqual({ ...ZERO, views: 21, signInsStarted: 1, joins: 12 });
  });
});

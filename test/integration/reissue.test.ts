/**
 * Re-issuing a link (POST .../invite-links/{linkId}/reissue): a new link with the old one's settings,
 * a fresh token and lifetime; with `revokeOld` the old one stops working in the same write, and the
 * activity ties the two; a link that ended can be re-issued; only its creator or an admin may, and
 * only in its own domain; joins racing a re-issue that revokes are admitted before it or refused after.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { advanceClock } from '#shared/clock.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_DOMAIN, OTHER_OWNER, OWNER, tokenOf, VIEWER, when } from '../support/steps.ts';

const TTL_SECONDS = 3600;
const t = useStack({ linkTtlSeconds: TTL_SECONDS, notifier: false, eventsFeed: false });

const reissue = (caller: string, linkId: string, body?: unknown, domainId = DEMO_DOMAIN) => t.as(caller).post(`${linksPath(domainId)}/${linkId}/reissue`, body);
const SETTINGS = {
  userType: 'STANDARD',
  primaryTeamId: 'producers',
  additionalTeamIds: ['editors'],
  label: 'Spring shoot crew',
  maxUses: 40,
  expiresInSeconds: 1800,
  allowedEmailDomains: ['example.test'],
  notifyCreator: false,
  requireApproval: true,
  pauseAfter: { joins: 20, withinMinutes: 10 },
};
const entries = async (type: string) => (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=${type}`)).body.items as Record<string, any>[];

describe('a re-issued link', () => {
  it('has the old one\'s settings, a fresh token and a lifetime as long as the old one\'s; the old one keeps working unless asked', async () => {
    const made = await when(t).createLink(MANAGER, SETTINGS);
    expect(made.status).toBe(201);
    advanceClock(60_000);
    const res = await reissue(MANAGER, made.body.id);
    expect(res.status).toBe(201);
    const { id, url, createdAt, expiresAt, ...settings } = res.body;
    expect(id).not.toBe(made.body.id);
    expect(tokenOf(url)).not.toBe(tokenOf(made.body.url));
    const { id: _id, url: _url, createdAt: oldCreatedAt, expiresAt: oldExpiresAt, ...oldSettings } = made.body;
    expect(settings).toEqual(oldSettings);
    expect(Date.parse(createdAt) - Date.parse(oldCreatedAt)).toBeGreaterThanOrEqual(60_000);
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(SETTINGS.expiresInSeconds * 1000);
    // Both work: nothing asked the old one to stop.
    for (const token of [tokenOf(made.body.url), tokenOf(url)]) expect((await when(t).lookup(token)).status).toBe(200);
    const [created] = await entries('InviteLinkCreated');
    expect(created).toMatchObject({ link: { id }, reissuedFrom: { id: made.body.id, label: SETTINGS.label, createdBy: made.body.createdBy } });
  });

  it('with revokeOld, the old link stops working in the same write; its InviteLinkRevoked names the new one', async () => {
    const old = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Old front desk' });
    const res = await reissue(OWNER, old.id, { revokeOld: true });
    expect(res.status).toBe(201);
    expect((await when(t).lookup(old.token)).body.code).toBe('LINK_REVOKED');
    expect((await when(t).join(tokenOf(res.body.url))).status).toBe(201);
    const [revoked] = await entries('InviteLinkRevoked');
    expect(revoked).toMatchObject({ link: { id: old.id, label: 'Old front desk' }, replacedBy: { id: res.body.id, label: 'Old front desk' } });
    const ids = (await t.as(OWNER).get(linksPath())).body.items.map((l: { id: string }) => l.id);
    expect(ids).toContain(res.body.id);
    expect(ids).not.toContain(old.id);
  });

  it('can be made from a link that expired: the new one works for a whole lifetime from now', async () => {
    const old = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Lapsed' });
    advanceClock(TTL_SECONDS * 1000 + 1);
    expect((await when(t).lookup(old.token)).body.code).toBe('LINK_EXPIRED');
    const res = await reissue(OWNER, old.id, { revokeOld: true });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(TTL_SECONDS * 1000);
    expect((await when(t).join(tokenOf(res.body.url))).status).toBe(201);
  });

  it('made by an admin from someone else\'s link is the admin\'s', async () => {
    const old = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers' });
    const res = await reissue(OWNER, old.id, { revokeOld: true });
    expect(res.status).toBe(201);
    const owner = (await t.as(OWNER).get('/v1/me')).body;
    expect(res.body.createdBy).toBe(owner.userId);
    expect((await when(t).lookup(old.token)).body.code).toBe('LINK_REVOKED');
    // The revoked link no longer counts against its maker's quota.
    const manager = (await t.as(MANAGER).get('/v1/me')).body;
    const { Item: quota } = await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.linkQuota(DEMO_DOMAIN, manager.userId), ConsistentRead: true }));
    expect(Object.keys(quota!.active)).not.toContain(old.id);
  });
});

describe('who may re-issue', () => {
  it('not a member who did not make the link and is no admin (403), nor someone who may not invite (403), nor from another domain (404)', async () => {
    const ownerLink = await when(t).linkToken(OWNER);
    const refused = await reissue(MANAGER, ownerLink.id);
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await reissue(VIEWER, ownerLink.id)).status).toBe(403);
    expect((await reissue(OTHER_OWNER, ownerLink.id, undefined, OTHER_DOMAIN)).status).toBe(404);
    // None of these made a link or ended this one.
    expect((await when(t).lookup(ownerLink.token)).status).toBe(200);
  });

  it('names the field of a bad body, and writes nothing', async () => {
    const link = await when(t).linkToken(OWNER);
    const before = (await t.as(OWNER).get(linksPath())).body.items.length;
    const res = await reissue(OWNER, link.id, { revokeOld: 'yes' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('revokeOld');
    expect((await t.as(OWNER).get(linksPath())).body.items.length).toBe(before);
  });
});

describe('joins racing a re-issue that revokes the old link', () => {
  it('are admitted before it or refused LINK_REVOKED after it; none is lost or fails otherwise', async () => {
    const old = await when(t).linkToken(OWNER);
    const people = Array.from({ length: 12 }, () => newPerson('racer'));
    const [replies, res] = await Promise.all([Promise.all(people.map((p) => when(t).joinAnswered(old.token, p))), reissue(OWNER, old.id, { revokeOld: true })]);
    expect(res.status).toBe(201);
    for (const r of replies) expect([201, 410]).toContain(r.status);
    expect(replies.filter((r) => r.status === 410).every((r) => r.body.code === 'LINK_REVOKED')).toBe(true);
    // After the re-issue answered, the old link admits nobody.
    expect((await when(t).join(old.token)).body.code).toBe('LINK_REVOKED');
    const joined = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${encodeURIComponent(old.id)}`)).body.items.length;
    expect(joined).toBe(replies.filter((r) => r.status === 201).length);
  });
});

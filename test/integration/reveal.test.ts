/**
 * Revealing a link: its creator or an admin has the link's address again, from any session, because
 * its token is kept sealed (KMS, bound to the domain and the link); everyone else is refused, a dead
 * link answers its 410, a link from before tokens were kept 409, and every reveal is in the activity
 * and on the bus, naming the link and who revealed it, never the address.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '#shared/store/dynamodb/keys.ts';
import type { BusEvent } from '../../local/event-bus.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack({ notifier: false });
const revealPath = (linkId: string, domainId = DEMO_DOMAIN) => `${linksPath(domainId)}/${linkId}/reveal`;
const activityOf = async (type: string) => (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=${type}`)).body.items as Record<string, any>[];

/** A second sign-in of the same person: another token, as another browser would hold. */
async function secondSession(email: string): Promise<string> {
  const res = await t.request('POST', '/local/token', { body: { email }, headers: { 'x-local-token-secret': t.stack.localTokenSecret } });
  expect(res.status).toBe(200);
  expect(res.body.token).not.toBe(await t.tokenFor(email));
  return res.body.token as string;
}

async function makeLink(creator: string, body: Record<string, unknown> = { userType: 'STANDARD', primaryTeamId: 'producers', label: `Reveal ${creator}` }) {
  const res = await when(t).createLink(creator, body);
  expect(res.status).toBe(201);
  return res.body as { id: string; url: string };
}

describe('who may have a link’s address again', () => {
  it('its creator, from another session than the one that made it, gets the same url, never cached', async () => {
    const link = await makeLink(MANAGER);
    const res = await t.request('POST', revealPath(link.id), { token: await secondSession(MANAGER) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: link.id, url: link.url });
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The url it gives works.
    expect((await when(t).lookup(new URL(res.body.url).hash.slice(1))).status).toBe(200);
  });

  it('an admin, for any link of the domain', async () => {
    const link = await makeLink(MANAGER);
    const res = await t.as(OWNER).post(revealPath(link.id));
    expect(res.status).toBe(200);
    expect(res.body.url).toBe(link.url);
  });

  it('the onboarding link too', async () => {
    const res = await t.as(MANAGER).post(`${linksPath()}/onboarding`, {});
    expect(res.status).toBe(201);
    expect((await t.as(MANAGER).post(revealPath(res.body.id))).body.url).toBe(res.body.url);
  });

  it('refuses another inviter (403 FORBIDDEN) and a member who may not invite', async () => {
    const link = await makeLink(OWNER);
    for (const caller of [MANAGER, VIEWER]) {
      const res = await t.as(caller).post(revealPath(link.id));
      expect(res.status, caller).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      expect(JSON.stringify(res.body)).not.toContain(link.url);
    }
  });

  it('answers 404 to someone outside the domain, and for a link of another domain or none', async () => {
    const link = await makeLink(OWNER);
    expect((await t.as(OTHER_OWNER).post(revealPath(link.id))).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    // The other domain's admin asking through their own domain: not a link of it.
    expect((await t.as(OTHER_OWNER).post(revealPath(link.id, 'other-studio'))).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await t.as(OWNER).post(revealPath('A'.repeat(43)))).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('refuses a link id that is not one (400 naming linkId)', async () => {
    expect((await t.as(OWNER).post(revealPath('short'))).body).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'linkId' });
  });
});

describe('a link with nothing worth sharing', () => {
  it('answers a revoked link with 410 LINK_REVOKED, told to whoever would share it', async () => {
    const link = await makeLink(OWNER);
    expect((await t.as(OWNER).delete(`${linksPath()}/${link.id}`)).status).toBe(204);
    const res = await t.as(OWNER).post(revealPath(link.id));
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: 'LINK_REVOKED', reason: 'revoked', detail: 'This link was revoked: make a new one to share.' });
    expect(res.body).not.toHaveProperty('field');
  });

  it('answers an expired link with 410 LINK_EXPIRED (before TTL has removed it)', async () => {
    const link = await makeLink(MANAGER);
    const past = new Date(Date.now() - 60_000).toISOString();
    await t.db.send(new UpdateCommand({ TableName: t.stack.tableName, Key: keys.link(link.id), UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': past } }));
    expect((await t.as(MANAGER).post(revealPath(link.id))).body).toMatchObject({ status: 410, code: 'LINK_EXPIRED', reason: 'expired', detail: 'This link has expired: make a new one to share.' });
  });

  it('answers a used-up link with 410 LINK_USED_UP', async () => {
    const link = await makeLink(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', maxUses: 1 });
    expect((await when(t).join(new URL(link.url).hash.slice(1), newPerson('reveal'))).status).toBe(201);
    expect((await t.as(OWNER).post(revealPath(link.id))).body).toMatchObject({ status: 410, code: 'LINK_USED_UP', reason: 'used-up' });
  });

  it('answers a link made before tokens were kept with 409 LINK_NOT_REVEALABLE, saying to make a new one', async () => {
    const link = await makeLink(MANAGER);
    // What such a link looks like: the link, and no sealed token beside it.
    await t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key: keys.linkToken(link.id) }));
    const res = await t.as(MANAGER).post(revealPath(link.id));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'LINK_NOT_REVEALABLE', detail: expect.stringContaining('Make a new link') });
  });

  it('does not open a sealed token copied onto another link (500, nothing recorded)', async () => {
    const [first, second] = [await makeLink(OWNER), await makeLink(OWNER)];
    const { Item } = await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.linkToken(first.id), ConsistentRead: true }));
    await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: { ...Item, ...keys.linkToken(second.id), linkId: second.id } }));
    const before = (await activityOf('InviteLinkRevealed')).length;
    const res = await t.as(OWNER).post(revealPath(second.id));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain(first.url);
    expect((await activityOf('InviteLinkRevealed')).length).toBe(before);
  });
});

describe('every reveal is in the audit trail', () => {
  it('as an activity entry and an InviteLinkRevealed event: which link, who, never the url', async () => {
    const from = ((await (await fetch(`${t.stack.url}/local/events`)).json()) as unknown[]).length;
    const link = await makeLink(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Audited link' });
    const managerId = (await t.as(MANAGER).get('/v1/me')).body.userId;
    const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;
    expect((await t.as(OWNER).post(revealPath(link.id))).status).toBe(200);

    const [entry] = await activityOf('InviteLinkRevealed');
    expect(entry).toMatchObject({
      type: 'InviteLinkRevealed',
      domainId: DEMO_DOMAIN,
      actor: { userId: ownerId, email: OWNER },
      link: { id: link.id, label: 'Audited link', createdBy: managerId, createdByEmail: MANAGER },
    });
    const events = await eventually(
      async () => ((await (await fetch(`${t.stack.url}/local/events`)).json()) as BusEvent[]).slice(from).filter((e) => e['detail-type'] === 'InviteLinkRevealed'),
      (found) => found.length >= 1,
      20_000,
    );
    expect(events).toHaveLength(1);
    assertEventSchemas(events);
    expect(events[0]!.detail).toMatchObject({ eventId: entry!.eventId, link: { id: link.id }, actor: { userId: ownerId } });
    const token = new URL(link.url).hash.slice(1);
    expect(JSON.stringify([entry, events])).not.toContain(token);
  });
});

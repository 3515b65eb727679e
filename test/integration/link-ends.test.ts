/** A dead link says truthfully why, with the organisation's name; members see what they were given and by whom. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { SHARDS } from '#shared/store/dynamodb/table.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OWNER, when } from '../support/steps.ts';

const TTL_SECONDS = 3600;
const t = useStack({ linkTtlSeconds: TTL_SECONDS, notifier: false, eventsFeed: false });

async function refusals(token: string) {
  const looked = await when(t).lookup(token);
  const joined = await when(t).join(token);
  return [looked.body, joined.body].map((b) => ({ code: b.code, reason: b.reason, domainName: b.domainName }));
}

/** What DynamoDB TTL does once a link has expired: the link and its counters are gone. */
async function removeAsTtlWould(linkId: string) {
  const gone = [keys.link(linkId), ...keys.linkCounters({ linkId, counters: SHARDS.crowdLinkCounters })];
  await Promise.all(gone.map((Key) => t.db.send(new DeleteCommand({ TableName: t.stack.tableName, Key }))));
}

describe('an expired link', () => {
  it('answers LINK_EXPIRED with the organisation, before and after TTL has removed the link', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    // The service's clock, moved past the link's life: nobody waits for it.
    advanceClock(TTL_SECONDS * 1000 + 1000);
    const expired = { code: 'LINK_EXPIRED', reason: 'expired', domainName: 'Demo Media Co' };
    expect(await refusals(token)).toEqual([expired, expired]);
    await removeAsTtlWould(id);
    expect(await refusals(token)).toEqual([expired, expired]);
  });

  it('a token that never was a link is still LINK_NOT_FOUND', async () => {
    const unknown = await when(t).lookup('x'.repeat(43));
    expect([unknown.status, unknown.body.code, unknown.body.reason, unknown.body.domainName]).toEqual([404, 'LINK_NOT_FOUND', undefined, undefined]);
  });
});

describe('a link that was ended says how', () => {
  it('revoked on its own: revoked', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    expect((await t.as(OWNER).delete(`${linksPath()}/${id}`)).status).toBe(204);
    expect((await refusals(token)).map((r) => [r.code, r.reason])).toEqual([['LINK_REVOKED', 'revoked'], ['LINK_REVOKED', 'revoked']]);
  });

  it('by "delete all existing links": all-deleted, never "someone revoked this one"', async () => {
    const { token } = await when(t).linkToken(MANAGER);
    await when(t).revokeAll();
    expect((await refusals(token)).map((r) => [r.code, r.reason, r.domainName])).toEqual([
      ['LINK_REVOKED', 'all-deleted', 'Demo Media Co'],
      ['LINK_REVOKED', 'all-deleted', 'Demo Media Co'],
    ]);
  });

  it('by switching links off: links-disabled while off, turned-off once on again', async () => {
    const { token } = await when(t).linkToken(OWNER);
    await when(t).setLinksEnabled(false);
    expect((await refusals(token)).map((r) => [r.code, r.reason])).toEqual([['LINKS_DISABLED', 'links-disabled'], ['LINKS_DISABLED', 'links-disabled']]);
    await when(t).setLinksEnabled(true);
    const after = await refusals(token);
    expect(after.map((r) => [r.code, r.reason])).toEqual([['LINK_REVOKED', 'turned-off'], ['LINK_REVOKED', 'turned-off']]);
    const detail = (await when(t).lookup(token)).body.detail as string;
    expect(detail).toMatch(/switched off/);
    expect(detail).not.toMatch(/deleted/);
  });

  it("by revoking its creator's links: creator-links-revoked", async () => {
    const { token } = await when(t).linkToken(MANAGER);
    const manager = (await t.as(MANAGER).get('/v1/me')).body.userId as string;
    expect((await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: manager })).status).toBe(200);
    expect((await refusals(token)).map((r) => r.reason)).toEqual(['creator-links-revoked', 'creator-links-revoked']);
  });

  it('used up: used-up', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', maxUses: 1 });
    expect((await when(t).join(token)).status).toBe(201);
    expect((await refusals(token)).map((r) => [r.code, r.reason, r.domainName])).toEqual([
      ['LINK_USED_UP', 'used-up', 'Demo Media Co'],
      ['LINK_USED_UP', 'used-up', 'Demo Media Co'],
    ]);
  });
});

describe('a member sees what they were given and who invited them', () => {
  it('GET /v1/me names their teams (primary first), role groups and groups, and the link that brought them', async () => {
    const { token, id } = await when(t).linkToken(MANAGER, {
      userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['user-managers'], label: 'Spring interns',
    });
    const person = newPerson('invitee');
    expect((await when(t).join(token, person)).status).toBe(201);
    const me = (await t.as(person.email).get('/v1/me')).body;
    const managerId = (await t.as(MANAGER).get('/v1/me')).body.userId;
    expect(me.memberships).toEqual([
      expect.objectContaining({
        domainName: 'Demo Media Co',
        userType: 'STANDARD',
        teams: [{ id: 'producers', name: 'Producers' }, { id: 'marketing', name: 'Marketing' }],
        primaryTeamId: 'producers',
        roleGroups: [{ id: 'user-managers', name: 'User Managers' }],
        groups: [],
        joinedVia: { linkId: id, at: expect.any(String), label: 'Spring interns', invitedBy: { userId: managerId, email: MANAGER } },
      }),
    ]);
    const listed = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${encodeURIComponent(id)}`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ email: person.email, primaryTeamId: 'producers', joinedVia: me.memberships[0].joinedVia })]);
  });

  it('a legacy group made primary by the link is the primary', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryGroupId: 'archive', additionalTeamIds: ['marketing'] });
    const person = newPerson('grouped');
    await when(t).join(token, person);
    const [membership] = (await t.as(person.email).get('/v1/me')).body.memberships;
    expect([membership.primaryGroupId, membership.primaryTeamId, membership.groups]).toEqual(['archive', undefined, [{ id: 'archive', name: 'Archive' }]]);
  });
});

describe('a mangled invite link reaching the server', () => {
  it('never has its token echoed back: an unknown route answers 404 without the path', async () => {
    const { token } = await when(t).linkToken(OWNER);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await t.request(method, `/join%23${token}`);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(token);
    }
  });
});

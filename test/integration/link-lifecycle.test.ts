/** How links stop working: expiry, revoking one, deleting all, the domain switch. */
import { describe, expect, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import { useStack } from '../support/stack.ts';
import { linksPath, MANAGER, OTHER_DOMAIN, OTHER_OWNER, OWNER, when } from '../support/steps.ts';

// An operator's shorter lifetime; the service's clock is moved past it rather than waited for.
const TTL_SECONDS = 3600;
const t = useStack({ linkTtlSeconds: TTL_SECONDS, notifier: false, eventsFeed: false });

describe('expiry', () => {
  it('a link works until INVITE_LINK_TTL_SECONDS after creation, then is LINK_EXPIRED for lookup and join', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    expect((await when(t).lookup(token)).status).toBe(200);
    expect((await when(t).join(token)).status).toBe(201);
    // The service's clock at the link's last instant and past it: nobody waits for it.
    advanceClock(TTL_SECONDS * 1000);
    expect((await when(t).lookup(token)).body.code).toBe('LINK_EXPIRED');
    const joined = await when(t).join(token);
    expect(joined.status).toBe(410);
    expect(joined.body.code).toBe('LINK_EXPIRED');
    expect((await t.as(OWNER).get(linksPath())).body.items.map((l: { id: string }) => l.id)).not.toContain(id);
  });
});

describe('"Delete all existing links"', () => {
  it('kills every existing link at once, for lookup, join and the list', async () => {
    const links = await Promise.all([when(t).linkToken(OWNER), when(t).linkToken(MANAGER), when(t).linkToken(OWNER)]);
    expect((await when(t).revokeAll()).status).toBe(200);
    for (const { token } of links) {
      expect((await when(t).lookup(token)).body.code).toBe('LINK_REVOKED');
      const joined = await when(t).join(token);
      expect([joined.status, joined.body.code]).toEqual([410, 'LINK_REVOKED']);
    }
    expect((await t.as(OWNER).get(linksPath())).body.items).toEqual([]);
  });

  it('leaves new links working', async () => {
    await when(t).revokeAll();
    const fresh = await when(t).linkToken(OWNER);
    expect((await when(t).join(fresh.token)).status).toBe(201);
  });

  it('touches only its own domain', async () => {
    const other = await when(t).linkToken(OTHER_OWNER, { userType: 'STANDARD', primaryTeamId: 'crew' }, OTHER_DOMAIN);
    await when(t).revokeAll();
    expect((await when(t).join(other.token)).status).toBe(201);
  });
});

describe('the domain switch', () => {
  it('when off, no link can be created or used; when on again, old links stay dead', async () => {
    const before = await when(t).linkToken(OWNER);
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);

    const created = await when(t).createLink(OWNER);
    expect([created.status, created.body.code]).toEqual([409, 'LINKS_DISABLED']);
    const onboarding = await t.as(OWNER).post(`${linksPath()}/onboarding`);
    expect([onboarding.status, onboarding.body.code]).toEqual([409, 'LINKS_DISABLED']);
    expect((await when(t).lookup(before.token)).body.code).toBe('LINKS_DISABLED');
    const joined = await when(t).join(before.token);
    expect([joined.status, joined.body.code]).toEqual([410, 'LINKS_DISABLED']);
    expect((await t.as(OWNER).get(linksPath())).body.items).toEqual([]);

    expect((await when(t).setLinksEnabled(true)).status).toBe(200);
    const revived = await when(t).join(before.token);
    expect([revived.status, revived.body.code]).toEqual([410, 'LINK_REVOKED']);
    const after = await when(t).linkToken(OWNER);
    expect((await when(t).join(after.token)).status).toBe(201);
  });

  it('turning it off twice, then on, still revives nothing', async () => {
    const link = await when(t).linkToken(OWNER);
    await when(t).setLinksEnabled(false);
    await when(t).setLinksEnabled(false);
    await when(t).setLinksEnabled(true);
    expect((await when(t).join(link.token)).body.code).toBe('LINK_REVOKED');
  });
});

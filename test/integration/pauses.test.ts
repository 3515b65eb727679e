/**
 * Pauses, which end nothing: "pause all links for N hours" (every link answers LINKS_PAUSED until
 * then or until an admin resumes; invitations by email go on; links can still be made; no join
 * commits after the pause returned), a link that paused itself (LINK_PAUSED, still listed, resumed
 * by its creator or an admin), and the guard a link is made with (its own `pauseAfter`, or the
 * domain's default). Through the local stack; the service's clock is moved, never waited for.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { advanceClock, now } from '#shared/clock.ts';
import { activity } from '#shared/contract/activity.ts';
import { dynamoStore } from '#shared/store/dynamodb/dynamo-store.ts';
import { ENTITY } from '#shared/store/dynamodb/table.ts';
import { activityItems } from '../support/activity-items.ts';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { answered, DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_DOMAIN, OWNER, tokenOf, VIEWER, when } from '../support/steps.ts';

// The notifier sends the invitation's email (its token is only there); events are read from the Activity list.
const t = useStack({ eventsFeed: false });

const settingsPath = (domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/settings/invite-links`;
const pauseAll = (hours: unknown, admin = OWNER, domainId = DEMO_DOMAIN) => t.as(admin).post(`${settingsPath(domainId)}/pause`, { hours });
const resumeAll = (admin = OWNER) => t.as(admin).post(`${settingsPath()}/resume`);
const resumeLink = (id: string, caller: string) => t.as(caller).post(`${linksPath()}/${id}/resume`);
const refusal = (res: { status: number; body: any }) => [res.status, res.body.code];
const entries = async (type: string) => (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=${type}&limit=100`)).body.items as any[];
const listed = async () => (await t.as(OWNER).get(`${linksPath()}?limit=100`)).body.items as { id: string; pausedAt?: string; pauseAfter?: unknown }[];
const membersThrough = async (linkId: string) => ((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${linkId}&limit=100`)).body.items as { userId: string }[]).map((m) => m.userId);
const store = () => dynamoStore(t.db, t.stack.tableName);

const run = randomUUID().slice(0, 8);
/** Invites one address as the owner and reads the token from the email the notifier sends it. */
async function invitationToken(email: string): Promise<string> {
  const res = await t.as(OWNER).post(`/v1/domains/${DEMO_DOMAIN}/invitations`, { emails: [email], userType: 'STANDARD', primaryTeamId: 'producers' });
  expect(res.body.items[0]).toMatchObject({ email, status: 'invited' });
  const emails = async () => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text: string } }[] }).emails.filter((e) => e.destination.to.includes(email));
  const [sent] = await eventually(emails, (found) => found.length > 0, 20_000);
  return tokenOf(/https?:\/\/\S+\/join#\S+/.exec(sent!.body.text)![0]);
}

/** The guard pauses a link as the events feed does: through the store, with the InviteLinkPaused entry. */
async function pauseAsTheGuard(linkId: string) {
  const link = (await store().getInviteLink(linkId))!;
  const at = now().toISOString();
  return store().pauseInviteLink(link, at, 'guard', activity.linkPaused(link, { joins: 2, withinMinutes: 5 }, [{ userId: 'u-someone', email: 'someone@example.test', joinedAt: at }], at));
}

describe('"Pause all links for N hours"', () => {
  it('every link answers LINKS_PAUSED until then, invitations by email still work, links can be made; afterwards every link works again', async () => {
    const links = await Promise.all([when(t).linkToken(OWNER), when(t).linkToken(MANAGER), when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors', maxUses: 5 })]);
    const used = await when(t).join(links[0]!.token);
    expect(used.status).toBe(201);
    const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;

    const paused = await pauseAll(2);
    expect(paused.status).toBe(200);
    const { pausedUntil } = paused.body;
    expect(Date.parse(pausedUntil) - now().getTime()).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(paused.body).toMatchObject({ enabled: true, pausedBy: ownerId, defaultPauseAfter: null });
    expect((await t.as(MANAGER).get(settingsPath())).body).toMatchObject({ pausedUntil, pausedBy: ownerId });

    for (const { token } of links) {
      const looked = await when(t).lookup(token);
      expect(looked.body).toMatchObject({ status: 410, code: 'LINKS_PAUSED', reason: 'links-paused', domainName: 'Demo Media Co', pausedUntil });
      expect(looked.body.detail).toContain(' UTC');
      expect((await when(t).join(token)).body).toMatchObject({ status: 410, code: 'LINKS_PAUSED', pausedUntil });
    }
    // A link made while paused waits like the others; an invitation by email is no link.
    const made = await when(t).linkToken(MANAGER);
    expect(refusal(await when(t).join(made.token))).toEqual([410, 'LINKS_PAUSED']);
    const invited = `invited-${run}@example.test`;
    expect((await when(t).join(await invitationToken(invited), { email: invited, firstName: 'Ida', lastName: 'Invitee' })).status).toBe(201);

    // Nothing was killed: every link is still listed, and works once the time has passed.
    expect((await listed()).map((l) => l.id)).toEqual(expect.arrayContaining([...links, made].map((l) => l.id)));
    advanceClock(2 * 3600_000);
    expect((await t.as(OWNER).get(settingsPath())).body).not.toHaveProperty('pausedUntil');
    for (const { token } of [...links, made]) {
      expect((await when(t).lookup(token)).status).toBe(200);
      expect((await when(t).join(token)).status).toBe(201);
    }
    expect((await entries('InviteLinksPaused'))[0]).toMatchObject({ type: 'InviteLinksPaused', actor: { userId: ownerId, email: OWNER }, pausedUntil, hours: 2 });
  });

  it('an admin resumes them before the time: every link works again at once; with no pause running, resume changes nothing', async () => {
    const link = await when(t).linkToken(MANAGER);
    expect((await pauseAll(72)).status).toBe(200);
    expect(refusal(await when(t).join(link.token))).toEqual([410, 'LINKS_PAUSED']);
    const resumed = await resumeAll();
    expect(resumed.status).toBe(200);
    expect(resumed.body).not.toHaveProperty('pausedUntil');
    expect((await when(t).join(link.token)).status).toBe(201);
    const recorded = (await entries('InviteLinksResumed')).length;
    expect(recorded).toBe(1);
    expect((await resumeAll()).status).toBe(200);
    expect(await entries('InviteLinksResumed')).toHaveLength(recorded);
  });

  it('many links are paused by one request', async () => {
    const links: { token: string; id: string }[] = [];
    // One after another: a creator's links are counted in one record, which parallel creations would contend for.
    for (let i = 0; i < 20; i++) links.push(await when(t).linkToken(i % 2 ? OWNER : MANAGER));
    const working = (await t.as(OWNER).get(settingsPath())).body.activeLinkCount;
    expect((await pauseAll(1)).status).toBe(200);
    try {
      const answers = await Promise.all(links.map(({ token }) => when(t).lookup(token)));
      expect(answers.map((a) => a.body.code)).toEqual(links.map(() => 'LINKS_PAUSED'));
      // Paused, not ended: "delete all existing links" would still end as many.
      expect((await t.as(OWNER).get(settingsPath())).body.activeLinkCount).toBe(working);
    } finally {
      expect((await resumeAll()).status).toBe(200);
    }
  });

  it('joins racing the pause: none commits after the pause returned, and every one after it is refused', async () => {
    const link = await when(t).linkToken(OWNER);
    let pauseReturned = false;
    let firstJoined: () => void;
    const joinedOnce = new Promise<void>((resolve) => (firstJoined = resolve));
    // Each worker joins again and again until refused: joins are in flight while the pause commits.
    const worker = async () => {
      const answers: { status: number; code?: string; userId?: string; afterPause: boolean }[] = [];
      for (let i = 0; i < 40; i++) {
        const afterPause = pauseReturned;
        const res = await when(t).joinAnswered(link.token);
        answers.push({ status: res.status, code: res.body.code, userId: res.body.userId, afterPause });
        if (res.status === 201) firstJoined();
        else break;
      }
      return answers;
    };
    const workers = Array.from({ length: 6 }, worker);
    await joinedOnce;
    expect((await answered(() => pauseAll(1))).status).toBe(200);
    pauseReturned = true;
    const atPause = await membersThrough(link.id);

    const answers = (await Promise.all(workers)).flat();
    const joined = answers.filter((a) => a.status === 201);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.code)).toEqual(Array.from({ length: 6 }, () => 'LINKS_PAUSED'));
    expect(joined.filter((a) => a.afterPause)).toEqual([]);
    expect((await membersThrough(link.id)).sort()).toEqual(atPause.sort());
    expect(atPause.sort()).toEqual(joined.map((a) => a.userId).sort());
    expect((await resumeAll()).status).toBe(200);
  });

  it('only admins pause or resume; another domain is not found; bad input is a 400 naming hours, and pauses nothing', async () => {
    expect(refusal(await pauseAll(1, MANAGER))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await resumeAll(MANAGER))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await pauseAll(1, OWNER, OTHER_DOMAIN))).toEqual([404, 'NOT_FOUND']);
    for (const hours of [0, 73, 1.5, '2', null]) {
      expect((await pauseAll(hours)).body, JSON.stringify(hours)).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'hours' });
    }
    expect((await t.as(OWNER).post(`${settingsPath()}/pause`, {})).body).toMatchObject({ status: 400, field: 'hours' });
    expect((await t.as(OWNER).post(`${settingsPath()}/pause`, { hours: 1, extra: true })).body).toMatchObject({ status: 400, field: 'extra' });
    expect((await t.as(OWNER).get(settingsPath())).body).not.toHaveProperty('pausedUntil');
    expect((await when(t).join((await when(t).linkToken(OWNER)).token)).status).toBe(201);
  });
});

describe('a link that paused itself', () => {
  it('answers LINK_PAUSED to lookup and join, stays listed with pausedAt, and its creator resumes it', async () => {
    const link = await when(t).linkToken(MANAGER);
    expect((await when(t).join(link.token)).status).toBe(201);
    expect(await pauseAsTheGuard(link.id)).toBe('paused');
    expect(await pauseAsTheGuard(link.id)).toBe('unchanged');

    expect((await when(t).lookup(link.token)).body).toMatchObject({ status: 410, code: 'LINK_PAUSED', reason: 'paused', domainName: 'Demo Media Co' });
    expect(refusal(await when(t).join(link.token))).toEqual([410, 'LINK_PAUSED']);
    const pausedAt = (await listed()).find((l) => l.id === link.id)?.pausedAt;
    expect(pausedAt).toEqual(expect.any(String));
    expect((await entries('InviteLinkPaused')).find((e) => e.link.id === link.id)).toMatchObject({ joins: 2, withinMinutes: 5, burst: [{ email: 'someone@example.test' }] });

    const resumed = await resumeLink(link.id, MANAGER);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: link.id, createdByEmail: MANAGER });
    expect(resumed.body).not.toHaveProperty('pausedAt');
    expect((await listed()).find((l) => l.id === link.id)).not.toHaveProperty('pausedAt');
    expect((await when(t).join(link.token)).status).toBe(201);
    const managerId = (await t.as(MANAGER).get('/v1/me')).body.userId;
    expect((await entries('InviteLinkResumed')).filter((e) => e.link.id === link.id)).toEqual([expect.objectContaining({ actor: { userId: managerId, email: MANAGER } })]);
    // Not paused: answered as it is, nothing recorded.
    expect((await resumeLink(link.id, MANAGER)).status).toBe(200);
    expect((await entries('InviteLinkResumed')).filter((e) => e.link.id === link.id)).toHaveLength(1);
  });

  it('an admin resumes anyone’s link; another inviter may not (403), a non-member gets 404; a revoked link says so', async () => {
    const inviter = newPerson('inviter');
    const grant = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', roleGroupIds: ['user-managers'] });
    expect((await when(t).join(grant.token, inviter)).status).toBe(201);
    const link = await when(t).linkToken(MANAGER);
    await pauseAsTheGuard(link.id);

    expect(refusal(await resumeLink(link.id, inviter.email))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await resumeLink(link.id, VIEWER))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await t.as('owner@other.test').post(`${linksPath()}/${link.id}/resume`))).toEqual([404, 'NOT_FOUND']);
    expect(refusal(await when(t).join(link.token))).toEqual([410, 'LINK_PAUSED']);
    expect((await resumeLink(link.id, OWNER)).status).toBe(200);
    expect((await when(t).join(link.token)).status).toBe(201);

    const revoked = await when(t).linkToken(MANAGER);
    await pauseAsTheGuard(revoked.id);
    expect((await t.as(MANAGER).delete(`${linksPath()}/${revoked.id}`)).status).toBe(204);
    expect(refusal(await when(t).join(revoked.token))).toEqual([410, 'LINK_REVOKED']);
    expect(refusal(await resumeLink(revoked.id, MANAGER))).toEqual([410, 'LINK_REVOKED']);
    expect(await pauseAsTheGuard(revoked.id)).toBe('unchanged');
  });

  it('with all links paused too, joins are told the pause of all links first', async () => {
    const link = await when(t).linkToken(OWNER);
    await pauseAsTheGuard(link.id);
    expect((await pauseAll(1)).status).toBe(200);
    try {
      expect(refusal(await when(t).join(link.token))).toEqual([410, 'LINKS_PAUSED']);
      expect(refusal(await when(t).lookup(link.token))).toEqual([410, 'LINKS_PAUSED']);
    } finally {
      expect((await resumeAll()).status).toBe(200);
    }
    expect(refusal(await when(t).join(link.token))).toEqual([410, 'LINK_PAUSED']);
  });
});

describe('the guard a link is made with', () => {
  const GUARD = { joins: 50, withinMinutes: 10 };
  /** The join record the notifier reads, as the table holds it. */
  const joinRecordOf = async (linkId: string) => {
    const Items = await activityItems(t.db, t.stack.tableName, DEMO_DOMAIN);
    return Items.find((i) => i.entityType === ENTITY.Join && i.linkId === linkId);
  };

  it('pauseAfter is on the link, in its views and on its joins’ records; the onboarding link takes one too', async () => {
    const created = await when(t).createLink(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', pauseAfter: GUARD });
    expect(created.status).toBe(201);
    expect(created.body.pauseAfter).toEqual(GUARD);
    expect((await listed()).find((l) => l.id === created.body.id)?.pauseAfter).toEqual(GUARD);
    expect((await when(t).join(tokenOf(created.body.url))).status).toBe(201);
    expect((await joinRecordOf(created.body.id))?.linkPauseAfter).toEqual(GUARD);

    const onboarding = await t.as(OWNER).post(`${linksPath()}/onboarding`, { pauseAfter: { joins: 2, withinMinutes: 1 } });
    expect([onboarding.status, onboarding.body.pauseAfter]).toEqual([201, { joins: 2, withinMinutes: 1 }]);
    const plain = await when(t).createLink(MANAGER);
    expect(plain.body).not.toHaveProperty('pauseAfter');
    expect((await when(t).join(tokenOf(plain.body.url))).status).toBe(201);
    const record = await joinRecordOf(plain.body.id);
    expect(record).toBeDefined();
    expect(record).not.toHaveProperty('linkPauseAfter');
  });

  it('the domain’s default is copied onto a new link made without one; a link’s own wins; links made before keep theirs', async () => {
    const before = await when(t).createLink(MANAGER);
    const set = await t.as(OWNER).put(settingsPath(), { defaultPauseAfter: GUARD });
    expect([set.status, set.body.defaultPauseAfter, set.body.enabled]).toEqual([200, GUARD, true]);
    try {
      expect((await t.as(MANAGER).get(settingsPath())).body.defaultPauseAfter).toEqual(GUARD);
      expect((await when(t).createLink(MANAGER)).body.pauseAfter).toEqual(GUARD);
      expect((await t.as(MANAGER).post(`${linksPath()}/onboarding`)).body.pauseAfter).toEqual(GUARD);
      expect((await when(t).createLink(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', pauseAfter: { joins: 3, withinMinutes: 2 } })).body.pauseAfter).toEqual({ joins: 3, withinMinutes: 2 });
      // null: a link for a crowd, with no guard whatever the default.
      expect((await when(t).createLink(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', pauseAfter: null })).body).not.toHaveProperty('pauseAfter');
      expect((await t.as(MANAGER).post(`${linksPath()}/onboarding`, { pauseAfter: null })).body).not.toHaveProperty('pauseAfter');
      expect((await listed()).find((l) => l.id === before.body.id)).not.toHaveProperty('pauseAfter');
      // Changing the switch or the email domains leaves the default as it is.
      expect((await t.as(OWNER).put(settingsPath(), { allowedEmailDomains: [] })).body.defaultPauseAfter).toEqual(GUARD);
    } finally {
      const cleared = await t.as(OWNER).put(settingsPath(), { defaultPauseAfter: null });
      expect([cleared.status, cleared.body.defaultPauseAfter]).toEqual([200, null]);
    }
    expect((await when(t).createLink(MANAGER)).body).not.toHaveProperty('pauseAfter');
  });

  it('bad guards are a 400 naming the field; only admins set the default', async () => {
    const base = { userType: 'STANDARD', primaryTeamId: 'producers' };
    const cases: [unknown, string][] = [
      [{ joins: 1, withinMinutes: 5 }, 'pauseAfter.joins'],
      [{ joins: 10_001, withinMinutes: 5 }, 'pauseAfter.joins'],
      [{ joins: 2.5, withinMinutes: 5 }, 'pauseAfter.joins'],
      [{ joins: 5, withinMinutes: 0 }, 'pauseAfter.withinMinutes'],
      [{ joins: 5, withinMinutes: 1441 }, 'pauseAfter.withinMinutes'],
      [{ joins: 5 }, 'pauseAfter.withinMinutes'],
      [{ joins: 5, withinMinutes: 5, burst: 1 }, 'pauseAfter.burst'],
    ];
    for (const [pauseAfter, field] of cases) {
      expect((await when(t).createLink(MANAGER, { ...base, pauseAfter })).body, JSON.stringify(pauseAfter)).toMatchObject({ status: 400, field });
      expect((await t.as(OWNER).post(`${linksPath()}/onboarding`, { pauseAfter })).body).toMatchObject({ status: 400, field });
      expect((await t.as(OWNER).put(settingsPath(), { defaultPauseAfter: pauseAfter })).body).toMatchObject({ status: 400, field: field.replace('pauseAfter', 'defaultPauseAfter') });
    }
    expect(refusal(await t.as(MANAGER).put(settingsPath(), { defaultPauseAfter: GUARD }))).toEqual([403, 'FORBIDDEN']);
    expect((await t.as(OWNER).get(settingsPath())).body.defaultPauseAfter).toBeNull();
  });
});

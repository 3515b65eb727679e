/** Link rules: a label, a shorter life, a use limit, allowed email domains, quiet links; each through the front door. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, newPerson, OWNER, when } from '../support/steps.ts';

const t = useStack();
const settingsPath = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
const grant = { userType: 'STANDARD', primaryTeamId: 'producers' };
const personAt = (domain: string) => ({ ...newPerson('rules'), email: `rules-${Math.random().toString(36).slice(2)}@${domain}` });

describe('a link’s own rules', () => {
  it('keeps its label, life and options, and shows them in every view', async () => {
    const created = await when(t).createLink(OWNER, { ...grant, label: 'Spring interns', expiresInSeconds: 3600, maxUses: 5, allowedEmailDomains: ['Example.TEST'], notifyCreator: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ label: 'Spring interns', maxUses: 5, allowedEmailDomains: ['example.test'], notifyCreator: false });
    expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(3600_000);
    const listed = (await t.as(OWNER).get(linksPath())).body.items.find((l: { id: string }) => l.id === created.body.id);
    expect(listed).toMatchObject({ label: 'Spring interns', maxUses: 5, remainingUses: 5, useCount: 0 });
    const lookup = await when(t).lookup(new URL(created.body.url).hash.slice(1));
    expect(lookup.body).toMatchObject({ label: 'Spring interns', allowedEmailDomains: ['example.test'] });
  });

  it('refuses a life shorter than 5 minutes or longer than the domain allows', async () => {
    expect((await when(t).createLink(OWNER, { ...grant, expiresInSeconds: 299 })).body).toMatchObject({ status: 400, field: 'expiresInSeconds' });
    expect((await when(t).createLink(OWNER, { ...grant, expiresInSeconds: 604_801 })).body).toMatchObject({ status: 400, field: 'expiresInSeconds' });
    expect((await when(t).createLink(OWNER, { ...grant, expiresInSeconds: 300 })).status).toBe(201);
  });

  it('8 parallel joins on a 3-use link give exactly 3 members; the rest and later lookups get LINK_USED_UP', async () => {
    const { token, id } = await when(t).linkToken(OWNER, { ...grant, maxUses: 3 });
    const results = await Promise.all(Array.from({ length: 8 }, () => when(t).joinAnswered(token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 410).map((r) => r.body.code)).toEqual(Array(5).fill('LINK_USED_UP'));
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?inviteLinkId=${id}`)).body.items).toHaveLength(3);
    expect((await when(t).lookup(token)).body).toMatchObject({ status: 410, code: 'LINK_USED_UP' });
    // Used up is no longer active: the active links leave it out.
    expect((await t.as(OWNER).get(linksPath())).body.items.some((l: { id: string }) => l.id === id)).toBe(false);
  });

  it('admits only the email domains it names (403 EMAIL_DOMAIN_NOT_ALLOWED otherwise)', async () => {
    const { token } = await when(t).linkToken(OWNER, { ...grant, allowedEmailDomains: ['partner.test'] });
    const outsider = await when(t).join(token, personAt('elsewhere.test'));
    expect(outsider.body).toMatchObject({ status: 403, code: 'EMAIL_DOMAIN_NOT_ALLOWED' });
    expect(outsider.body.detail).toContain('partner.test');
    // Exact: a sub-domain is another domain.
    expect((await when(t).join(token, personAt('sub.partner.test'))).status).toBe(403);
    expect((await when(t).join(token, personAt('partner.test'))).status).toBe(201);
  });

  it('sends no signup email for a quiet link, and names the label in a loud one', async () => {
    const quiet = await when(t).linkToken(OWNER, { ...grant, notifyCreator: false, label: 'Quiet one' });
    const loud = await when(t).linkToken(OWNER, { ...grant, label: 'Loud one' });
    const a = newPerson('quiet');
    const b = newPerson('loud');
    expect((await when(t).join(quiet.token, a)).status).toBe(201);
    expect((await when(t).join(loud.token, b)).status).toBe(201);
    const mails = async () => ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { subject: string; body: { text: string } }[] }).emails;
    await expect.poll(async () => (await mails()).filter((m) => m.body.text.includes(b.email)).length, { timeout: 5_000 }).toBe(1);
    const loudMail = (await mails()).find((m) => m.body.text.includes(b.email))!;
    expect(loudMail.subject).toContain('“Loud one”');
    expect((await mails()).filter((m) => m.body.text.includes(a.email))).toHaveLength(0);
  });

  it('refuses bad values for the new fields with a 400 naming the field (property)', async () => {
    const bad = fc.oneof(
      fc.record({ field: fc.constant('label'), value: fc.oneof(fc.constant(''), fc.constant('x'.repeat(81)), fc.constant('a\u202eb'), fc.integer()) }),
      fc.record({ field: fc.constant('expiresInSeconds'), value: fc.oneof(fc.integer({ max: 299 }), fc.double({ min: 300.1, max: 1000, noInteger: true }), fc.string(), fc.integer({ min: 604_801 })) }),
      fc.record({ field: fc.constant('maxUses'), value: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 10_001 }), fc.constant(1.5), fc.string()) }),
      fc.record({ field: fc.constant('allowedEmailDomains'), value: fc.oneof(fc.constant(['not a domain']), fc.constant(['a.test', 'a.test']), fc.constant(Array.from({ length: 21 }, (_, i) => `d${i}.test`)), fc.constant('a.test'), fc.constant(['@a.test'])) }),
      fc.record({ field: fc.constant('notifyCreator'), value: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
    );
    await fc.assert(
      fc.asyncProperty(bad, async ({ field, value }) => {
        const res = await when(t).createLink(OWNER, { ...grant, [field]: value });
        expect(res.status, JSON.stringify(value)).toBe(400);
        expect(String(res.body.field)).toMatch(new RegExp(`^${field}`));
      }),
      { numRuns: 60 },
    );
  });
});

describe('the domain’s allowed email domains', () => {
  it('are checked at every join together with the link’s own, and [] means any', async () => {
    const { token } = await when(t).linkToken(OWNER, grant);
    const put = await t.as(OWNER).put(settingsPath, { allowedEmailDomains: ['staff.test', 'Partner.test'] });
    expect(put.body).toMatchObject({ enabled: true, allowedEmailDomains: ['staff.test', 'partner.test'] });
    expect((await t.as(OWNER).get(settingsPath)).body).toMatchObject({ allowedEmailDomains: ['staff.test', 'partner.test'], maxLinkLifetimeSeconds: 604800 });
    expect((await when(t).lookup(token)).body.allowedEmailDomains).toEqual(['staff.test', 'partner.test']);
    expect((await when(t).join(token, personAt('elsewhere.test'))).body).toMatchObject({ status: 403, code: 'EMAIL_DOMAIN_NOT_ALLOWED' });
    expect((await when(t).join(token, personAt('staff.test'))).status).toBe(201);

    // A link's own list narrows the domain's.
    const narrow = await when(t).linkToken(OWNER, { ...grant, allowedEmailDomains: ['partner.test', 'other.test'] });
    expect((await when(t).lookup(narrow.token)).body.allowedEmailDomains).toEqual(['partner.test']);
    expect((await when(t).join(narrow.token, personAt('other.test'))).status).toBe(403);

    expect((await t.as(OWNER).put(settingsPath, { allowedEmailDomains: [] })).status).toBe(200);
    expect((await when(t).join(token, personAt('elsewhere.test'))).status).toBe(201);
  });

  it('are for admins to set', async () => {
    const res = await t.as('manager@demo.test').put(settingsPath, { allowedEmailDomains: ['x.test'] });
    expect(res.status).toBe(403);
  });
});

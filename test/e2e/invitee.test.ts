/**
 * The invitee's way in, in headless Chromium: after joining they are signed in and land on Home,
 * which says what they got and who invited them; a reload, Back or Forward afterwards still says
 * they joined; members who may not invite see only Home; every way a link can stop working has
 * its own page naming the organisation, which the join page also puts in its header and title;
 * links whose `#` became `%23`, or that picked up a sentence's punctuation, still open; and a
 * signed-out visitor to /users?domain=… comes back to that domain after signing in.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { pageSteps, screenshot } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_DOMAIN, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext, signedIn, throughProvider } = pageSteps(t, () => browser);
const open: BrowserContext[] = [];

async function tab(viewport: 'desktop' | 'mobile' = 'desktop'): Promise<Page> {
  const { context, page } = await newContext(viewport);
  open.push(context);
  return page;
}

const navLinks = (page: Page) => page.locator('#topbar nav a').allTextContents();

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of open) await context.close();
  await browser?.close();
});

describe('after joining', () => {
  const joiner = newPerson('invitee');
  let page: Page;

  it('signs the person in and lands them on Home in the domain they joined, saying what they got and who invited them', async () => {
    const { token } = await when(t).linkToken(OWNER, {
      userType: 'STANDARD',
      primaryTeamId: 'producers',
      additionalTeamIds: ['marketing'],
      roleGroupIds: ['contributors'],
      groupIds: ['archive'],
      label: 'Spring interns',
      membershipDays: 90,
    });
    page = await tab('mobile');
    await signedIn(page, joiner.email, `/join#${token}`, { givenName: joiner.firstName, familyName: joiner.lastName });
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await page.locator('#joined-notice').getByText("You've joined Demo Media Co").waitFor();
    const grants = await page.locator('.home-grants-list').innerText();
    expect(grants).toContain('Standard');
    expect(grants).toMatch(/Producers\s*primary/);
    expect(grants).toContain('Marketing');
    expect(grants).toContain('Contributors');
    expect(grants).toContain('Archive');
    expect(await page.locator('#joined-via').innerText()).toMatch(/^You joined through “?Spring interns”? from owner@demo\.test on \d+ \w+ \d{4}\.$/);
    // The link's membershipDays: the membership ends on its own, and Home says when.
    expect(await page.locator('#member-until').innerText()).toMatch(/^Your membership of Demo Media Co ends on \d+ \w+ \d{4}.*\. An admin can extend it\.$/);
    // A Standard member without User Managers may not invite: Home is all they are offered.
    expect(await navLinks(page)).toEqual(['Home']);
    await screenshot(page, 'home');
  });

  it('still shows them as joined after a reload, and on Back and Forward to the join page', async () => {
    await page.reload();
    await page.locator('#joined-notice').waitFor();
    await page.goto(`${t.stack.url}/join`);
    await page.getByRole('heading', { name: "You've joined Demo Media Co" }).waitFor();
    await page.goBack();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await page.locator('#joined-notice').waitFor();
    await page.goForward();
    await page.getByRole('heading', { name: "You've joined Demo Media Co" }).waitFor();
    expect(await page.locator('[data-problem]').getAttribute('data-problem')).toBe('JOINED');
  });
});

describe('a member who may not invite', () => {
  it('is sent from / to Home, is told the Users page is not for them, and is offered no New Users, invite modal, Login Settings or Activity', async () => {
    const page = await tab();
    await signedIn(page, VIEWER, '/');
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
    expect(await navLinks(page)).toEqual(['Home']);
    expect(await page.locator('#new-users, #invite-modal').count()).toBe(0);
    expect(await page.locator('.home-grants-list').innerText()).toContain('Browse');
    // Asked for by name, the Users page says why it shows nothing, with the way Home.
    await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    await page.locator('#users-not-allowed').getByRole('link', { name: 'Go to Home' }).waitFor();
    expect(await page.locator('#new-users, #invite-modal, #users-list').count()).toBe(0);
  });

  it('while admins and inviters keep their pages and also get Home', async () => {
    const owner = await tab();
    await signedIn(owner, OWNER, '/');
    await owner.locator('#new-users').waitFor();
    expect(await navLinks(owner)).toEqual(['Home', 'Users', 'Requests', 'Activity', 'Login Settings']);
    const manager = await tab();
    await signedIn(manager, MANAGER, '/');
    await manager.locator('#new-users').waitFor();
    expect(await navLinks(manager)).toEqual(['Home', 'Users', 'Requests', 'Activity']);
  });
});

describe('a link that no longer works', () => {
  let page: Page;

  /** Opens the link signed out and returns the reason the page shows and its heading. */
  async function shown(token: string) {
    await page.goto('about:blank');
    await page.goto(`${t.stack.url}/join#${token}`);
    const card = page.locator('[data-reason]');
    await card.waitFor();
    return { reason: await card.getAttribute('data-reason'), heading: await card.locator('h1').innerText(), title: await page.title() };
  }

  beforeAll(async () => {
    page = await tab('mobile');
  });

  it('says it was withdrawn when its creator revoked it', async () => {
    const { token, id } = await when(t).linkToken(OWNER);
    expect((await t.as(OWNER).delete(`${linksPath()}/${id}`)).status).toBe(204);
    const result = await shown(token);
    expect(result).toMatchObject({ reason: 'revoked', heading: 'This invite to Demo Media Co was withdrawn', title: 'Join Demo Media Co — Invite links' });
    expect(await pageHeaderOrg()).toBe('Demo Media Co');
  });

  it('says its creator can no longer invite when their links were revoked', async () => {
    const { token } = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers' });
    const managerId = (await t.as(MANAGER).get('/v1/me')).body.userId as string;
    expect((await t.as(OWNER).post(`${linksPath()}/revoke-all`, { createdBy: managerId })).status).toBe(200);
    expect(await shown(token)).toMatchObject({ reason: 'creator-links-revoked', heading: 'This invite to Demo Media Co no longer works' });
    expect(await page.locator('[data-reason]').innerText()).toContain('can no longer invite people to Demo Media Co');
  });

  it('says it was used up', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors', maxUses: 1 });
    expect((await when(t).join(token)).status).toBe(201);
    expect(await shown(token)).toMatchObject({ reason: 'used-up', heading: 'Your invite to Demo Media Co has been used up' });
  });

  it('says all links were ended, not that someone deleted this one, after DELETE ALL EXISTING LINKS', async () => {
    const { token } = await when(t).linkToken(OWNER);
    expect((await when(t).revokeAll()).status).toBe(200);
    expect(await shown(token)).toMatchObject({ reason: 'all-deleted', heading: 'Demo Media Co replaced its invite links' });
  });

  it('says links were turned off after it was made, once they are on again', async () => {
    const { token } = await when(t).linkToken(OWNER);
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    expect(await shown(token)).toMatchObject({ reason: 'links-disabled', heading: 'Joining Demo Media Co by link is turned off' });
    expect((await when(t).setLinksEnabled(true)).status).toBe(200);
    const again = await shown(token);
    expect(again).toMatchObject({ reason: 'turned-off', heading: 'This invite to Demo Media Co no longer works' });
    expect(await page.locator('[data-reason]').innerText()).not.toMatch(/deleted/i);
  });

  it('says it expired, with the organisation, when the service says so', async () => {
    // Links live at least 300 s: the answer for an expired link is the API's, played back.
    await page.route('**/v1/join/lookup', (route) =>
      route.fulfill({
        status: 410,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', status: 410, title: 'Gone', detail: 'This invite link has expired.', code: 'LINK_EXPIRED', field: 'token', reason: 'expired', domainName: 'Demo Media Co' }),
      }),
    );
    try {
      expect(await shown('A'.repeat(43))).toMatchObject({ reason: 'expired', heading: 'Your invite to Demo Media Co has expired' });
      await screenshot(page, 'link-expired');
    } finally {
      await page.unroute('**/v1/join/lookup');
    }
  });

  it('says it cannot be found when no link has that token', async () => {
    expect(await shown('B'.repeat(43))).toMatchObject({ reason: 'not-found', heading: 'We can’t find this invite link' });
  });

  const pageHeaderOrg = () => page.locator('#topbar #org-name').textContent();
});

describe('a link mangled by a mail or chat tool', () => {
  it('opens from /join%23<token>, with the token out of the address bar, and the stack logs nothing of it', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const written: string[] = [];
    const record = (...args: unknown[]) => void written.push(args.map(String).join(' '));
    const spies = [
      vi.spyOn(console, 'log').mockImplementation(record),
      vi.spyOn(console, 'error').mockImplementation(record),
      vi.spyOn(console, 'warn').mockImplementation(record),
      vi.spyOn(console, 'info').mockImplementation(record),
    ];
    const page = await tab();
    try {
      for (const mangled of [`/join%23${token}`, `/join%2523${token}`]) {
        const response = await page.goto(`${t.stack.url}${mangled}`);
        expect(response?.status()).toBe(200);
        await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
        expect(page.url()).toBe(`${t.stack.url}/join`);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(written.filter((line) => line.includes(token))).toEqual([]);
  });

  it('opens with a sentence’s full stop, bracket, comma, quote or spaces stuck to it', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const page = await tab('mobile');
    for (const tail of ['.', ')', ').', ',', '>', "'", '"', '%20', '%22.', '%E2%80%9D']) {
      await page.goto('about:blank');
      await page.goto(`${t.stack.url}/join#${token}${tail}`);
      await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
      expect(page.url(), tail).toBe(`${t.stack.url}/join`);
    }
    await page.goto('about:blank');
    await page.goto(`${t.stack.url}/join#%20${token}%20`);
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
  });
});

describe('the join page', () => {
  it('names the organisation in its header and in the tab title', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const page = await tab();
    await page.goto(`${t.stack.url}/join#${token}`);
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
    expect(await page.title()).toBe('Join Demo Media Co — Invite links');
    expect(await page.locator('#topbar #org-name').textContent()).toBe('Demo Media Co');
  });
});

describe('signing in from a link to a domain’s page', () => {
  it('brings a signed-out visitor of /users?domain=… back to that page and domain', async () => {
    // The other domain's owner also manages users in Demo Media Co: two domains to choose from.
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'editors', roleGroupIds: ['user-managers'] });
    expect((await when(t).join(token, { email: OTHER_OWNER, firstName: 'Olive', lastName: 'Other' })).status).toBe(201);
    const memberships = (await t.as(OTHER_OWNER).get('/v1/me')).body.memberships as { domainId: string; domainName: string }[];
    // Whichever is not the first: the one a page would not pick by itself.
    const wanted = memberships[1]!;
    expect([DEMO_DOMAIN, OTHER_DOMAIN]).toContain(wanted.domainId);

    const page = await tab();
    await page.goto(`${t.stack.url}/users?domain=${wanted.domainId}`);
    await page.waitForURL(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, OTHER_OWNER);
    await page.waitForURL(`${t.stack.url}/users?domain=${wanted.domainId}`);
    await page.locator('#users-summary').getByText(wanted.domainName).waitFor();
    expect(await page.locator('#domain-picker').inputValue()).toBe(wanted.domainId);
    for (const href of await page.locator('#topbar nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
      expect(href).toContain(`domain=${wanted.domainId}`);
    }
  });
});

/**
 * Domains in the pages, in headless Chromium at 1280 and 375 px: someone in two domains
 * (owner@other.test, an admin of Other Studio, joins Demo Media Co as a Browse member) sees on
 * every page which domain it is about, in the address and in a picker, and only what they may do
 * there: no page of one domain opens another's, a page they may not use says so, with the picker
 * and a way Home. Login Settings' breadcrumb leads somewhere; the welcome after joining shows once
 * and can be dismissed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { atBothWidths, checkBothWidths, focusedName, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OTHER_DOMAIN, OTHER_OWNER, OWNER, when } from '../support/steps.ts';

// No stream consumers: nothing here reads the emails a join sends or the activity feed, and idle readers poll all the while.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
const open: BrowserContext[] = [];
/** Owner@other.test's tab, signed in once for the file: each test starts it on the address it is about. */
let twoDomains: Page;

async function tab(size: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  const { context, page } = await newContext(size);
  open.push(context);
  return page;
}


const navLinks = (page: Page) => page.locator('#topbar nav a').allTextContents();
const navHrefs = (page: Page) => page.locator('#topbar nav a, #topbar .brand').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
const domainInAddress = (page: Page) => new URL(page.url()).searchParams.get('domain');

beforeAll(async () => {
  browser = await launchChromium();
  // Other Studio's admin joins Demo Media Co as a Browse member, who may not invite there.
  const { token } = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors' });
  const joined = await when(t).join(token, { email: OTHER_OWNER, firstName: 'Olive', lastName: 'Other' });
  if (joined.status !== 201) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
  twoDomains = await tab();
  await signedIn(twoDomains, OTHER_OWNER, `/home?domain=${DEMO_DOMAIN}`);
});

afterAll(async () => {
  for (const context of open) await context.close();
  await browser?.close();
});

// What a page shows is checked at 1280 and 375 px on the same tab, resized; the picker is used at 1280 px on Home and at 375 px on the pages they may not use.
describe('someone in two domains', () => {
  it('sees on Home which domain it is about, and only that domain\'s pages in the top bar, at 1280 and 375 px', async () => {
    const page = twoDomains;
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.goto(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await atBothWidths(page, async (size) => {
      await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
      // A Browse member of Demo Media Co: Home only, though they are an admin elsewhere.
      expect(await navLinks(page), size).toEqual(['Home']);
      for (const href of await navHrefs(page)) expect(href, size).toBe(`/home?domain=${DEMO_DOMAIN}`);
      expect(await page.locator('#domain-picker').inputValue(), size).toBe(DEMO_DOMAIN);
      expect(await page.locator('.home-invite').count(), size).toBe(0);
    });
    await checkBothWidths(page, 'Home, two domains');

    await page.locator('#domain-picker').selectOption({ label: 'Other Studio' });
    await atBothWidths(page, async (size) => {
      await page.getByRole('heading', { name: 'Other Studio', exact: true }).waitFor();
      expect(domainInAddress(page), size).toBe(OTHER_DOMAIN);
      expect(await navLinks(page), size).toEqual(['Home', 'Users', 'Requests', 'Activity', 'Login Settings']);
      for (const href of await navHrefs(page)) expect(href, size).toContain(`?domain=${OTHER_DOMAIN}`);
      expect(await focusedName(page), size).toBe('Domain');
    });
  });

  it('is told, on Users, Requests, Activity and Login Settings of the domain where they may not use them, why, with the picker and that domain\'s Home, at 1280 and 375 px', async () => {
    const page = twoDomains;
    await page.setViewportSize(VIEWPORTS.mobile);
    const pages = [
      { path: '/users', notice: '#users-not-allowed', says: "You're not allowed to see the users of Demo Media Co.", shown: '#users-list' },
      { path: '/requests', notice: '#requests-not-allowed', says: "You're not allowed to decide requests to join Demo Media Co.", shown: '#requests-summary' },
      { path: '/activity', notice: '#activity-not-allowed', says: "You're not allowed to see the activity of Demo Media Co.", shown: '#activity-summary' },
      { path: '/settings', notice: '#not-admin', says: "You're not an admin of Demo Media Co", shown: '#links-enabled' },
    ];
    await page.goto(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
    for (const { path, notice, says, shown } of pages) {
      // Typed in without a domain: the one this tab shows, never another where the page would fit.
      await page.goto(`${t.stack.url}${path}`);
      await atBothWidths(page, async (size) => {
        await page.locator(notice).waitFor();
        expect(await page.locator(notice).innerText(), `${path} at ${size}`).toContain(says);
        expect(domainInAddress(page), `${path} at ${size}`).toBe(DEMO_DOMAIN);
        expect(await page.locator('#domain-picker').inputValue(), `${path} at ${size}`).toBe(DEMO_DOMAIN);
        expect(await page.locator(notice).getByRole('link', { name: 'Go to Home' }).getAttribute('href'), `${path} at ${size}`).toBe(`/home?domain=${DEMO_DOMAIN}`);
        expect(await page.locator(`${shown}, #new-users`).count(), `${path} at ${size}`).toBe(0);
        expect(await navLinks(page), `${path} at ${size}`).toEqual(['Home']);
      });
      await checkBothWidths(page, `${path}, not allowed`);

      await page.locator('#domain-picker').selectOption({ label: 'Other Studio' });
      await atBothWidths(page, async (size) => {
        await page.locator(shown).waitFor();
        expect(domainInAddress(page), `${path} at ${size}`).toBe(OTHER_DOMAIN);
        expect(await navLinks(page), `${path} at ${size}`).toEqual(['Home', 'Users', 'Requests', 'Activity', 'Login Settings']);
      });
      // Back to Demo Media Co for the next page.
      await page.locator('#domain-picker').selectOption({ label: 'Demo Media Co' });
      await page.locator(notice).waitFor();
    }
    await page.goto(`${t.stack.url}/users?domain=${OTHER_DOMAIN}`);
    await atBothWidths(page, async (size) => {
      await page.locator(`#users-list tr[data-email="${OTHER_OWNER}"]`).waitFor();
      expect(await page.locator('#users-summary').innerText(), size).toContain('Other Studio');
    });
  });

  it('puts the domain in the address of every page once chosen, and says so when the address names a domain they are not in', async () => {
    const page = twoDomains;
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.goto(`${t.stack.url}/activity?domain=${OTHER_DOMAIN}&type=MemberJoined`);
    await page.locator('#activity-summary').waitFor();
    expect(domainInAddress(page)).toBe(OTHER_DOMAIN);
    for (const path of ['/home', '/users', '/settings']) {
      await page.goto(`${t.stack.url}${path}`);
      await page.waitForURL(`${t.stack.url}${path}?domain=${OTHER_DOMAIN}`);
    }
    await page.goto(`${t.stack.url}/users?domain=nowhere-studio`);
    const notice = page.locator('#not-a-member');
    await atBothWidths(page, async (size) => {
      await notice.waitFor();
      expect(await notice.innerText(), size).toContain('You are not a member of the domain this address is about');
      expect(await notice.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), size).toEqual([
        `/users?domain=${DEMO_DOMAIN}`,
        `/users?domain=${OTHER_DOMAIN}`,
        '/home',
      ]);
    });
    await checkBothWidths(page, 'not a member');
  });
});

describe('Login Settings’ breadcrumb', () => {
  it('leads to the domain\'s users and to its settings, at 1280 and 375 px', async () => {
    const page = await tab('mobile');
    await signedIn(page, OWNER, `/settings?domain=${DEMO_DOMAIN}`);
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await atBothWidths(page, async (size) => {
      await crumbs.waitFor();
      expect(await crumbs.getByRole('link').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')])), size).toEqual([
        ['Admin', `/users?domain=${DEMO_DOMAIN}`],
        ['Settings', `/settings?domain=${DEMO_DOMAIN}`],
      ]);
      expect(await crumbs.locator('[aria-current="page"]').innerText(), size).toBe('Login Settings');
      // Where the link takes them does not depend on the width; that it can be pressed there does.
      await crumbs.getByRole('link', { name: 'Admin' }).click({ trial: true });
    });
    await checkBothWidths(page, 'Login Settings');
    await crumbs.getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    await page.locator('#new-users').waitFor();
  });
});

describe('the welcome after joining', () => {
  /** A new person joins Demo Media Co through the join page and lands on Home. */
  async function joinedOnHome(size: keyof typeof VIEWPORTS) {
    const person = newPerson('welcomed');
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers' });
    const page = await tab(size);
    await signedIn(page, person.email, `/join#${token}`, { givenName: person.firstName, familyName: person.lastName });
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await page.locator('#joined-notice').getByText("You've joined Demo Media Co").waitFor();
    return page;
  }

  it('greets on the Home they arrive at, and not on a later visit to Home (1280 px)', async () => {
    const page = await joinedOnHome('desktop');
    await checkBothWidths(page, 'Home, welcome');
    await page.reload();
    await page.locator('#joined-notice').waitFor();
    await page.getByRole('link', { name: 'Home' }).click();
    await page.locator('.who-am-i').waitFor();
    expect(await page.locator('#joined-notice').count()).toBe(0);
    await page.goto(`${t.stack.url}/home`);
    await page.locator('.who-am-i').waitFor();
    expect(await page.locator('#joined-notice').count()).toBe(0);
  });

  it('can be dismissed, and stays dismissed (375 px)', async () => {
    const page = await joinedOnHome('mobile');
    await page.getByRole('button', { name: 'Dismiss the welcome' }).click();
    expect(await page.locator('#joined-notice').count()).toBe(0);
    expect(await focusedName(page)).toBe('Demo Media Co');
    await page.locator('.who-am-i').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
    expect(await page.locator('#joined-notice').count()).toBe(0);
    await checkBothWidths(page, 'Home, welcome dismissed');
  });
});

describe('the screenshots', () => {
  it('show Users for someone in two domains, where they may not invite', async () => {
    const page = twoDomains;
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    await page.locator('#users-not-allowed').waitFor();
    await screenshot(page, 'users-not-allowed');
  });
});

/**
 * The join page at 1280 × 800 and 375 × 812, in headless Chromium: on a link with every option
 * (more teams, role groups, legacy groups, a label, email domains, a use limit) the step's buttons
 * are on the first screen and the page names who invited; a signed-in person whose account has
 * names joins with one press (names shown, changeable, Enter sends); someone already in the
 * organisation is told so with a way in instead of Join; a link that ended while the page was open
 * is found out before the person leaves for the provider; times carry their zone's name.
 *
 * Each flow runs once. What depends on the width is checked at both: what must be in view on first
 * paint with the page reloaded at that width in the same tab (same sign-in, same link), texts and
 * whether a button takes a press by resizing, and sideways scrolling and axe with checkBothWidths.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, focusedName, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OWNER, when } from '../support/steps.ts';

// Nothing here reads what the stream's consumers do (emails, events): their readers stay off.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
const open: BrowserContext[] = [];
const SIZES = Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[];

async function tab(): Promise<Page> {
  const { context, page } = await newContext('desktop');
  open.push(context);
  return page;
}

/**
 * The same tab at this width as it first paints there: resized, then reloaded (the link's token and
 * the sign-in stay in the tab's sessionStorage, as across any reload), and `ready` shown again.
 * At desktop, where every tab opens, the page as it was just opened.
 */
async function firstPaintAt(page: Page, size: keyof typeof VIEWPORTS, ready: Locator) {
  if (page.viewportSize()?.width !== VIEWPORTS[size].width) {
    await page.setViewportSize(VIEWPORTS[size]);
    await page.reload();
  }
  await ready.waitFor();
}

/** Wholly on the first screen: the page not scrolled, the element's box inside the viewport. */
async function onFirstScreen(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const scrolled = await page.evaluate(() => scrollY);
  return box !== null && scrolled === 0 && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height;
}

/** A link with every option the invite modal offers. */
const CONFIGURED = {
  userType: 'STANDARD',
  primaryTeamId: 'producers',
  additionalTeamIds: ['marketing', 'editors'],
  roleGroupIds: ['contributors', 'viewers'],
  groupIds: ['archive'],
  label: 'Spring interns 2026',
  maxUses: 25,
  allowedEmailDomains: ['example.test'],
};

const linkPath = (token: string) => `/join#${token}`;

beforeAll(async () => {
  browser = await launchChromium();
});

// A test's tabs close with it: a page left open (a home page after joining) would go on working through the tests after.
afterEach(async () => {
  for (const context of open.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
});

describe('a link with every option, before signing in', () => {
  it('keeps Create account and Sign in on the first screen at both widths, names who invited, and lists every grant a click away', async () => {
    const { token } = await when(t).linkToken(OWNER, CONFIGURED);
    const page = await tab();
    await page.goto(`${t.stack.url}${linkPath(token)}`);
    const createAccount = page.getByRole('button', { name: 'Create account' });
    const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
    for (const size of SIZES) {
      await firstPaintAt(page, size, createAccount);
      await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
      expect(await onFirstScreen(page, createAccount), size).toBe(true);
      expect(await onFirstScreen(page, signIn), size).toBe(true);
      expect(await onFirstScreen(page, page.locator('#allowed-email-domains')), size).toBe(true);
      expect(await page.locator('#invited-by').innerText(), size).toBe('Invited by Olivia Owner · Spring interns 2026');
      expect(await page.locator('#grant-summary').innerText(), size).toBe('As a Standard user in Producers, with 2 more teams, 2 role groups and 1 legacy group.');
    }
    await screenshot(page, 'join-configured', undefined, { fullPage: false });
    await page.getByText('Everything this link gives you').click();
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      const grants = await page.locator('.grants').innerText();
      for (const grant of ['Standard', 'Producers', 'Marketing, Editors', 'Contributors, Viewers', 'Archive']) expect(grants, size).toContain(grant);
    }
    await checkBothWidths(page, 'join, every option');
  });
});

describe('signed in, with names from the account', () => {
  it('joins with one press: the names are shown, not asked again, and Join is on the first screen at both widths', async () => {
    const { token } = await when(t).linkToken(OWNER, CONFIGURED);
    const person = newPerson('one-press');
    const page = await tab();
    await signedIn(page, person.email, linkPath(token), { givenName: person.firstName, familyName: person.lastName });
    const join = page.getByRole('button', { name: 'Join Demo Media Co' });
    for (const size of SIZES) {
      await firstPaintAt(page, size, page.getByRole('heading', { name: `Join Demo Media Co as ${person.email}` }));
      expect(await page.locator('#join-names').innerText(), size).toBe(`Your name: ${person.firstName} ${person.lastName} Change`);
      expect(await page.getByRole('textbox').count(), size).toBe(0);
      expect(await onFirstScreen(page, join), size).toBe(true);
      // Nothing covers it: it would take the press (trial: every check a click makes, without pressing).
      await join.click({ trial: true });
    }
    await checkBothWidths(page, 'join, signed in');
    await join.click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`, { waitUntil: 'commit' });
  });

  it('lets them change the names at both widths, and Enter in a field joins with the new ones', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const person = newPerson('renamed');
    const page = await tab();
    await signedIn(page, person.email, linkPath(token), { givenName: person.firstName, familyName: person.lastName });
    const change = page.getByRole('button', { name: 'Change your name' });
    for (const size of SIZES) {
      await firstPaintAt(page, size, change);
      await change.click();
      expect(await focusedName(page), size).toBe('First name');
      expect(await page.getByLabel('Last name').inputValue(), size).toBe(person.lastName);
    }
    await page.getByLabel('First name').fill('Patricia');
    await checkBothWidths(page, 'join, changing names');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`, { waitUntil: 'commit' });
    const members = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items as { email: string; firstName: string; lastName: string }[];
    expect(members.find((m) => m.email === person.email)).toMatchObject({ firstName: 'Patricia', lastName: person.lastName });
  });
});

describe('someone already in the organisation', () => {
  it(`is told "You're already in Demo Media Co" with a way in on the first screen at both widths, and offered no Join`, async () => {
    const { token } = await when(t).linkToken(OWNER, CONFIGURED);
    const page = await tab();
    const joins: string[] = [];
    page.on('request', (request) => void (new URL(request.url()).pathname === '/v1/join' && joins.push(request.method())));
    await signedIn(page, MANAGER, linkPath(token));
    const wayIn = page.getByRole('link', { name: 'Go to Demo Media Co' });
    for (const size of SIZES) {
      await firstPaintAt(page, size, page.getByRole('heading', { name: "You're already in Demo Media Co" }));
      expect(await page.getByRole('button', { name: /^Join/ }).count(), size).toBe(0);
      expect(await wayIn.getAttribute('href'), size).toBe(`/home?domain=${DEMO_DOMAIN}`);
      expect(await onFirstScreen(page, wayIn), size).toBe(true);
      await wayIn.click({ trial: true });
    }
    await checkBothWidths(page, 'join, already in');
    await screenshot(page, 'join-already-in');
    await wayIn.click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`, { waitUntil: 'commit' });
    expect(joins).toEqual([]);
  });
});

describe('times on the page', () => {
  it(`say until when the link works in the reader's own time, with the zone named, at both widths`, async () => {
    const { token } = await when(t).linkToken(OWNER);
    const { expiresAt } = (await when(t).lookup(token)).body as { expiresAt: string };
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    open.push(context);
    const page = await context.newPage();
    await page.goto(`${t.stack.url}${linkPath(token)}`);
    const parisTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(expiresAt));
    expect(parisTime).toMatch(/^\d{2}:\d{2} CES?T$/);
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      expect(await page.locator('.expiry').innerText(), size).toMatch(new RegExp(`^The link works until \\d{1,2} \\w{3,4} \\d{4}, ${parisTime}\\.$`));
    }
  });
});

describe('a link that ends while the page is open', () => {
  /** Two tabs of one browser showing the link, one opened at each width, each waiting for a press. */
  async function pagesShowing(token: string) {
    const { context, page } = await newContext('desktop');
    open.push(context);
    const second = await context.newPage();
    second.setDefaultTimeout(30_000);
    const pages = [page, second];
    for (const [i, size] of SIZES.entries()) {
      await pages[i]!.setViewportSize(VIEWPORTS[size]);
      await pages[i]!.goto(`${t.stack.url}${linkPath(token)}`);
      await pages[i]!.getByRole('button', { name: 'Create account' }).waitFor();
    }
    return pages;
  }

  /**
   * Create account on one page, Sign in on the other: each says how the link ended, in place of
   * leaving. The two show the same page, so sideways scrolling and axe are checked on it once, at both widths.
   */
  async function pressedAfterItEnded(pages: Page[], heading: string) {
    for (const [i, page] of pages.entries()) {
      await page.getByRole('button', { name: i === 0 ? 'Create account' : 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: heading }).waitFor();
      expect(page.url()).toBe(`${t.stack.url}/join`);
      expect(await focusedName(page)).toBe(heading);
    }
    const [afterCreateAccount, afterSignIn] = await Promise.all(pages.map((page) => page.evaluate(() => document.documentElement.outerHTML)));
    expect(afterSignIn, 'the page after Sign in is the page after Create account').toBe(afterCreateAccount);
    await checkBothWidths(pages[0]!, 'join, ended while open');
  }

  it('says all links were deleted, before sending anyone to the provider, at both widths', async () => {
    const { token } = await when(t).linkToken(OWNER, CONFIGURED);
    const pages = await pagesShowing(token);
    expect((await when(t).revokeAll()).status).toBe(200);
    await pressedAfterItEnded(pages, 'Demo Media Co replaced its invite links');
  });

  // Last in the file: the service's clock stays ahead afterwards.
  it('says it expired, before sending anyone to the provider, at both widths', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', expiresInSeconds: 300 });
    const pages = await pagesShowing(token);
    advanceClock(301_000);
    await pressedAfterItEnded(pages, 'Your invite to Demo Media Co has expired');
  });
});

/**
 * The join page at 1280 × 800 and 375 × 812, in headless Chromium: on a link with every option
 * (more teams, role groups, legacy groups, a label, email domains, a use limit) the step's buttons
 * are on the first screen and the page names who invited; a signed-in person whose account has
 * names joins with one press (names shown, changeable, Enter sends); someone already in the
 * organisation is told so with a way in instead of Join; a link that ended while the page was open
 * is found out before the person leaves for the provider; times carry their zone's name.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, focusedName, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OWNER, when } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
const open: BrowserContext[] = [];
const SIZES = Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[];

async function tab(size: keyof typeof VIEWPORTS): Promise<Page> {
  const { context, page } = await newContext(size);
  open.push(context);
  return page;
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

afterAll(async () => {
  for (const context of open) await context.close();
  await browser?.close();
});

describe('a link with every option, before signing in', () => {
  for (const size of SIZES) {
    it(`keeps Create account and Sign in on the first screen, names who invited, and lists every grant a click away (${size})`, async () => {
      const { token } = await when(t).linkToken(OWNER, CONFIGURED);
      const page = await tab(size);
      await page.goto(`${t.stack.url}${linkPath(token)}`);
      await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
      const createAccount = page.getByRole('button', { name: 'Create account' });
      const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
      await createAccount.waitFor();
      expect(await onFirstScreen(page, createAccount)).toBe(true);
      expect(await onFirstScreen(page, signIn)).toBe(true);
      expect(await onFirstScreen(page, page.locator('#allowed-email-domains'))).toBe(true);
      expect(await page.locator('#invited-by').innerText()).toBe('Invited by Olivia Owner · Spring interns 2026');
      expect(await page.locator('#grant-summary').innerText()).toBe('As a Standard user in Producers, with 2 more teams, 2 role groups and 1 legacy group.');
      await screenshot(page, 'join-configured', undefined, { fullPage: false });
      await page.getByText('Everything this link gives you').click();
      const grants = await page.locator('.grants').innerText();
      for (const grant of ['Standard', 'Producers', 'Marketing, Editors', 'Contributors, Viewers', 'Archive']) expect(grants).toContain(grant);
      await checkBothWidths(page, `join, every option (${size})`);
    });
  }
});

describe('signed in, with names from the account', () => {
  for (const size of SIZES) {
    it(`joins with one press: the names are shown, not asked again, and Join is on the first screen (${size})`, async () => {
      const { token } = await when(t).linkToken(OWNER, CONFIGURED);
      const person = newPerson('one-press');
      const page = await tab(size);
      await signedIn(page, person.email, linkPath(token), { givenName: person.firstName, familyName: person.lastName });
      await page.getByRole('heading', { name: `Join Demo Media Co as ${person.email}` }).waitFor();
      expect(await page.locator('#join-names').innerText()).toBe(`Your name: ${person.firstName} ${person.lastName} Change`);
      expect(await page.getByRole('textbox').count()).toBe(0);
      const join = page.getByRole('button', { name: 'Join Demo Media Co' });
      expect(await onFirstScreen(page, join)).toBe(true);
      await checkBothWidths(page, `join, signed in (${size})`);
      await join.click();
      await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    });

    it(`lets them change the names, and Enter in a field joins with the new ones (${size})`, async () => {
      const { token } = await when(t).linkToken(OWNER);
      const person = newPerson('renamed');
      const page = await tab(size);
      await signedIn(page, person.email, linkPath(token), { givenName: person.firstName, familyName: person.lastName });
      await page.getByRole('button', { name: 'Change your name' }).click();
      expect(await focusedName(page)).toBe('First name');
      expect(await page.getByLabel('Last name').inputValue()).toBe(person.lastName);
      await page.getByLabel('First name').fill('Patricia');
      await checkBothWidths(page, `join, changing names (${size})`);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
      const members = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items as { email: string; firstName: string; lastName: string }[];
      expect(members.find((m) => m.email === person.email)).toMatchObject({ firstName: 'Patricia', lastName: person.lastName });
    });
  }
});

describe('someone already in the organisation', () => {
  for (const size of SIZES) {
    it(`is told "You're already in Demo Media Co" with a way in, and offered no Join (${size})`, async () => {
      const { token } = await when(t).linkToken(OWNER, CONFIGURED);
      const page = await tab(size);
      const joins: string[] = [];
      page.on('request', (request) => void (new URL(request.url()).pathname === '/v1/join' && joins.push(request.method())));
      await signedIn(page, MANAGER, linkPath(token));
      await page.getByRole('heading', { name: "You're already in Demo Media Co" }).waitFor();
      expect(await page.getByRole('button', { name: /^Join/ }).count()).toBe(0);
      const wayIn = page.getByRole('link', { name: 'Go to Demo Media Co' });
      expect(await wayIn.getAttribute('href')).toBe(`/home?domain=${DEMO_DOMAIN}`);
      expect(await onFirstScreen(page, wayIn)).toBe(true);
      await checkBothWidths(page, `join, already in (${size})`);
      if (size === 'desktop') await screenshot(page, 'join-already-in');
      await wayIn.click();
      await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
      expect(joins).toEqual([]);
    });
  }
});

describe('times on the page', () => {
  for (const size of SIZES) {
    it(`say until when the link works in the reader's own time, with the zone named (${size})`, async () => {
      const { token } = await when(t).linkToken(OWNER);
      const { expiresAt } = (await when(t).lookup(token)).body as { expiresAt: string };
      const context = await browser.newContext({ viewport: VIEWPORTS[size], locale: 'en-GB', timezoneId: 'Europe/Paris' });
      open.push(context);
      const page = await context.newPage();
      await page.goto(`${t.stack.url}${linkPath(token)}`);
      const parisTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(expiresAt));
      expect(parisTime).toMatch(/^\d{2}:\d{2} CES?T$/);
      expect(await page.locator('.expiry').innerText()).toMatch(new RegExp(`^The link works until \\d{1,2} \\w{3,4} \\d{4}, ${parisTime}\\.$`));
    });
  }
});

describe('a link that ends while the page is open', () => {
  /** One page per width, each showing the link and waiting for a press. */
  async function pagesShowing(token: string) {
    const pages = await Promise.all(SIZES.map((size) => tab(size)));
    for (const page of pages) {
      await page.goto(`${t.stack.url}${linkPath(token)}`);
      await page.getByRole('button', { name: 'Create account' }).waitFor();
    }
    return pages;
  }

  /** Create account on one page, Sign in on the other: each says how the link ended, in place of leaving. */
  async function pressedAfterItEnded(pages: Page[], heading: string) {
    for (const [i, page] of pages.entries()) {
      await page.getByRole('button', { name: i === 0 ? 'Create account' : 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: heading }).waitFor();
      expect(page.url()).toBe(`${t.stack.url}/join`);
      expect(await focusedName(page)).toBe(heading);
      await checkBothWidths(page, `join, ended while open (${SIZES[i]})`);
    }
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

/**
 * Domains and members in the pages, in headless Chromium at 1280 and 375 px: someone in two
 * domains (owner@other.test, an admin of Other Studio, joins Demo Media Co as a Browse member) sees
 * on every page which domain it is about, in the address and in a picker, and only what they may
 * do there: no page of one domain opens another's, a page they may not use says so. The Users
 * table keeps emails whole at 1280 px and says how people joined quietly; admins grant and take
 * the admin role in the member editor, and the last admin is offered neither Remove nor losing the
 * role. Login Settings' breadcrumb leads somewhere; the welcome after joining shows once and can be
 * dismissed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, focusedName, pageSteps, screenshot, scrollWidth, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OTHER_DOMAIN, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
const open: BrowserContext[] = [];
const SIZES = ['desktop', 'mobile'] as const;

async function tab(size: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  const { context, page } = await newContext(size);
  open.push(context);
  return page;
}

const navLinks = (page: Page) => page.locator('#topbar nav a').allTextContents();
const navHrefs = (page: Page) => page.locator('#topbar nav a, #topbar .brand').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
const domainInAddress = (page: Page) => new URL(page.url()).searchParams.get('domain');
const usersPath = `/v1/domains/${DEMO_DOMAIN}/users`;
const demoUsers = async () => (await t.as(OWNER).get(`${usersPath}?limit=100`)).body as { items: { userId: string; email: string; isAdmin: boolean }[]; adminCount?: number };

/** For each element, its text nodes (the pieces between the page's break points) and how many lines each spans. */
const linesPerSegment = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((elements) =>
    elements.map((el) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const segments: { text: string; lines: number }[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top)));
        segments.push({ text: node.textContent ?? '', lines: tops.size });
      }
      return { email: el.textContent ?? '', segments };
    }),
  );

beforeAll(async () => {
  browser = await launchChromium();
  // Other Studio's admin joins Demo Media Co as a Browse member, who may not invite there.
  const { token } = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors' });
  const joined = await when(t).join(token, { email: OTHER_OWNER, firstName: 'Olive', lastName: 'Other' });
  if (joined.status !== 201) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
});

afterAll(async () => {
  for (const context of open) await context.close();
  await browser?.close();
});

describe('someone in two domains', () => {
  for (const size of SIZES) {
    it(`sees on Home which domain it is about, and only that domain's pages in the top bar (${size})`, async () => {
      const page = await tab(size);
      await signedIn(page, OTHER_OWNER, `/home?domain=${DEMO_DOMAIN}`);
      await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
      // A Browse member of Demo Media Co: Home only, though they are an admin elsewhere.
      expect(await navLinks(page)).toEqual(['Home']);
      for (const href of await navHrefs(page)) expect(href).toBe(`/home?domain=${DEMO_DOMAIN}`);
      expect(await page.locator('#domain-picker').inputValue()).toBe(DEMO_DOMAIN);
      expect(await page.locator('.home-invite').count()).toBe(0);
      await checkBothWidths(page, 'Home, two domains');

      await page.locator('#domain-picker').selectOption({ label: 'Other Studio' });
      await page.getByRole('heading', { name: 'Other Studio', exact: true }).waitFor();
      expect(domainInAddress(page)).toBe(OTHER_DOMAIN);
      expect(await navLinks(page)).toEqual(['Home', 'Users', 'Activity', 'Login Settings']);
      for (const href of await navHrefs(page)) expect(href).toContain(`?domain=${OTHER_DOMAIN}`);
      expect(await focusedName(page)).toBe('Domain');
    });

    it(`is told, on Users, Activity and Login Settings of the domain where they may not use them, why, with the picker and that domain's Home (${size})`, async () => {
      const page = await tab(size);
      const pages = [
        { path: '/users', notice: '#users-not-allowed', says: "You're not allowed to see the users of Demo Media Co.", shown: '#users-list' },
        { path: '/activity', notice: '#activity-not-allowed', says: "You're not allowed to see the activity of Demo Media Co.", shown: '#activity-summary' },
        { path: '/settings', notice: '#not-admin', says: "You're not an admin of Demo Media Co", shown: '#links-enabled' },
      ];
      await signedIn(page, OTHER_OWNER, `/home?domain=${DEMO_DOMAIN}`);
      await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
      for (const { path, notice, says, shown } of pages) {
        // Typed in without a domain: the one this tab shows, never another where the page would fit.
        await page.goto(`${t.stack.url}${path}`);
        await page.locator(notice).waitFor();
        expect(await page.locator(notice).innerText()).toContain(says);
        expect(domainInAddress(page)).toBe(DEMO_DOMAIN);
        expect(await page.locator('#domain-picker').inputValue()).toBe(DEMO_DOMAIN);
        expect(await page.locator(notice).getByRole('link', { name: 'Go to Home' }).getAttribute('href')).toBe(`/home?domain=${DEMO_DOMAIN}`);
        expect(await page.locator(`${shown}, #new-users`).count()).toBe(0);
        expect(await navLinks(page)).toEqual(['Home']);
        await checkBothWidths(page, `${path}, not allowed`);

        await page.locator('#domain-picker').selectOption({ label: 'Other Studio' });
        await page.locator(shown).waitFor();
        expect(domainInAddress(page)).toBe(OTHER_DOMAIN);
        expect(await navLinks(page)).toEqual(['Home', 'Users', 'Activity', 'Login Settings']);
        // Back to Demo Media Co for the next page.
        await page.locator('#domain-picker').selectOption({ label: 'Demo Media Co' });
        await page.locator(notice).waitFor();
      }
      await page.goto(`${t.stack.url}/users?domain=${OTHER_DOMAIN}`);
      await page.locator(`#users-list tr[data-email="${OTHER_OWNER}"]`).waitFor();
      expect(await page.locator('#users-summary').innerText()).toContain('Other Studio');
    });
  }

  it('puts the domain in the address of every page once chosen, and says so when the address names a domain they are not in', async () => {
    const page = await tab();
    await signedIn(page, OTHER_OWNER, `/activity?domain=${OTHER_DOMAIN}&type=MemberJoined`);
    await page.locator('#activity-summary').waitFor();
    expect(domainInAddress(page)).toBe(OTHER_DOMAIN);
    for (const path of ['/home', '/users', '/settings']) {
      await page.goto(`${t.stack.url}${path}`);
      await page.waitForURL(`${t.stack.url}${path}?domain=${OTHER_DOMAIN}`);
    }
    await page.goto(`${t.stack.url}/users?domain=nowhere-studio`);
    const notice = page.locator('#not-a-member');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('You are not a member of the domain this address is about');
    expect(await notice.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      `/users?domain=${DEMO_DOMAIN}`,
      `/users?domain=${OTHER_DOMAIN}`,
      '/home',
    ]);
    await checkBothWidths(page, 'not a member');
  });
});

describe('the Users table', () => {
  // A short email, as most are: a long one would widen the Name column and hide the problem.
  const intern = { email: 'pat.intern@example.test', firstName: 'Pat', lastName: 'Intern' };
  const long = { email: `${'l'.repeat(60 - '@long-emails.test'.length)}@long-emails.test`, firstName: 'Lorna', lastName: 'Longaddress' };

  beforeAll(async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], label: 'Spring interns' });
    expect((await when(t).join(token, intern)).status).toBe(201);
  });

  it('keeps every demo email on one line at 1280 px, and says how people joined quietly', async () => {
    const page = await tab('desktop');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator(`tr[data-email="${intern.email}"]`).waitFor();
    for (const email of [OWNER, MANAGER, VIEWER, OTHER_OWNER]) {
      const cell = page.locator(`tr[data-email="${email}"] .email`);
      const [height, lineHeight] = await cell.evaluate((el) => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).lineHeight)]);
      expect(Math.round(height! / lineHeight!), email).toBe(1);
    }
    const joined = page.locator(`tr[data-email="${intern.email}"] .joined-via`);
    expect(await joined.innerText()).toMatch(/^Joined via “?Spring interns”? from owner@demo\.test, \d+ \w+ \d{4}$/);
    const [weight, color, emailColor] = await joined.evaluate((el) => [getComputedStyle(el).fontWeight, getComputedStyle(el).color, getComputedStyle(el.closest('tr')!.querySelector('.email')!).color]);
    expect(weight).toBe('400');
    // As quiet as the email under each name: secondary text, not the loudest thing on the page.
    expect(color).toBe(emailColor);
    await checkBothWidths(page, 'users table');
  });

  it('breaks a 60-character email after its @ or before a dot at 1280 px, where the pieces fit, and nothing scrolls sideways at 375 px', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Spring interns' });
    expect((await when(t).join(token, long)).status).toBe(201);
    const page = await tab('desktop');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator(`tr[data-email="${long.email}"]`).waitFor();
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      expect(await scrollWidth(page), size).toBeLessThanOrEqual(VIEWPORTS[size].width);
      if (size === 'mobile') continue;
      // One long value does not starve the other columns.
      const widths = await page.locator('table.users.members thead th').evaluateAll((cells) => cells.map((th) => th.getBoundingClientRect().width));
      expect(Math.min(...widths)).toBeGreaterThan(100);
      // Each piece between the break points the page marks sits on one line.
      for (const { email, segments } of await linesPerSegment(page, 'table.users tbody tr[data-email] .email')) {
        expect(segments.length, email).toBeGreaterThan(1);
        for (const segment of segments) expect(segment.lines, `${email}: ${segment.text}`).toBe(1);
      }
    }
  });
});

describe('the admin role in the member editor', () => {
  const removeOf = (page: Page, email: string) => page.locator(`tr[data-email="${email}"] .remove-member`);
  const noteOf = (page: Page, email: string) => page.locator(`tr[data-email="${email}"] .last-admin-note`);

  it('offers neither Remove nor taking the role to the domain’s last admin, saying why (1280 px)', async () => {
    expect((await demoUsers()).adminCount).toBe(1);
    const page = await tab('desktop');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator(`tr[data-email="${MANAGER}"]`).waitFor();
    expect(await removeOf(page, OWNER).count()).toBe(0);
    expect(await noteOf(page, OWNER).innerText()).toBe('Only admin: can’t be removed');
    expect(await removeOf(page, MANAGER).count()).toBe(1);

    await page.locator(`tr[data-email="${OWNER}"] .edit-member`).click();
    const dialog = page.locator('#member-edit');
    const box = dialog.getByRole('checkbox', { name: 'Admin of Demo Media Co' });
    expect(await box.isChecked()).toBe(true);
    expect(await box.isDisabled()).toBe(true);
    expect(await dialog.locator('#member-admin-hint').innerText()).toBe('You are the only admin, and a domain always needs one: make someone else an admin first.');
    await checkBothWidths(page, 'member editor, last admin');
    await page.keyboard.press('Escape');
  });

  it('makes the manager an admin, confirmed like other changes, after which the owner can be removed (1280 px)', async () => {
    const page = await tab('desktop');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator(`tr[data-email="${MANAGER}"] .edit-member`).click();
    const dialog = page.locator('#member-edit');
    await dialog.getByRole('checkbox', { name: 'Admin of Demo Media Co' }).check();
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    expect(await dialog.locator('.change-list').innerText()).toBe('Admin role: Not an admin → Admin');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.locator(`tr[data-email="${MANAGER}"] .badge`).getByText('Admin').waitFor();
    expect(await page.locator('#users-status').innerText()).toContain('is now a Standard user and admin');
    expect((await demoUsers()).items.find((m) => m.email === MANAGER)?.isAdmin).toBe(true);
    // Two admins now: either may be removed or lose the role.
    expect(await removeOf(page, OWNER).count()).toBe(1);
    expect(await noteOf(page, OWNER).count()).toBe(0);
  });

  it('takes the role away again on a phone, and the owner is the last admin once more (375 px)', async () => {
    const page = await tab('mobile');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator(`tr[data-email="${MANAGER}"] .edit-member`).click();
    const dialog = page.locator('#member-edit');
    const box = dialog.getByRole('checkbox', { name: 'Admin of Demo Media Co' });
    expect(await box.isDisabled()).toBe(false);
    await checkBothWidths(page, 'member editor, admin role');
    await box.uncheck();
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    expect(await dialog.locator('.change-list').innerText()).toBe('Admin role: Admin → Not an admin');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator(`tr[data-email="${MANAGER}"] .badge`).count()).toBe(0);
    expect((await demoUsers()).items.find((m) => m.email === MANAGER)?.isAdmin).toBe(false);
    expect(await removeOf(page, OWNER).count()).toBe(0);
    expect(await noteOf(page, OWNER).isVisible()).toBe(true);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(VIEWPORTS.mobile.width);
  });
});

describe('Login Settings’ breadcrumb', () => {
  for (const size of SIZES) {
    it(`leads to the domain's users and to its settings (${size})`, async () => {
      const page = await tab(size);
      await signedIn(page, OWNER, `/settings?domain=${DEMO_DOMAIN}`);
      const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
      await crumbs.waitFor();
      expect(await crumbs.getByRole('link').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([
        ['Admin', `/users?domain=${DEMO_DOMAIN}`],
        ['Settings', `/settings?domain=${DEMO_DOMAIN}`],
      ]);
      expect(await crumbs.locator('[aria-current="page"]').innerText()).toBe('Login Settings');
      await checkBothWidths(page, 'Login Settings');
      await crumbs.getByRole('link', { name: 'Admin' }).click();
      await page.waitForURL(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
      await page.locator('#new-users').waitFor();
    });
  }
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
  it('show Users for someone in two domains, where they may not invite, and the member editor with the admin role', async () => {
    const page = await tab('desktop');
    await signedIn(page, OTHER_OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator('#users-not-allowed').waitFor();
    await screenshot(page, 'users-not-allowed');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator(`tr[data-email="${MANAGER}"] .edit-member`).click();
    await page.locator('#member-admin').waitFor();
    await screenshot(page, 'member-edit-admin', '#member-edit');
  });
});

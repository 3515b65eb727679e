/**
 * Members on the Users page, in headless Chromium at 1280 and 375 px: the table keeps demo emails
 * whole at 1280 px, breaks long ones after their @ or before a dot, gives every column room and
 * says how people joined quietly; nothing scrolls sideways at 375 px. Admins grant and take the
 * admin role in the member editor, confirmed like other changes, and the domain's last admin is
 * offered neither Remove nor losing the role, with the reason shown.
 *
 * The owner signs in once, in one tab for the file; each test opens the Users page afresh in it, at
 * the width it is about.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, scrollWidth, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

// Nothing here reads what the stream's consumers do (emails, events): their readers stay off.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
const SIZES = ['desktop', 'mobile'] as const;
/** The owner's tab, signed in once for the file. */
let owner: { context: BrowserContext; page: Page };

/** The owner's Users page, loaded afresh at this width. */
async function usersPage(size: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  const { page } = owner;
  await page.setViewportSize(VIEWPORTS[size]);
  await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
  return page;
}

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
  // Other Studio's admin joins Demo Media Co as a Browse member, who may not invite there; the browser starts meanwhile.
  const joinOtherOwner = async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors' });
    const joined = await when(t).join(token, { email: OTHER_OWNER, firstName: 'Olive', lastName: 'Other' });
    if (joined.status !== 201) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
  };
  [browser] = await Promise.all([launchChromium(), joinOtherOwner()]);
  owner = await newContext('desktop');
  await signedIn(owner.page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
});

afterAll(async () => {
  await owner?.context.close();
  await browser?.close();
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
    const page = await usersPage('desktop');
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
    const page = await usersPage('desktop');
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
    const page = await usersPage('desktop');
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
    const page = await usersPage('desktop');
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
    const page = await usersPage('mobile');
    await page.locator(`tr[data-email="${MANAGER}"] .edit-member`).click();
    const dialog = page.locator('#member-edit');
    const box = dialog.getByRole('checkbox', { name: 'Admin of Demo Media Co' });
    expect(await box.isDisabled()).toBe(false);
    await checkBothWidths(page, 'member editor, admin role');
    await box.uncheck();
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    expect(await dialog.locator('.change-list').innerText()).toBe('Admin role: Admin → Not an admin');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    // The saved row replaces the old one once the service answers: as long as a loaded machine needs.
    await page.locator('#member-edit').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator(`tr[data-email="${MANAGER}"] .badge`).count(), { timeout: 20_000 }).toBe(0);
    expect((await demoUsers()).items.find((m) => m.email === MANAGER)?.isAdmin).toBe(false);
    expect(await removeOf(page, OWNER).count()).toBe(0);
    expect(await noteOf(page, OWNER).isVisible()).toBe(true);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(VIEWPORTS.mobile.width);
  });
});

describe('a membership that ends on its own', () => {
  it('says until when in its row, and an admin extends it in the member editor (1280 px)', async () => {
    const contractor = { email: 'casey.contractor@example.test', firstName: 'Casey', lastName: 'Contractor' };
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', membershipDays: 30 });
    expect((await when(t).join(token, contractor)).status).toBe(201);
    const page = await usersPage('desktop');
    const until = page.locator(`tr[data-email="${contractor.email}"] .member-until`);
    expect(await until.innerText()).toMatch(/^until \d+ \w+ \d{4}$/);

    await page.locator(`tr[data-email="${contractor.email}"] .edit-member`).click();
    const dialog = page.locator('#member-edit');
    const later = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel('Membership ends on').fill(later);
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    expect(await dialog.locator('.change-list').innerText()).toMatch(/^Membership: \d+ \w+ \d{4} → \d+ \w+ \d{4}$/);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#member-edit').waitFor({ state: 'detached' });
    const saved = (await t.as(OWNER).get(`${usersPath}?limit=100`)).body.items.find((m: { email: string }) => m.email === contractor.email);
    expect(saved.memberUntil.slice(0, 10)).toBe(later);
  });
});

describe('the screenshots', () => {
  it('show the member editor with the admin role', async () => {
    const page = await usersPage('desktop');
    await page.locator(`tr[data-email="${MANAGER}"] .edit-member`).click();
    await page.locator('#member-admin').waitFor();
    await screenshot(page, 'member-edit-admin', '#member-edit');
  });
});

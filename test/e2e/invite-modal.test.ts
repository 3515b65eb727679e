/**
 * The invite modal leads with Copy, at 1280 and 375 px: Copy link is in view when it opens (the
 * optional settings folded away); pressed again with the same settings it copies the same link,
 * and a changed setting makes a new one; Share hands the link to the system share sheet where the
 * browser has one; Revoke buttons are told apart when labels repeat; the onboarding link's two
 * buttons are one size. Active means usable: a used-up link is not listed, and the modal, Login
 * Settings and the switch-off confirmation give the same count.
 *
 * One owner's tab for the file: each flow runs once, and what depends on the width (in view, sizes,
 * sideways scrolling, axe) is checked at both, the modal opened afresh at each width where what is
 * checked is how it opens.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { axeViolations, pageSteps, scrollWidth, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, OWNER, when } from '../support/steps.ts';

// Nothing here reads what the stream's consumers do (emails, events): their readers stay off.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
const SIZES = Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[];

/** expect.poll waits 1 s by default: too little for a round trip on a busy machine. */
const SLOW = { timeout: 20_000 };
const grant = { userType: 'STANDARD', primaryTeamId: 'producers' };
const activeLinks = async () => (await t.as(OWNER).get(`${linksPath()}?limit=100`)).body.items as { id: string; label?: string; url?: string }[];
const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());
const emptyClipboard = (page: Page) => page.evaluate(() => navigator.clipboard.writeText(''));

/** A stand-in for the system share sheet: it keeps what it was given. */
function shareSheet() {
  const shared: ShareData[] = [];
  Object.defineProperty(Navigator.prototype, 'share', {
    configurable: true,
    value: async (data: ShareData) => {
      shared.push(data);
    },
  });
  Object.defineProperty(window, 'sharedLinks', { value: shared });
}

/** Opens the invite modal afresh (closing it first if open), its links listed as they are now. */
async function openModal(page: Page) {
  const modal = page.locator('#invite-modal');
  if (await modal.isVisible()) await page.keyboard.press('Escape');
  await page.locator('#new-users').click();
  await modal.getByRole('button', { name: 'Copy link' }).waitFor();
  // The list (empty too, so attached rather than visible) is there once its first page came; "Loading the active links…" is not it.
  await modal.locator('#active-links .link-list').waitFor({ state: 'attached' });
  return modal;
}

/** Whether the element is inside the viewport and inside the dialog's visible box. */
async function inView(page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!;
  const dialog = (await page.locator('#invite-modal').boundingBox())!;
  const viewport = page.viewportSize()!;
  return box.y >= 0 && box.y + box.height <= Math.min(viewport.height, dialog.y + dialog.height) && box.x + box.width <= viewport.width;
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the invite modal', () => {
  let owner: { context: BrowserContext; page: Page };
  const usersUrl = () => `${t.stack.url}/users?domain=${DEMO_DOMAIN}`;

  beforeAll(async () => {
    expect((await when(t).revokeAll()).status).toBe(200);
    owner = await newContext('desktop');
    await signedIn(owner.page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
  });
  afterAll(async () => {
    await owner?.context.close();
  });
  // Each test starts on the Users page at 1280 px, whatever the one before left open.
  beforeEach(async () => {
    const { page } = owner;
    await page.setViewportSize(VIEWPORTS.desktop);
    if (page.url() !== usersUrl()) await page.goto(usersUrl());
    await page.locator('#new-users').waitFor();
  });

  it('opens with Copy link in view at both widths, the optional settings folded away', async () => {
    const { page } = owner;
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      const modal = await openModal(page);
      expect(await inView(page, '#copy-link'), size).toBe(true);
      expect(await modal.locator('#more-settings').evaluate((el) => (el as HTMLDetailsElement).open), size).toBe(false);
      expect(await modal.getByRole('checkbox', { name: 'Contributors' }).isVisible(), size).toBe(false);
      expect(await modal.locator('#link-summary').innerText(), size).toBe('New link: Standard · Editors (primary team) · works 7 days · unlimited uses');
      // Without a system share sheet (headless Chromium on Linux has none), there is no Share.
      expect(await modal.getByRole('button', { name: 'Share link' }).count(), size).toBe(0);
      expect(await scrollWidth(page), size).toBeLessThanOrEqual(VIEWPORTS[size].width);
      expect(await axeViolations(page), size).toEqual([]);
    }
  });

  it('keeps Copy in view at both widths with the settings scrolled, copies the same link on a second press with the same settings, and makes a new one when a setting changes', async () => {
    const { page } = owner;
    const label = 'Spring interns';
    const modal = await openModal(page);
    await modal.locator('#more-settings > summary').click();
    await modal.getByRole('textbox', { name: /^Label/ }).fill(label);
    // Copy stays in view while the settings scroll under it.
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      await modal.locator('#more-settings').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      expect(await inView(page, '#copy-link'), size).toBe(true);
    }
    // The pressing is not about the width: it runs once, at 1280 px.
    await page.setViewportSize(VIEWPORTS.desktop);
    const labelled = async () => (await activeLinks()).filter((l) => l.label === label);

    await modal.locator('#copy-link').click();
    await modal.locator('.invite-form .copy-result').getByText('Link copied to the clipboard.').waitFor();
    await expect.poll(labelled, SLOW).toHaveLength(1);
    const first = await clipboard(page);
    expect(first).toMatch(/\/join#[A-Za-z0-9_-]{43}$/);

    await emptyClipboard(page);
    await modal.locator('#copy-link').click();
    await expect.poll(() => clipboard(page), SLOW).toBe(first);
    await modal.locator('.invite-form .copy-result').getByText('The same link as before').waitFor();
    expect(await labelled()).toHaveLength(1);

    await modal.getByRole('checkbox', { name: 'Contributors' }).check();
    await emptyClipboard(page);
    await modal.locator('#copy-link').click();
    await expect.poll(labelled, SLOW).toHaveLength(2);
    await expect.poll(() => clipboard(page), SLOW).toMatch(/\/join#/);
    expect(await clipboard(page)).not.toBe(first);
    expect(await modal.locator('.invite-form .copy-result').innerText()).not.toContain('The same link as before');
  });

  it('gives the Revoke buttons of links with one label different names', async () => {
    const { page } = owner;
    const twins = 'Twins';
    for (let i = 0; i < 2; i++) await when(t).linkToken(OWNER, { ...grant, label: twins });
    const modal = await openModal(page);
    const rows = modal.locator('.link-item').filter({ hasText: twins });
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      expect(await rows.count(), size).toBe(2);
      const names = await rows.getByRole('button', { name: /^Revoke/ }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
      expect(names, size).toHaveLength(2);
      expect(new Set(names).size, size).toBe(2);
      for (const name of names) expect(name, size).toContain(`Revoke link: ${twins}, made `);
    }
  });

  it('shows the onboarding link’s Copy and New onboarding link as a pair of one size at both widths', async () => {
    const { page } = owner;
    const modal = await openModal(page);
    await modal.getByRole('button', { name: 'Copy onboarding link' }).click();
    const copy = modal.locator('#copy-onboarding-link');
    const make = modal.locator('#new-onboarding-link');
    await copy.waitFor();
    const fontSize = (el: Element) => getComputedStyle(el).fontSize;
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      await make.scrollIntoViewIfNeeded();
      const [a, b] = [(await copy.boundingBox())!, (await make.boundingBox())!];
      expect(Math.abs(a.height - b.height), size).toBeLessThan(1);
      expect(Math.abs(a.width - b.width), size).toBeLessThan(1);
      expect(await copy.evaluate(fontSize), size).toBe(await make.evaluate(fontSize));
      expect(await axeViolations(page), size).toEqual([]);
    }
    await page.keyboard.press('Escape');
  });

  it('offers Share, in view at both widths, where the browser has a share sheet, and hands it the same link Copy copied', async () => {
    // A second tab of the owner's browser, this one with a share sheet.
    const page = await owner.context.newPage();
    page.setDefaultTimeout(30_000);
    try {
      await page.addInitScript(shareSheet);
      await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
      let modal!: Awaited<ReturnType<typeof openModal>>;
      for (const size of SIZES) {
        await page.setViewportSize(VIEWPORTS[size]);
        modal = await openModal(page);
        expect(await inView(page, '#share-link'), size).toBe(true);
      }
      // The pressing is not about the width: it runs once, at 1280 px.
      await page.setViewportSize(VIEWPORTS.desktop);
      const share = modal.getByRole('button', { name: 'Share link' });
      const before = (await activeLinks()).length;

      await modal.locator('#copy-link').click();
      await modal.locator('.invite-form .copy-result').getByText('Link copied to the clipboard.').waitFor();
      const copied = await clipboard(page);
      await share.click();
      await modal.locator('.invite-form .copy-result').getByText('Link shared.').waitFor();
      const shared = await page.evaluate(() => (window as unknown as { sharedLinks: ShareData[] }).sharedLinks);
      expect(shared).toHaveLength(1);
      expect(shared[0]!.url).toBe(copied);
      expect(shared[0]!.title).toBe('Join Demo Media Co');
      expect(await activeLinks()).toHaveLength(before + 1);
      for (const size of SIZES) {
        await page.setViewportSize(VIEWPORTS[size]);
        expect(await axeViolations(page), size).toEqual([]);
      }
    } finally {
      await page.close();
    }
  });

  it('counts only usable links: a used-up link is not listed, and the modal, Login Settings and the switch-off confirmation agree', async () => {
    const { page } = owner;
    for (const n of [1, 2]) await when(t).linkToken(OWNER, { ...grant, label: `Working ${n}` });
    const usedUp = await when(t).linkToken(OWNER, { ...grant, label: 'Used up', maxUses: 1 });
    expect((await when(t).join(usedUp.token)).status).toBe(201);
    const count = (await activeLinks()).length;
    expect(count).toBeGreaterThan(1);
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links`)).body.activeLinkCount).toBe(count);

    const modal = await openModal(page);
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      await modal.locator('#active-links-title').getByText(`Active links (${count})`).waitFor();
      expect(await modal.locator('#active-links .link-item').count(), size).toBe(count);
      expect(await modal.locator('#active-links .link-item').filter({ hasText: 'Used up' }).count(), size).toBe(0);
    }
    await page.keyboard.press('Escape');

    await page.goto(`${t.stack.url}/settings?domain=${DEMO_DOMAIN}`);
    await page.locator('#active-link-count').getByText(`${count} active links stop working immediately.`).waitFor();
    await page.getByRole('switch', { name: 'Allow invite links' }).click();
    const confirm = page.locator('#confirm-turn-off');
    await confirm.getByText(`${count} active invite links of Demo Media Co, onboarding links included, stop working at once`).waitFor();
    for (const size of SIZES) {
      await page.setViewportSize(VIEWPORTS[size]);
      expect(await axeViolations(page), size).toEqual([]);
    }
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('switch', { name: 'Allow invite links' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'DELETE ALL EXISTING LINKS' }).click();
    await page.locator('#confirm-revoke-all').getByText(`${count} active invite links of Demo Media Co`).waitFor();
    await page.keyboard.press('Escape');
  });
});

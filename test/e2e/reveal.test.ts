/**
 * Copy on a listed link works in any browser of whoever may copy it: the link's creator in a fresh
 * browser copies a link made elsewhere, an admin copies anyone's, and a manager sees Copy only on
 * their own links, with one line saying why rather than a "No Copy" under every row. At both widths,
 * with no axe violation: each flow runs once in its own fresh browser, and its page is checked at
 * both widths by resizing it (a press of Copy at each width where pressing is what is checked).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, OWNER, when } from '../support/steps.ts';

// Nothing here reads what the stream's consumers do (emails, events): their readers stay off.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
/** expect.poll waits 1 s by default: too little for a round trip on a busy machine. */
const SLOW = { timeout: 20_000 };

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A link made through the API, as another browser would have made it. */
async function linkMadeElsewhere(creator: string, label: string): Promise<{ id: string; url: string }> {
  const res = await when(t).createLink(creator, { userType: 'STANDARD', primaryTeamId: 'producers', label });
  expect(res.status).toBe(201);
  return res.body;
}

/**
 * A fresh browser (nothing kept from before) signed in as `email`, with the invite modal open on its
 * links. Its clock is the test's to move: a pressed Copy says "Copied ✓" for 2.5 s before it is
 * Copy again, and a test that presses twice moves the clock on rather than waiting.
 */
async function freshBrowserWithModal(email: string) {
  const { context, page } = await newContext('desktop');
  await context.clock.install();
  await signedIn(page, email, `/users?domain=${DEMO_DOMAIN}`);
  await page.locator('#new-users').click();
  const modal = page.locator('#invite-modal');
  await modal.locator('#active-links .link-list').waitFor();
  return { context, page, modal };
}

const rowOf = (page: Page, label: string) => page.locator('#invite-modal .link-item').filter({ hasText: label });
const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

const revealsOf = async (linkId: string) =>
  ((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=InviteLinkRevealed`)).body.items as { actor: { email: string }; link: { id: string } }[]).filter((e) => e.link.id === linkId);

describe('Copy in a browser that did not make the link', () => {
  it('the creator copies their link made elsewhere, at 1280 px and again at 375 px, and the activity says they did, once', async () => {
    const label = 'Made elsewhere';
    const link = await linkMadeElsewhere(MANAGER, label);
    const { context, page } = await freshBrowserWithModal(MANAGER);
    try {
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('invite-links.made-links')))).toEqual([]);
      const row = rowOf(page, label);
      await row.getByRole('button', { name: /^Copy/ }).click();
      await expect.poll(() => clipboard(page), SLOW).toBe(link.url);
      expect((await revealsOf(link.id)).map((e) => e.actor.email)).toEqual([MANAGER]);
      // Pressed again, at the other width once the button says Copy again: the same address, from this page, without asking the API once more.
      await page.clock.fastForward(2_500);
      await page.setViewportSize(VIEWPORTS.mobile);
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await row.getByRole('button', { name: /^Copy/ }).click();
      await expect.poll(() => clipboard(page), SLOW).toBe(link.url);
      expect(await revealsOf(link.id)).toHaveLength(1);
      await checkBothWidths(page, "the creator's links in a fresh browser");
    } finally {
      await context.close();
    }
  });

  it('an admin copies a link someone else made, at both widths', async () => {
    const label = "Manager's for the owner";
    const link = await linkMadeElsewhere(MANAGER, label);
    const { context, page } = await freshBrowserWithModal(OWNER);
    try {
      for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
        await page.setViewportSize(VIEWPORTS[size]);
        await page.evaluate(() => navigator.clipboard.writeText(''));
        await rowOf(page, label).getByRole('button', { name: /^Copy/ }).click();
        await expect.poll(() => clipboard(page), SLOW).toBe(link.url);
        await page.clock.fastForward(2_500);
      }
    } finally {
      await context.close();
    }
  });
});

describe('who sees Copy', () => {
  it('a manager sees Copy only on their own links, and one line about the others instead of one under each, at both widths', async () => {
    await linkMadeElsewhere(OWNER, "Owner's first");
    await linkMadeElsewhere(OWNER, "Owner's second");
    await linkMadeElsewhere(MANAGER, "Manager's own");
    const { context, page, modal } = await freshBrowserWithModal(MANAGER);
    try {
      for (const size of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
        await page.setViewportSize(VIEWPORTS[size]);
        for (const label of ["Owner's first", "Owner's second"]) {
          const theirs = rowOf(page, label);
          await theirs.waitFor();
          expect(await theirs.getByRole('button', { name: /^Copy/ }).count(), `${label} (${size})`).toBe(0);
        }
        expect(await rowOf(page, "Manager's own").getByRole('button', { name: /^Copy/ }).count(), size).toBe(1);
        expect(await modal.getByText('No Copy', { exact: false }).count(), size).toBe(0);
        expect(await modal.locator('#copy-rule').innerText(), size).toBe('Only a link’s creator or an admin can copy it.');
      }
      await checkBothWidths(page, "a manager's links");
      await page.setViewportSize(VIEWPORTS.desktop);
      await modal.locator('#copy-rule').scrollIntoViewIfNeeded();
      await screenshot(page, 'invite-modal-copy-rule', undefined, { fullPage: false });
    } finally {
      await context.close();
    }
  });
});

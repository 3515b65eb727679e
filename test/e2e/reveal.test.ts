/**
 * Copy on a listed link works in any browser of whoever may copy it: the link's creator in a fresh
 * browser copies a link made elsewhere, an admin copies anyone's, and a manager sees Copy only on
 * their own links, with one line saying why rather than a "No Copy" under every row. At both widths,
 * with no axe violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, OWNER, when } from '../support/steps.ts';

const t = useStack({ notifier: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
/** expect.poll waits 1 s by default: too little for a round trip on a busy machine. */
const SLOW = { timeout: 20_000 };
const WIDTHS = Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[];

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

/** A fresh browser (nothing kept from before) signed in as `email`, with the invite modal open on its links. */
async function freshBrowserWithModal(email: string, width: keyof typeof VIEWPORTS) {
  const { context, page } = await newContext(width);
  await signedIn(page, email, `/users?domain=${DEMO_DOMAIN}`);
  await page.locator('#new-users').click();
  const modal = page.locator('#invite-modal');
  await modal.locator('#active-links .link-list').waitFor();
  return { context, page, modal };
}

const rowOf = (page: Page, label: string) => page.locator('#invite-modal .link-item').filter({ hasText: label });
const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

describe('Copy in a browser that did not make the link', () => {
  it.each(WIDTHS)('the creator copies their link made elsewhere, and the activity says they did (%s)', async (width) => {
    const label = `Made elsewhere ${width}`;
    const link = await linkMadeElsewhere(MANAGER, label);
    const { context, page } = await freshBrowserWithModal(MANAGER, width);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('invite-links.made-links')))).toEqual([]);
    const row = rowOf(page, label);
    await row.getByRole('button', { name: /^Copy/ }).click();
    await expect.poll(() => clipboard(page), SLOW).toBe(link.url);
    const entries = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=InviteLinkRevealed`)).body.items as { actor: { email: string }; link: { id: string } }[];
    expect(entries.filter((e) => e.link.id === link.id).map((e) => e.actor.email)).toEqual([MANAGER]);
    // Pressed again: the same address, from this page, without asking the API once more.
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await row.getByRole('button', { name: /^Copy/ }).click();
    await expect.poll(() => clipboard(page), SLOW).toBe(link.url);
    const again = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=InviteLinkRevealed`)).body.items as { link: { id: string } }[];
    expect(again.filter((e) => e.link.id === link.id)).toHaveLength(1);
    await checkBothWidths(page, `the creator's links in a fresh browser (${width})`);
    await context.close();
  });

  it.each(WIDTHS)('an admin copies a link someone else made (%s)', async (width) => {
    const label = `Manager's for the owner ${width}`;
    const link = await linkMadeElsewhere(MANAGER, label);
    const { context, page } = await freshBrowserWithModal(OWNER, width);
    await rowOf(page, label).getByRole('button', { name: /^Copy/ }).click();
    await expect.poll(() => clipboard(page), SLOW).toBe(link.url);
    await context.close();
  });
});

describe('who sees Copy', () => {
  it.each(WIDTHS)('a manager sees Copy only on their own links, and one line about the others instead of one under each (%s)', async (width) => {
    await linkMadeElsewhere(OWNER, `Owner's first ${width}`);
    await linkMadeElsewhere(OWNER, `Owner's second ${width}`);
    await linkMadeElsewhere(MANAGER, `Manager's own ${width}`);
    const { context, page, modal } = await freshBrowserWithModal(MANAGER, width);
    for (const label of [`Owner's first ${width}`, `Owner's second ${width}`]) {
      const theirs = rowOf(page, label);
      await theirs.waitFor();
      expect(await theirs.getByRole('button', { name: /^Copy/ }).count(), label).toBe(0);
    }
    expect(await rowOf(page, `Manager's own ${width}`).getByRole('button', { name: /^Copy/ }).count()).toBe(1);
    expect(await modal.getByText('No Copy', { exact: false }).count()).toBe(0);
    expect(await modal.locator('#copy-rule').innerText()).toBe('Only a link’s creator or an admin can copy it.');
    await checkBothWidths(page, `a manager's links (${width})`);
    if (width === 'desktop') {
      await modal.locator('#copy-rule').scrollIntoViewIfNeeded();
      await screenshot(page, 'invite-modal-copy-rule', undefined, { fullPage: false });
    }
    await context.close();
  });
});

/**
 * Links that are safe to share, in the admin's pages, end to end in headless Chromium: Login
 * Settings pauses every link for some hours (confirmed; links answer LINKS_PAUSED) and says until
 * when, Resume brings them back, and it sets the guard new links get; the invite modal makes a link
 * that needs approval and pauses itself, starting from that guard, each number checked at its box;
 * a link whose guard tripped is marked Paused in the links panel with Resume; the Users page
 * filtered by that link removes its burst of joiners in one action. axe-core and sideways
 * scrolling at 1280 and 375 px; screenshots settings-paused-*, invite-modal-safety-*,
 * invite-modal-paused-* and users-burst-removed-*.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, SCREENSHOTS, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, newPerson, OWNER, when } from '../support/steps.ts';

// The events feed runs: a link's guard, which pauses it, is part of it. Nothing here reads an email.
const t = useStack({ notifier: false });
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
let owner: { context: BrowserContext; page: Page };

const settingsPath = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
const usersPath = `/v1/domains/${DEMO_DOMAIN}/users`;
/** expect.poll waits 1 s by default: too little for a round trip on a busy machine. */
const SLOW = { timeout: 30_000, interval: 200 };

interface Link {
  id: string;
  label?: string;
  requireApproval?: boolean;
  pauseAfter?: { joins: number; withinMinutes: number };
  pausedAt?: string;
}
const linkNamed = async (label: string) => ((await t.as(OWNER).get(`${linksPath()}?limit=100`)).body.items as Link[]).find((l) => l.label === label);
/** A time as the pages write it for a reader in UTC (the test browser's zone). */
const readerTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone: 'UTC' });

async function openModal(page: Page) {
  await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
  await page.locator('#new-users').click();
  const modal = page.locator('#invite-modal');
  await modal.getByRole('button', { name: 'Copy link' }).waitFor();
  await modal.locator('#active-links .link-list').waitFor({ state: 'attached' });
  return modal;
}

/** The invite modal at both widths, scrolled to one part of it (screenshot() shows it from its top); when missing, or all with UPDATE_SCREENSHOTS=1. */
async function screenshotOfPart(page: Page, name: string, part: string) {
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const file = join(SCREENSHOTS, `${name}-${size}.png`);
    if (process.env.UPDATE_SCREENSHOTS !== '1' && existsSync(file)) continue;
    await page.setViewportSize(viewport);
    await page.locator(part).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  }
  if (original) await page.setViewportSize(original);
}

beforeAll(async () => {
  browser = await launchChromium();
  owner = await newContext('desktop');
  await signedIn(owner.page, OWNER, `/settings?domain=${DEMO_DOMAIN}`);
});

afterAll(async () => {
  await browser?.close();
});

describe('Login Settings', () => {
  it('pauses every link for 2 hours after a confirmation, says until when, and Resume lets people join again', async () => {
    const { page } = owner;
    const { token } = await when(t).linkToken(OWNER);
    await page.goto(`${t.stack.url}/settings?domain=${DEMO_DOMAIN}`);
    const hours = page.getByRole('spinbutton', { name: 'Pause all links for' });

    // Out of range: said at the box, naming it, and nothing is sent.
    await hours.fill('73');
    await page.getByRole('button', { name: 'Pause all links' }).click();
    await page.locator('#pause-hours-error').getByText('Hours: enter a whole number from 1 to 72.').waitFor();
    expect(await hours.getAttribute('aria-invalid')).toBe('true');
    expect((await t.as(OWNER).get(settingsPath)).body.pausedUntil).toBeUndefined();

    // Enter in the box asks, as the button does.
    await hours.fill('2');
    await hours.press('Enter');
    const confirm = page.locator('#confirm-pause-all');
    await confirm.getByText('Nobody can join Demo Media Co through any invite link for 2 hours').waitFor();
    await confirm.getByRole('button', { name: 'Pause all links' }).click();
    const paused = page.locator('#links-paused');
    await paused.waitFor();

    const settings = (await t.as(OWNER).get(settingsPath)).body as { pausedUntil: string };
    const hoursLeft = (Date.parse(settings.pausedUntil) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(1.9);
    expect(hoursLeft).toBeLessThanOrEqual(2);
    const until = readerTime(new Date(Math.ceil(Date.parse(settings.pausedUntil) / 60_000) * 60_000).toISOString());
    expect(await paused.locator('.paused-until').innerText()).toBe(`All links are paused until ${until}.`);
    expect((await when(t).lookup(token)).body.code).toBe('LINKS_PAUSED');
    await checkBothWidths(page, 'Login Settings, every link paused');
    await screenshot(page, 'settings-paused');
    // The invite modal says so too: a link made meanwhile works once the pause ends.
    const modal = await openModal(page);
    expect(await modal.locator('#links-paused-notice').innerText()).toContain(`Every invite link of Demo Media Co is paused until ${until}`);
    await page.goto(`${t.stack.url}/settings?domain=${DEMO_DOMAIN}`);

    await paused.getByRole('button', { name: 'Resume all links' }).click();
    await page.getByRole('spinbutton', { name: 'Pause all links for' }).waitFor();
    expect(await page.locator('#pause-all-status').textContent()).toContain('Resumed');
    expect((await when(t).lookup(token)).status).toBe(200);
    expect((await t.as(OWNER).get(settingsPath)).body.pausedUntil).toBeUndefined();
  });

  it('sets the guard new links get, each number checked at its box, and "none" takes it off', async () => {
    const { page } = owner;
    const form = page.locator('form[aria-labelledby="default-guard-title"]');
    await form.getByRole('radio', { name: 'Pause when many people join at once' }).check();
    const people = form.getByRole('spinbutton', { name: 'How many people' });
    await people.fill('1');
    await form.getByRole('button', { name: 'Save the default' }).click();
    await form.getByText('How many people: enter a whole number from 2 to 10,000.').waitFor();
    expect(await people.getAttribute('aria-invalid')).toBe('true');
    expect((await t.as(OWNER).get(settingsPath)).body.defaultPauseAfter).toBeNull();

    await form.getByRole('radio', { name: 'Don’t pause by themselves' }).check();
    await form.getByRole('button', { name: 'Save the default' }).click();
    await page.locator('#default-guard-status').getByText('don’t pause by themselves').waitFor();

    await form.getByRole('radio', { name: 'Pause when many people join at once' }).check();
    await people.fill('20');
    await form.getByRole('spinbutton', { name: 'Within how many minutes' }).fill('10');
    await form.getByRole('button', { name: 'Save the default' }).click();
    await page.locator('#default-guard-current').getByText('Now: a new link pauses if more than 20 people join within 10 minutes.').waitFor();
    expect((await t.as(OWNER).get(settingsPath)).body.defaultPauseAfter).toEqual({ joins: 20, withinMinutes: 10 });
  });
});

describe('the invite modal', () => {
  it('makes a link that needs approval and pauses itself, starting from the domain\'s guard, and the links panel says both', async () => {
    const { page } = owner;
    const modal = await openModal(page);
    await modal.locator('#more-settings > summary').click();
    const people = modal.getByRole('spinbutton', { name: 'How many people' });
    const minutes = modal.getByRole('spinbutton', { name: 'Within how many minutes' });
    // The domain's guard, set above, is where the link starts.
    expect(await people.inputValue()).toBe('20');
    expect(await minutes.inputValue()).toBe('10');

    await modal.getByRole('textbox', { name: /^Label/ }).fill('Conference badge');
    await modal.getByRole('checkbox', { name: 'Needs approval' }).check();
    await minutes.fill('0');
    await modal.locator('#copy-link').click();
    await modal.getByText('Within how many minutes: enter a whole number from 1 to 1,440.').waitFor();
    expect(await minutes.getAttribute('aria-invalid')).toBe('true');
    expect(await linkNamed('Conference badge')).toBeUndefined();

    await people.fill('5');
    await minutes.fill('30');
    expect(await modal.locator('#link-summary').innerText()).toContain('needs approval · pauses if more than 5 people join within 30 minutes');
    await modal.locator('#copy-link').click();
    await modal.locator('.invite-form .copy-result').getByText('Link copied to the clipboard.').waitFor();
    await expect.poll(() => linkNamed('Conference badge'), SLOW).toMatchObject({ requireApproval: true, pauseAfter: { joins: 5, withinMinutes: 30 } });

    const row = modal.locator('.link-item').filter({ hasText: 'Conference badge' });
    await row.getByText('Needs approval').waitFor();
    expect(await row.innerText()).toContain('Pauses if more than 5 people join within 30 minutes');
    await checkBothWidths(page, 'the invite modal, approval and pausing');
    await screenshotOfPart(page, 'invite-modal-safety', '#invite-modal .link-safety');
  });
});

describe('a link that paused itself', () => {
  const burst = [newPerson('burst'), newPerson('burst'), newPerson('burst')];
  let link: Link & { token: string };

  it('is marked Paused in the links panel, with Resume', async () => {
    const { page } = owner;
    // More than 2 joins within 60 minutes pause it: the notifier's guard sees the third.
    const made = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors', label: 'Posted on a forum', pauseAfter: { joins: 2, withinMinutes: 60 } });
    for (const person of burst) expect((await when(t).joinAnswered(made.token, person)).status).toBe(201);
    await expect.poll(async () => (await when(t).lookup(made.token)).body.code, SLOW).toBe('LINK_PAUSED');
    link = { ...(await linkNamed('Posted on a forum'))!, token: made.token };

    const modal = await openModal(page);
    const row = modal.locator('.link-item').filter({ hasText: 'Posted on a forum' });
    expect(await row.locator('.link-paused').innerText()).toBe(`Paused ${readerTime(link.pausedAt!)} · nobody can join until it is resumed`);
    await row.getByRole('button', { name: 'Resume Posted on a forum' }).waitFor();
    await checkBothWidths(page, 'the links panel, a paused link');
    await screenshotOfPart(page, 'invite-modal-paused', '#invite-modal .link-item.paused');
  });

  it('has its joiners removed from the Users page filtered by it, in one action', async () => {
    const { page } = owner;
    await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}&inviteLinkId=${link.id}`);
    await page.locator('#users-summary').getByText('Demo Media Co · 3 users who joined through this link').waitFor();
    await page.locator('#burst-link').getByText('“Posted on a forum”').waitFor();
    // The time starts where the burst began: the pause less the guard's 60 minutes.
    const since = readerTime(new Date(Math.floor((Date.parse(link.pausedAt!) - 60 * 60_000) / 60_000) * 60_000).toISOString());
    const action = page.getByRole('button', { name: `Remove everyone who joined through this link since ${since}` });

    // A time after they joined ticks nobody.
    const sinceBox = page.getByLabel('Joined since');
    const before = await sinceBox.inputValue();
    await sinceBox.fill('2099-01-01T00:00');
    await page.getByRole('button', { name: /^Remove everyone who joined through this link since 1 Jan 2099/ }).click();
    await page.locator('#burst-status').getByText('Nobody who can be removed joined through “Posted on a forum” since 1 Jan 2099').waitFor();
    await sinceBox.fill(before);

    await action.click();
    const confirm = page.locator('#confirm-remove-burst');
    await confirm.getByText('3 people who joined Demo Media Co through “Posted on a forum” since').waitFor();
    for (const person of burst) await confirm.getByText(person.email, { exact: false }).waitFor();
    expect(await page.locator('table.users .tick:checked').count()).toBe(3);
    await confirm.getByRole('button', { name: 'Remove them' }).click();
    for (const person of burst) await page.locator(`tr[data-email="${person.email}"] .row-outcome.removed`).getByText('Removed').waitFor();
    await page.locator('#burst-status').getByText('Removed 3 people from Demo Media Co.').waitFor();

    expect((await t.as(OWNER).get(`${usersPath}?inviteLinkId=${link.id}`)).body.items).toEqual([]);
    const keptOut = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/removed-members`)).body.items as { email: string }[];
    expect(keptOut.map((m) => m.email)).toEqual(expect.arrayContaining(burst.map((p) => p.email)));
    await checkBothWidths(page, 'Users, a burst removed');
    await screenshot(page, 'users-burst-removed');
  });

  it('works again once Resume is pressed', async () => {
    const { page } = owner;
    const modal = await openModal(page);
    const row = modal.locator('.link-item').filter({ hasText: 'Posted on a forum' });
    await row.getByRole('button', { name: 'Resume Posted on a forum' }).click();
    await expect.poll(() => row.locator('.link-paused').count(), SLOW).toBe(0);
    expect((await linkNamed('Posted on a forum'))?.pausedAt).toBeUndefined();
    expect((await when(t).lookup(link.token)).status).toBe(200);
    // The focus stays in the row: on its next button.
    expect(await page.evaluate(() => document.activeElement?.closest('.link-item')?.textContent ?? '')).toContain('Posted on a forum');
  });
});

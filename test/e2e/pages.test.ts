/**
 * The pages, end to end in headless Chromium: the owner makes a link in the invite modal, a new
 * person joins through it, the creator is emailed, and the Login Settings kill the link.
 * Screenshots go to docs/screenshots/ when missing, or all of them with UPDATE_SCREENSHOTS=1.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { MANAGER, newPerson, OWNER } from '../support/steps.ts';

const t = useStack({ notifier: { pollIntervalMs: 100 } });

const SCREENSHOTS = join(import.meta.dirname, '../../docs/screenshots');
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 375, height: 812 } } as const;

let browser: Browser;
let owner: { context: BrowserContext; page: Page };
let person: { context: BrowserContext; page: Page };
const joiner = newPerson('joiner');
let linkUrl = '';

async function newContext() {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'en-GB', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.stack.url });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

/**
 * Desktop and 375 px screenshots of what the page shows now; only when missing or asked for.
 * A modal scrolls inside the viewport, so for one the viewport grows to show all of it.
 */
async function screenshot(page: Page, name: string, modal?: string) {
  const update = process.env.UPDATE_SCREENSHOTS === '1';
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const file = join(SCREENSHOTS, `${name}-${size}.png`);
    if (!update && existsSync(file)) continue;
    await page.setViewportSize(viewport);
    if (modal) {
      const height = await page.locator(modal).evaluate((el) => el.scrollHeight);
      await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 48) });
      await page.locator(modal).evaluate((el) => el.scrollTo(0, 0));
    }
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  owner = await newContext();
  person = await newContext();
});

afterAll(async () => {
  await browser?.close();
});

describe('the pages, end to end', () => {
  it('lets the owner sign in through the local development sign-in', async () => {
    const { page } = owner;
    await page.goto(`${t.stack.url}/signin`);
    await expect.poll(() => page.getByText('Local development sign-in').isVisible()).toBe(true);
    await screenshot(page, 'signin');
    await page.click(`button[data-email="${OWNER}"]`);
    await page.waitForURL(`${t.stack.url}/`);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await page.locator('.who-email').textContent()).toBe(OWNER);
  });

  it('creates a link with two teams and a role group in the invite modal, and copies it', async () => {
    const { page } = owner;
    await page.click('#new-users');
    const modal = page.locator('#invite-modal');
    await modal.getByRole('tab', { name: 'Invite by link' }).waitFor();
    await modal.getByLabel('Primary team').selectOption({ label: 'Producers' });
    await modal.getByRole('checkbox', { name: 'Marketing' }).check();
    await modal.getByRole('checkbox', { name: 'Contributors' }).check();
    await modal.getByRole('button', { name: 'Copy link' }).click();
    await modal.getByText('Link copied to the clipboard.').waitFor();
    linkUrl = await page.evaluate(() => navigator.clipboard.readText());
    expect(linkUrl).toMatch(new RegExp(`^${t.stack.url}/join#[A-Za-z0-9_-]{43}$`));
    await expect.poll(() => modal.locator('.link-config').first().textContent()).toBe(
      'Standard · Producers (primary team) · + Marketing · role groups: Contributors',
    );
    expect(await modal.locator('.link-item').first().textContent()).toContain(`Created by ${OWNER}`);
    await screenshot(page, 'invite-modal', '#invite-modal');
    await page.keyboard.press('Escape');
    expect(await modal.isVisible()).toBe(false);
  });

  it('shows a new person the domain and the grants, takes the token out of the address bar, and lets them join', async () => {
    const { page } = person;
    const response = await page.goto(linkUrl);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
    expect(page.url()).toBe(`${t.stack.url}/join`);
    const grants = await page.locator('.grants').innerText();
    for (const grant of ['Standard', 'Producers', 'Marketing', 'Contributors']) expect(grants).toContain(grant);

    await screenshot(page, 'join');
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    expect(await page.locator('#join-email-error').textContent()).toBe('Enter your email address.');

    await page.getByLabel('Email').fill(joiner.email);
    await page.getByLabel('First name').fill(joiner.firstName);
    await page.getByLabel('Last name').fill(joiner.lastName);
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.getByRole('heading', { name: 'Welcome to Demo Media Co' }).waitFor();
    await screenshot(page, 'join-success');
  });

  it('explains on the form that a member of the domain cannot join it again', async () => {
    const { page } = person;
    await page.goto(linkUrl);
    await page.getByLabel('Email').fill(joiner.email);
    await page.getByLabel('First name').fill(joiner.firstName);
    await page.getByLabel('Last name').fill(joiner.lastName);
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.locator('#join-email-error').getByText('already belongs to a member of Demo Media Co').waitFor();
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
  });

  it('offers a member who may invite only what they may hand out, and no Login Settings', async () => {
    const manager = await newContext();
    const { page } = manager;
    await page.goto(`${t.stack.url}/signin`);
    await page.click(`button[data-email="${MANAGER}"]`);
    await page.waitForURL(`${t.stack.url}/`);
    await page.click('#new-users');
    const modal = page.locator('#invite-modal');
    await modal.getByRole('button', { name: 'Copy link' }).waitFor();
    const values = (name: string) => modal.locator(`input[name=${name}]`).evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(await values('userType')).toEqual(['BROWSE', 'STANDARD']);
    expect(await values('roleGroupIds')).toEqual(['user-managers']);
    await page.goto(`${t.stack.url}/settings`);
    await page.locator('#not-admin').getByText('Login Settings are for domain admins').waitFor();
    await manager.context.close();
  });

  it('lists the person on the Users page as joined via link', async () => {
    const { page } = owner;
    await page.reload();
    const row = page.locator(`tr[data-email="${joiner.email}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Joined via link \(\d+ \w+ \d{4}\)/);
    expect(await row.innerText()).toContain('Producers, Marketing');
    await screenshot(page, 'users');
  });

  it('emails the link creator, naming the person who joined', async () => {
    const mails = async () => {
      const store = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
      return store.emails.filter((m) => JSON.stringify(m).includes(joiner.email));
    };
    await expect.poll(mails, { timeout: 5_000, interval: 200 }).toHaveLength(1);
    expect((await mails())[0]!.destination.to).toContain(OWNER);
  });

  it('shows the revoked page for the same link after DELETE ALL EXISTING LINKS', async () => {
    const { page } = owner;
    await page.goto(`${t.stack.url}/settings`);
    await page.getByRole('switch', { name: 'Allow invite links' }).waitFor();
    await screenshot(page, 'settings');
    await page.getByRole('button', { name: 'DELETE ALL EXISTING LINKS' }).click();
    const confirm = page.locator('#confirm-revoke-all');
    await confirm.getByRole('button', { name: 'Delete all existing links' }).click();
    await page.locator('#revoke-status').getByText('All existing links were deleted').waitFor();

    await person.page.goto(linkUrl);
    await person.page.getByRole('heading', { name: 'This invite link was deleted' }).waitFor();
    expect(await person.page.locator('[data-problem]').getAttribute('data-problem')).toBe('LINK_REVOKED');
    await screenshot(person.page, 'revoked');
  });

  it('says invite links are off in the modal, and offers no Copy, after the switch is turned off', async () => {
    const { page } = owner;
    const toggle = page.getByRole('switch', { name: 'Allow invite links' });
    await toggle.click();
    const confirm = page.locator('#confirm-turn-off');
    await confirm.getByText('does not bring the old links back').waitFor();
    await confirm.getByRole('button', { name: 'Turn off invite links' }).click();
    await page.locator('#switch-status').getByText('Invite links are off').waitFor();
    expect(await toggle.isChecked()).toBe(false);

    await page.goto(`${t.stack.url}/`);
    await page.click('#new-users');
    const modal = page.locator('#invite-modal');
    await modal.getByText('Invite links are turned off').waitFor();
    expect(await modal.getByRole('button', { name: /copy/i }).count()).toBe(0);
  });

  it('serves only the built files: no path reaches outside web/dist', async () => {
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${t.stack.url}${'/'}`, { path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/assets/../../package.json', '/..%2f..%2fpackage.json', '/assets/..%2F..%2Fbuild.ts', '/%2e%2e/web/build.ts', '/.built']) {
      expect(await status(path), path).toBe(404);
    }
    expect(await status('/assets/join.js')).toBe(200);
  });
});

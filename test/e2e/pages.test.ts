/**
 * The pages, end to end in headless Chromium, signing in through the local identity provider as
 * people do: the owner signs in with an emailed code and makes a link in the invite modal; a new
 * person opens it (on a phone-sized screen), creates an account verified through the local SES
 * inbox, joins and lands on Home; the owner's email names the verified address; a member of
 * another domain joins by signing in only; sign-out and signing in again work; the Login Settings
 * kill the link. Screenshots go to docs/screenshots/ when missing, or all with UPDATE_SCREENSHOTS=1.
 */
import { mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '../../shared/store/dynamodb/items.ts';
import { launchChromium } from '../support/browser.ts';
import { pageSteps, screenshot, SCREENSHOTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { MANAGER, newPerson, OTHER_OWNER, OWNER } from '../support/steps.ts';

const t = useStack();

let browser: Browser;
let owner: { context: BrowserContext; page: Page };
let person: { context: BrowserContext; page: Page };
const joiner = newPerson('joiner');
let linkUrl = '';

const { newContext, throughProvider } = pageSteps(t, () => browser);

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  owner = await newContext('desktop');
  person = await newContext('mobile');
});

afterAll(async () => {
  await browser?.close();
});

describe('the pages, end to end', () => {
  it('lets the owner sign in through the identity provider with an emailed code', async () => {
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    await page.waitForURL(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(page, 'signin');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, OWNER, { shots: 'provider-signin' });
    await page.waitForURL(`${t.stack.url}/`);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await page.locator('.who-email').textContent()).toBe(OWNER);
    expect(page.url()).not.toContain('code=');
  });

  it('creates a link with two teams and a role group in the invite modal, and copies it', async () => {
    const { page } = owner;
    await page.click('#new-users');
    const modal = page.locator('#invite-modal');
    await modal.getByRole('tab', { name: 'Invite by link' }).waitFor();
    await modal.getByLabel('Primary team').selectOption({ label: 'Producers' });
    await modal.locator('#more-settings > summary').click();
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

  it('shows a new person what the link grants, takes the token out of the address bar, and offers to create an account or sign in', async () => {
    const { page } = person;
    const response = await page.goto(linkUrl);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
    expect(page.url()).toBe(`${t.stack.url}/join`);
    // The whole list sits behind "Everything this link gives you": read without opening it.
    const grants = (await page.locator('.grants').textContent()) ?? '';
    for (const grant of ['Standard', 'Producers', 'Marketing', 'Contributors']) expect(grants).toContain(grant);
    await page.getByRole('button', { name: 'Create account' }).waitFor();
    await screenshot(page, 'join');
  });

  it('creates their account with a code from the local inbox, joins, and lands on Home in Demo Media Co', async () => {
    const { page } = person;
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await throughProvider(page, joiner.email, { newAccount: joiner, shots: 'provider-signup' });

    await page.getByRole('heading', { name: `Join Demo Media Co as ${joiner.email}` }).waitFor();
    // The names given at sign-up are shown, not asked for again.
    expect(await page.locator('#join-names').innerText()).toBe(`Your name: ${joiner.firstName} ${joiner.lastName} Change`);
    expect(page.url()).toBe(`${t.stack.url}/join`);
    await screenshot(page, 'join-signed-in');
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();

    await page.waitForURL(`${t.stack.url}/home?domain=demo-media-co`);
    await page.locator('#joined-notice').getByText("You've joined Demo Media Co").waitFor();
    expect(await page.locator('.who-email').textContent()).toBe(joiner.email);
    await screenshot(page, 'joined');
    // The link's token never travelled in a URL: not to the provider, not back.
    const token = new URL(linkUrl).hash.slice(1);
    expect(requests.filter((url) => url.includes(token))).toEqual([]);
  });

  it('tells someone already in the domain that they are in it, instead of offering Join', async () => {
    const { page } = person;
    await page.goto(linkUrl);
    await page.getByRole('heading', { name: "You're already in Demo Media Co" }).waitFor();
    expect(await page.getByRole('button', { name: 'Join Demo Media Co' }).count()).toBe(0);
  });

  it('lists the person on the Users page as joined via link', async () => {
    const { page } = owner;
    await page.reload();
    const row = page.locator(`tr[data-email="${joiner.email}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Joined via a link from owner@demo\.test, \d+ \w+ \d{4}/);
    expect(await row.innerText()).toContain('Producers (primary), Marketing');
    expect(await row.innerText()).toContain('Role groups: Contributors');
    await screenshot(page, 'users');
  });

  it('emails the link creator, naming the verified address that joined', async () => {
    const mails = async () => {
      const store = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string }[] };
      return store.emails.filter((m) => m.destination.to.includes(OWNER) && JSON.stringify(m).includes(joiner.email));
    };
    await expect.poll(mails, { timeout: 20_000, interval: 200 }).toHaveLength(1);
  });

  it('lets a member of another domain join by signing in only: the same account, a second domain', async () => {
    const other = await newContext('desktop');
    const { page } = other;
    await page.goto(linkUrl);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, OTHER_OWNER);
    await page.getByRole('heading', { name: `Join Demo Media Co as ${OTHER_OWNER}` }).waitFor();
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=demo-media-co`);
    const me = (await t.as(OTHER_OWNER).get('/v1/me')).body;
    expect(me.memberships.map((m: { domainName: string }) => m.domainName).sort()).toEqual(['Demo Media Co', 'Other Studio']);
    await other.context.close();
  });

  it('signs the person out, of the app and of the provider, and signs them in again later', async () => {
    const { page } = person;
    await page.goto(`${t.stack.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.stack.url}/signin`);
    await page.goto(`${t.stack.url}/`);
    await page.waitForURL(`${t.stack.url}/signin`);

    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The provider's session ended too: it asks for the email and a new code.
    await throughProvider(page, joiner.email);
    // The Users page is for people who may invite: this member's way in is Home.
    await page.waitForURL(`${t.stack.url}/home?domain=demo-media-co`);
    await page.getByRole('heading', { name: 'Demo Media Co', exact: true }).waitFor();
  });

  it('offers a member who may invite only what they may hand out, and no Login Settings', async () => {
    const manager = await newContext();
    const { page } = manager;
    await page.goto(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, MANAGER);
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
    await person.page.getByRole('heading', { name: 'Demo Media Co replaced its invite links' }).waitFor();
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

  it('shows a long users list a page at a time, loading more as the owner scrolls', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const seeded = Array.from({ length: 60 }, (_, i) =>
      items.membership({ userId: `u-scroll-${i}`, domainId: 'demo-media-co', email: `scroll-${String(i).padStart(2, '0')}@example.test`, firstName: 'Scroll', lastName: `Person ${i}`, userType: 'BROWSE', isAdmin: false, teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: at }),
    );
    for (let i = 0; i < seeded.length; i += 25) {
      await t.db.send(new BatchWriteCommand({ RequestItems: { [t.stack.tableName]: seeded.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    const rows = page.locator('table.users tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    // The next page is asked for and drawn after the scroll: a loaded machine takes more than a second.
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(60);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
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

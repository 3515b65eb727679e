/**
 * Link rules and member changes in the pages, end to end in headless Chromium: the owner signs in
 * through the local identity provider and makes a link with a label, a use limit, a shorter life,
 * allowed email domains and no signup emails, which the active links then show; the join page
 * names the email domains before anyone makes an account, turns away an email elsewhere before the
 * join, and explains a used-up link; the owner changes a member's user type, teams and role groups
 * and removes a member, each confirmed in a dialog, by mouse and by keyboard alone; the last admin
 * cannot be removed, and the page says why; a member who is not an admin gets no edit controls;
 * Login Settings set the domain-wide email domains. Screenshots (link-options-*, member-edit-*)
 * go to docs/screenshots/ like pages.test.ts's.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { focusedName, pageSteps, screenshot, SCREENSHOTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_OWNER, OWNER, tokenOf, when } from '../support/steps.ts';

const t = useStack();
const usersPath = `/v1/domains/${DEMO_DOMAIN}/users`;

let browser: Browser;
let owner: { context: BrowserContext; page: Page };
let person: { context: BrowserContext; page: Page };
const { newContext, throughProvider } = pageSteps(t, () => browser);
let linkUrl = '';

/** The member as the API lists them now. */
async function listed(email: string) {
  const res = await t.as(OWNER).get(`${usersPath}?limit=100`);
  return (res.body.items as { email: string; userType: string; teamIds: string[]; roleGroupIds: string[]; groupIds: string[] }[]).find((m) => m.email === email);
}

/** Someone who joined Demo Media Co through a link: Standard, in Producers. */
async function joinedMember(prefix: string) {
  const member = newPerson(prefix);
  const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers' });
  const res = await when(t).join(token, member);
  if (res.status !== 201) throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...member, name: `${member.firstName} ${member.lastName}` };
}


/** Presses Tab (or Shift+Tab) until the focused element has this name. */
async function tabTo(page: Page, name: string | RegExp, { shift = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const now = await focusedName(page);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  owner = await newContext('desktop');
  person = await newContext('mobile');
});

afterAll(async () => {
  await browser?.close();
});

describe('link options in the invite modal', () => {
  it('signs the owner in through the identity provider', async () => {
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    await page.waitForURL(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, OWNER);
    await page.waitForURL(`${t.stack.url}/`);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
  });

  it('offers lifetimes up to the domain’s maximum, the longest chosen, and unlimited uses with signup emails on', async () => {
    const { page } = owner;
    await page.click('#new-users');
    const modal = page.locator('#invite-modal');
    await modal.getByRole('button', { name: 'Copy link' }).waitFor();
    await modal.locator('#more-settings > summary').click();
    const life = modal.getByRole('combobox', { name: 'Link works for' });
    expect(await life.locator('option').allTextContents()).toEqual(['1 hour', '1 day', '3 days', '7 days (the longest allowed)']);
    expect(await life.inputValue()).toBe('604800');
    expect(await modal.getByRole('radio', { name: /^Unlimited/ }).isChecked()).toBe(true);
    expect(await modal.getByLabel('How many people can join').isVisible()).toBe(false);
    expect(await modal.getByRole('checkbox', { name: 'Email me when someone joins' }).isChecked()).toBe(true);
  });

  it('refuses a mistyped email domain at the field, and makes no link', async () => {
    const modal = owner.page.locator('#invite-modal');
    const domains = modal.getByRole('textbox', { name: /^Only for emails at/ });
    await domains.fill('example');
    await modal.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => modal.locator('#link-email-domains-error').textContent()).toContain('is not an email domain');
    expect(await domains.getAttribute('aria-invalid')).toBe('true');
    expect(await owner.page.evaluate(() => document.activeElement?.id)).toBe('link-email-domains');
    expect((await t.as(OWNER).get(linksPath())).body.items).toEqual([]);
  });

  it('makes a link with a label, 3 uses, a 1-day life, two email domains and no signup emails, and lists it with those settings', async () => {
    const { page } = owner;
    const modal = page.locator('#invite-modal');
    await modal.getByRole('textbox', { name: /^Label/ }).fill('Spring interns');
    await modal.getByRole('radio', { name: /^A set number of people/ }).check();
    await modal.getByLabel('How many people can join').fill('3');
    await modal.getByRole('combobox', { name: 'Link works for' }).selectOption({ label: '1 day' });
    await modal.getByRole('textbox', { name: /^Only for emails at/ }).fill('Example.com, @example.org');
    await modal.getByRole('checkbox', { name: 'Email me when someone joins' }).uncheck();
    await modal.getByRole('button', { name: 'Copy link' }).click();
    await modal.getByText('Link copied to the clipboard.').waitFor();
    linkUrl = await page.evaluate(() => navigator.clipboard.readText());
    expect(linkUrl).toMatch(new RegExp(`^${t.stack.url}/join#[A-Za-z0-9_-]{43}$`));
    expect(await modal.locator('.copy-result').first().innerText()).toContain('Anyone with an @example.com or @example.org email who has it can join');

    const item = modal.locator('.link-item', { hasText: 'Spring interns' });
    await item.waitFor();
    expect(await item.locator('.link-label').textContent()).toBe('Spring interns');
    expect(await item.locator('.link-config').textContent()).toBe('Standard · Editors (primary team)');
    expect(await item.locator('.link-uses').textContent()).toBe('used 0 of 3 · 3 left');
    expect(await item.locator('.link-limits').textContent()).toBe('Only @example.com or @example.org emails · No signup emails');
    expect(await item.locator('.link-meta').last().textContent()).toMatch(/ends in \d+ (hours?|days?), \d+ \w+ \d{4}/);

    const link = (await t.as(OWNER).get(linksPath())).body.items.find((l: { label?: string }) => l.label === 'Spring interns');
    expect(link).toMatchObject({ maxUses: 3, remainingUses: 3, useCount: 0, allowedEmailDomains: ['example.com', 'example.org'], notifyCreator: false });
    expect(Math.abs(Date.parse(link.expiresAt) - Date.parse(link.createdAt) - 86_400_000)).toBeLessThan(5_000);
    await screenshot(page, 'link-options', '#invite-modal');
    await page.keyboard.press('Escape');
  });

  it('shows the allowed email domains on the join page, next to Create account and Sign in', async () => {
    const { page } = person;
    await page.goto(linkUrl);
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
    expect(await page.locator('.invite-label').innerText()).toContain('Spring interns');
    const step = page.locator('.join-step');
    expect(await step.locator('#allowed-email-domains').innerText()).toContain('This link is for people with an @example.com or @example.org email.');
    await step.getByRole('button', { name: 'Create account' }).waitFor();
    await step.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(page, 'link-options-join');
  });

  it('tells someone already signed in with an email elsewhere that the link is not for it, before they try to join', async () => {
    const { page } = person;
    // Signing in from the link, the provider itself refuses such an email (provider-invitation.test.ts); signed in before, the join page says it.
    // Someone outside Demo Media Co: a member is told they are in it already, whatever their email.
    await page.goto(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, OTHER_OWNER);
    await page.waitForURL((url) => !['/signin', '/oidc'].some((path) => url.pathname.startsWith(path)));
    await page.goto(linkUrl);
    const title = page.getByRole('heading', { name: 'This link is for people with an @example.com or @example.org email' });
    await title.waitFor();
    expect(await page.locator('.join-step').innerText()).toContain(`You're signed in as ${OTHER_OWNER}, so you can't join Demo Media Co with this link.`);
    expect(await page.getByRole('button', { name: /^Join / }).count()).toBe(0);
    await page.getByRole('button', { name: 'Use another account' }).waitFor();
    await screenshot(page, 'link-options-wrong-email');
  });

  it('explains kindly that a link is used up', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', maxUses: 1 });
    expect((await when(t).join(token)).status).toBe(201);
    const { page } = person;
    await page.goto(`${t.stack.url}/join#${token}`);
    await page.getByRole('heading', { name: 'Your invite to Demo Media Co has been used up' }).waitFor();
    expect(await page.locator('[data-problem]').getAttribute('data-problem')).toBe('LINK_USED_UP');
    expect(await page.locator('main').innerText()).toContain('Ask the person who sent it for a new link.');
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(page.url()).toBe(`${t.stack.url}/join`);
    await screenshot(page, 'link-options-used-up');
  });
});

describe('an admin changes members on the Users page', () => {
  let pat: Awaited<ReturnType<typeof joinedMember>>;

  it('changes a member’s user type, teams and role groups after reviewing them, and the row updates', async () => {
    pat = await joinedMember('edited');
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    const row = page.locator(`tr[data-email="${pat.email}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Standard');
    await row.getByRole('button', { name: `Edit ${pat.name}` }).click();

    const dialog = page.getByRole('dialog', { name: `Edit ${pat.name}` });
    await dialog.waitFor();
    expect(await focusedName(page)).toMatch(/^Standard/);
    await dialog.getByRole('radio', { name: /^Power/ }).check();
    await dialog.getByRole('checkbox', { name: 'Marketing' }).check();
    await dialog.getByRole('checkbox', { name: 'Contributors' }).check();
    await screenshot(page, 'member-edit', '#member-edit', { fullPage: false });
    await dialog.getByRole('button', { name: 'Review changes' }).click();

    const changes = dialog.locator('.change-list');
    await changes.waitFor();
    expect(await changes.innerText()).toContain('User type: Standard → Power');
    expect(await changes.innerText()).toContain('Teams: Producers → Producers, Marketing');
    expect(await changes.innerText()).toContain('Role groups: none → Contributors');
    expect(await changes.innerText()).not.toContain('Legacy groups');
    await screenshot(page, 'member-edit-review', '#member-edit', { fullPage: false });
    await dialog.getByRole('button', { name: 'Save changes' }).click();

    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => row.innerText()).toContain('Power');
    expect(await row.innerText()).toContain('Producers (primary), Marketing');
    expect(await row.innerText()).toContain('Role groups: Contributors');
    expect(await focusedName(page)).toBe(`Edit ${pat.name}`);
    expect(await page.locator('#users-status').textContent()).toContain(`Saved: ${pat.name} is now a Power user in Producers, Marketing.`);
    expect(await listed(pat.email)).toMatchObject({ userType: 'POWER', teamIds: ['producers', 'marketing'], roleGroupIds: ['contributors'], groupIds: [] });
  });

  it('removes a member only once the confirmation says so', async () => {
    const { page } = owner;
    const row = page.locator(`tr[data-email="${pat.email}"]`);
    await row.getByRole('button', { name: `Remove ${pat.name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove ${pat.name} from Demo Media Co?` });
    await confirm.waitFor();
    expect(await focusedName(page)).toBe('Cancel');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await listed(pat.email)).toBeDefined();

    await row.getByRole('button', { name: `Remove ${pat.name}` }).click();
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('Their account stays');
    expect(await confirm.innerText()).toContain('They will not be able to join Demo Media Co again through an invite link until an admin allows it.');
    expect(await confirm.getByRole('checkbox', { name: 'Let them join again through a link' }).isChecked()).toBe(false);
    await screenshot(page, 'member-edit-remove', '#member-remove', { fullPage: false });
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    expect(await page.locator('#users-status').textContent()).toBe(`${pat.name} was removed from Demo Media Co.`);
    expect(await listed(pat.email)).toBeUndefined();
  });

  it('works by keyboard alone: Tab to Edit, arrows for the user type, focus kept inside, Escape cancels, Enter saves', async () => {
    const kim = await joinedMember('keys');
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    await page.locator(`tr[data-email="${kim.email}"]`).waitFor();

    await tabTo(page, `Edit ${kim.name}`);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Edit ${kim.name}` });
    await dialog.waitFor();
    expect(await focusedName(page)).toMatch(/^Standard/);
    await page.keyboard.press('ArrowDown');
    expect(await dialog.getByRole('radio', { name: /^Power/ }).isChecked()).toBe(true);

    // Focus stays in the dialog: Shift+Tab past its first control lands on its last, and back.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe('Close');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe('Review changes');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Close');

    // Escape leaves without saving, back on the row's Edit button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedName(page)).toBe(`Edit ${kim.name}`);
    expect((await listed(kim.email))?.userType).toBe('STANDARD');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: /^Standard/ }).isChecked()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await dialog.getByRole('radio', { name: /^Browse/ }).isChecked()).toBe(true);
    await tabTo(page, 'Review changes');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('member-review-title');
    expect(await dialog.locator('.change-list li').allInnerTexts()).toEqual(['User type: Standard → Browse']);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Back');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Save changes');
    await page.keyboard.press('Enter');

    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator(`tr[data-email="${kim.email}"]`).innerText()).toContain('Browse');
    expect(await focusedName(page)).toBe(`Edit ${kim.name}`);
    expect((await listed(kim.email))?.userType).toBe('BROWSE');
  });

  it('offers the last admin neither Remove nor losing the admin role, and says why', async () => {
    const { page } = owner;
    const row = page.locator(`tr[data-email="${OWNER}"]`);
    expect(await row.getByRole('button', { name: 'Remove Olivia Owner' }).count()).toBe(0);
    expect(await row.locator('.last-admin-note').innerText()).toBe('Only admin: can’t be removed');
    await row.getByRole('button', { name: 'Edit Olivia Owner' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Olivia Owner' });
    expect(await dialog.getByRole('checkbox', { name: 'Admin of Demo Media Co' }).isDisabled()).toBe(true);
    expect(await dialog.locator('#member-admin-hint').innerText()).toContain('the only admin, and a domain always needs one');
    await screenshot(page, 'member-edit-last-admin', '#member-edit', { fullPage: false });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await listed(OWNER)).toBeDefined();
  });

  it('gives a member who may invite but is not an admin no edit controls', async () => {
    const manager = await newContext('mobile');
    const { page } = manager;
    await page.goto(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await throughProvider(page, MANAGER);
    await page.waitForURL(`${t.stack.url}/`);
    await page.locator(`tr[data-email="${OWNER}"]`).waitFor();
    expect(await page.getByRole('button', { name: /^(Edit|Remove) / }).count()).toBe(0);
    expect(await page.locator('.row-actions').count()).toBe(0);
    await manager.context.close();
  });
});

describe('Login Settings: the domain’s allowed email domains', () => {
  it('lets an admin set them, the join lookup combines them with the link’s, and clearing them admits anyone again', async () => {
    const { page } = owner;
    await page.goto(`${t.stack.url}/settings`);
    const input = page.getByRole('textbox', { name: 'Only for emails at' });
    await input.fill('Example.com example.net');
    await page.getByRole('button', { name: 'Save email domains' }).click();
    // expect.poll waits 1 s by default; a settings write on a busy machine can take longer.
    await expect.poll(() => page.locator('#email-domains-status').textContent(), { timeout: 15_000 }).toContain('only people with an @example.com or @example.net email can join Demo Media Co');
    expect(await input.inputValue()).toBe('example.com, example.net');
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links`)).body.allowedEmailDomains).toEqual(['example.com', 'example.net']);
    expect((await when(t).lookup(tokenOf(linkUrl))).body.allowedEmailDomains).toEqual(['example.com']);
    await screenshot(page, 'link-options-settings');

    await input.fill('');
    await page.getByRole('button', { name: 'Save email domains' }).click();
    await expect.poll(() => page.locator('#email-domains-status').textContent(), { timeout: 15_000 }).toContain('Anyone with a working link can join Demo Media Co again');
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links`)).body.allowedEmailDomains).toEqual([]);
  });
});

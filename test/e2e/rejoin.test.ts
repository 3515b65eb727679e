/**
 * Removal that sticks, in the pages, end to end in headless Chromium: the removal confirmation
 * says the person cannot join again through a link until an admin allows it, with "Let them join
 * again through a link" unticked; their next join says an admin removed them; the admin sees them
 * under "Removed, can't rejoin", allows them after a confirmation, and they join; ticking the box
 * (by keyboard alone) lets them join at once; a member who may invite but is not an admin sees no
 * such section and their page never asks for it. axe-core at 1280 and 375 px on the section, the
 * dialogs and the join page's refusal; screenshots users-removed-* and join-rejoin-blocked-*.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, focusedName, pageSteps, screenshot, SCREENSHOTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OWNER, when } from '../support/steps.ts';

const t = useStack();
const usersPath = `/v1/domains/${DEMO_DOMAIN}/users`;
const removedPath = `/v1/domains/${DEMO_DOMAIN}/removed-members`;
const REMOVED_TEXT = 'They will not be able to join Demo Media Co again through an invite link until an admin allows it.';

let browser: Browser;
let owner: { context: BrowserContext; page: Page };
const { newContext, signedIn } = pageSteps(t, () => browser);

/** Someone who joined Demo Media Co through a link, and a second link to try again with. */
async function joinedMember(prefix: string) {
  const member = newPerson(prefix);
  const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers' });
  const res = await when(t).join(token, member);
  if (res.status !== 201) throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
  const again = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers' });
  return { ...member, userId: res.body.userId as string, name: `${member.firstName} ${member.lastName}`, token: again.token };
}

const isMember = async (email: string) => ((await t.as(OWNER).get(`${usersPath}?limit=100`)).body.items as { email: string }[]).some((m) => m.email === email);
const isKeptOut = async (email: string) => ((await t.as(OWNER).get(removedPath)).body.items as { email: string }[]).some((m) => m.email === email);



/** The person, signed in on a phone, opens the link and presses Join. */
async function joinThroughPage(person: { email: string; firstName: string; lastName: string; token: string }) {
  const { context, page } = await newContext('mobile');
  await signedIn(page, person.email, `/join#${person.token}`, { givenName: person.firstName, familyName: person.lastName });
  await page.getByRole('heading', { name: `Join Demo Media Co as ${person.email}` }).waitFor();
  await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
  return { context, page };
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  owner = await newContext('desktop');
  await signedIn(owner.page, OWNER, '/');
});

afterAll(async () => {
  await browser?.close();
});

describe('a removed member is kept out until an admin allows it', () => {
  let pat: Awaited<ReturnType<typeof joinedMember>>;
  let person: { context: BrowserContext; page: Page };

  it('the confirmation says they cannot join again through a link, with "Let them join again through a link" unticked', async () => {
    pat = await joinedMember('kept-out');
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    const row = page.locator(`#users-list tr[data-email="${pat.email}"]`);
    await row.getByRole('button', { name: `Remove ${pat.name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove ${pat.name} from Demo Media Co?` });
    await confirm.waitFor();
    expect(await focusedName(page)).toBe('Cancel');
    expect(await confirm.innerText()).toContain(REMOVED_TEXT);
    const box = confirm.getByRole('checkbox', { name: 'Let them join again through a link' });
    expect(await box.isChecked()).toBe(false);
    await checkBothWidths(page, 'removal confirmation');

    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    expect(await isMember(pat.email)).toBe(false);
    expect(await isKeptOut(pat.email)).toBe(true);
    await page.locator(`#removed-members tr[data-removed-email="${pat.email}"]`).waitFor();
  });

  it('their next join through a link says an admin removed them, naming the organisation, with no Join button', async () => {
    person = await joinThroughPage(pat);
    const { page } = person;
    const title = page.getByRole('heading', { name: 'An admin removed you from Demo Media Co' });
    await title.waitFor();
    expect(await page.locator('[data-problem]').getAttribute('data-problem')).toBe('REJOIN_BLOCKED');
    const text = await page.locator('main').innerText();
    expect(text).toContain(`You're signed in as ${pat.email}.`);
    expect(text).toContain('You can join Demo Media Co again once an admin allows it: ask one of them.');
    expect(await page.getByRole('button', { name: /^Join/ }).count()).toBe(0);
    expect(await page.locator('#org-name').textContent()).toBe('Demo Media Co');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('result-title');
    expect(await isMember(pat.email)).toBe(false);
    await checkBothWidths(page, 'join, removed');
    await screenshot(page, 'join-rejoin-blocked');
  });

  it('the admin sees them under "Removed, can\'t rejoin" with when and by whom, and allows them after a confirmation; the row goes', async () => {
    const { page } = owner;
    const section = page.getByRole('region', { name: 'Removed, can’t rejoin' });
    const row = section.locator(`tr[data-removed-email="${pat.email}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(pat.name);
    expect(await row.innerText()).toContain(pat.email);
    expect(await row.innerText()).toMatch(new RegExp(`\\d+ \\w+ \\d{4} by ${OWNER.replace('.', '\\.')}`));
    await checkBothWidths(page, 'removed section');
    await screenshot(page, 'users-removed');

    const allow = row.getByRole('button', { name: `Allow to rejoin: ${pat.name}` });
    await allow.click();
    const confirm = page.getByRole('dialog', { name: `Let ${pat.name} join Demo Media Co again?` });
    await confirm.waitFor();
    expect(await focusedName(page)).toBe('Cancel');
    await checkBothWidths(page, 'allow-rejoin confirmation');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await focusedName(page)).toBe(`Allow to rejoin: ${pat.name}`);
    expect(await isKeptOut(pat.email)).toBe(true);

    await allow.click();
    await confirm.getByRole('button', { name: 'Allow to rejoin' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    expect(await page.locator('#users-status').textContent()).toBe(`${pat.name} can join Demo Media Co again through an invite link.`);
    expect(await section.innerText()).toContain('Nobody is kept out of Demo Media Co now.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('removed-members-title');
    expect(await isKeptOut(pat.email)).toBe(false);
  });

  it('once allowed, they join through a link and land on Home', async () => {
    await person.context.close();
    const { context, page } = await joinThroughPage(pat);
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    expect(await isMember(pat.email)).toBe(true);
    await context.close();
  });
});

describe('removing with "Let them join again through a link" ticked', () => {
  it('by keyboard alone: Enter on the box removes nobody, Space ticks it; they are not kept out and join at once', async () => {
    const sam = await joinedMember('let-back');
    const { page } = owner;
    await page.goto(`${t.stack.url}/`);
    const row = page.locator(`#users-list tr[data-email="${sam.email}"]`);
    await row.getByRole('button', { name: `Remove ${sam.name}` }).focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: `Remove ${sam.name} from Demo Media Co?` });
    await confirm.waitFor();
    expect(await focusedName(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe('Let them join again through a link');
    await page.keyboard.press('Enter');
    expect(await confirm.isVisible()).toBe(true);
    await page.keyboard.press('Space');
    expect(await confirm.getByRole('checkbox', { name: 'Let them join again through a link' }).isChecked()).toBe(true);
    // Focus stays in the dialog: back past its first control is its last.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe('Remove member');
    await page.keyboard.press('Enter');

    await confirm.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    expect(await isMember(sam.email)).toBe(false);
    expect(await isKeptOut(sam.email)).toBe(false);
    expect(await page.locator(`tr[data-removed-email="${sam.email}"]`).count()).toBe(0);

    const { context, page: theirs } = await joinThroughPage(sam);
    await theirs.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    expect(await isMember(sam.email)).toBe(true);
    await context.close();
  });
});

describe('a member who may invite but is not an admin', () => {
  it('sees no "Removed, can\'t rejoin" section, and the page never asks who is kept out', async () => {
    const lee = await joinedMember('kept-out-hidden');
    expect((await t.as(OWNER).delete(`${usersPath}/${lee.userId}`)).status).toBe(204);
    await owner.page.goto(`${t.stack.url}/`);
    await owner.page.locator(`#removed-members tr[data-removed-email="${lee.email}"]`).waitFor();

    const { context, page } = await newContext('mobile');
    const asked: string[] = [];
    page.on('request', (req) => asked.push(req.url()));
    await signedIn(page, MANAGER, '/');
    await page.locator(`#users-list tr[data-email="${OWNER}"]`).waitFor();
    expect(await page.locator('#removed-members').count()).toBe(0);
    expect(await page.getByText('Removed, can’t rejoin').count()).toBe(0);
    expect(asked.filter((url) => url.includes('/removed-members'))).toEqual([]);
    await context.close();
  });
});

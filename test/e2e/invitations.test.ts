/**
 * Invitations by email in the pages, end to end in headless Chromium: with invite links turned off
 * the invite modal opens on "Invite by email" (and says links are off), takes a pasted list and
 * says what became of each address; the pending invitations list who sent each and when, with
 * Resend (the earlier email's link then says it was sent again) and Revoke (confirmed); the
 * invited person opens the link from the email in the local SES, is told who invited them and for
 * which address, and joins; someone signed in with another address is told so and switches
 * accounts; an admin revokes every pending invitation at once. axe-core and sideways scrolling at
 * 1280 and 375 px on the same tab; screenshots invite-by-email-*, invite-pending-*,
 * join-invitation-* and join-invitation-mismatch-*.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, SCREENSHOTS, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, MANAGER, newPerson, OWNER, when } from '../support/steps.ts';

// The invitation emails come through the stream's notifier; nothing here reads events.
const t = useStack({ eventsFeed: false });
let browser: Browser;
const { newContext, signedIn, throughProvider } = pageSteps(t, () => browser);
const open: BrowserContext[] = [];
const invitationsPath = `/v1/domains/${DEMO_DOMAIN}/invitations`;
const settingsPath = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
// Typed on two lines; the email and the page have it as one paragraph (the API takes no line breaks).
const MESSAGE = 'Welcome aboard!\nWe start on Monday.';

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text: string };
}
/** The links the invitation emails to this address carried, oldest first, once there are at least `count`. */
async function invitationLinks(email: string, count = 1): Promise<string[]> {
  let links: string[] = [];
  await expect
    .poll(async () => {
      const { emails } = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
      links = emails
        .filter((m) => m.destination.to.includes(email) && m.subject.includes('invited you to Demo Media Co'))
        .map((m) => /https?:\/\/\S+\/join#[A-Za-z0-9_-]+/.exec(m.body.text)?.[0] ?? '');
      return links.length;
    })
    .toBeGreaterThanOrEqual(count);
  return links;
}
const tokenOfLink = (link: string) => new URL(link).hash.slice(1);
/** Whether the link still opens an invitation (an ended one answers 404 or 410, as a link's would). */
const opens = async (link: string) => (await when(t).lookup(tokenOfLink(link))).status === 200;
const pending = async () => (await t.as(OWNER).get(`${invitationsPath}?limit=100`)).body.items as { invitationId: string; email: string; sendCount: number }[];

/**
 * screenshot() for a part of the invite modal below its first screen (which screenshot() shows):
 * the part scrolled to the top of the dialog at each width; when missing, or all with UPDATE_SCREENSHOTS=1.
 */
async function screenshotOfPart(page: Page, name: string, part: string) {
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const file = join(SCREENSHOTS, `${name}-${size}.png`);
    if (process.env.UPDATE_SCREENSHOTS !== '1' && existsSync(file)) continue;
    await page.setViewportSize(viewport);
    await page.locator(part).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  }
  if (original) await page.setViewportSize(original);
}

async function tab(): Promise<Page> {
  const { context, page } = await newContext('desktop');
  open.push(context);
  return page;
}

beforeAll(async () => {
  browser = await launchChromium();
  // Links off, and only these email domains admitted: an address elsewhere is refused.
  expect((await t.as(OWNER).put(settingsPath, { enabled: false, allowedEmailDomains: ['example.test', 'demo.test'] })).status).toBe(200);
});

afterAll(async () => {
  for (const context of open) await context.close();
  await browser?.close();
});

describe('invitations by email', () => {
  const invited = [newPerson('invited-a'), newPerson('invited-b'), newPerson('invited-c')];
  const [joiner, mismatched, revoked] = invited as [ReturnType<typeof newPerson>, ReturnType<typeof newPerson>, ReturnType<typeof newPerson>];
  const before = newPerson('invited-before');
  const elsewhere = 'pat@elsewhere.test';
  let owner: Page;
  let modal: Locator;

  beforeAll(async () => {
    owner = await tab();
    await signedIn(owner, OWNER, `/users?domain=${DEMO_DOMAIN}`);
  });

  it('opens on Invite by email with links turned off, says links are off, and says what became of each pasted address', async () => {
    const earlier = await t.as(OWNER).post(invitationsPath, { emails: [before.email], userType: 'STANDARD', primaryTeamId: 'producers' });
    expect(earlier.status).toBe(201);
    await owner.locator('#new-users').click();
    modal = owner.locator('#invite-modal');
    const emailTab = modal.getByRole('tab', { name: 'Invite by email' });
    await modal.locator('#links-off-email').waitFor();
    expect(await emailTab.getAttribute('aria-selected')).toBe('true');
    expect(await modal.locator('#links-off-email').innerText()).toContain('Invite links are turned off in Demo Media Co');
    // The link tab says the same, and leads back here.
    await modal.getByRole('tab', { name: 'Invite by link' }).click();
    await modal.locator('#links-off').getByText('Invite links are turned off').waitFor();
    await owner.keyboard.press('ArrowRight');
    expect(await emailTab.getAttribute('aria-selected')).toBe('true');

    const pasted = `${invited[0]!.email}, ${invited[1]!.email.toUpperCase()}\n${invited[2]!.email} ${MANAGER}; Pat <${before.email}>\n${elsewhere}`;
    await modal.getByLabel('Email addresses').fill(pasted);
    await modal.getByRole('radio', { name: /^Browse/ }).check();
    await modal.locator('#invitation-more-settings > summary').click();
    await modal.getByLabel(/^Message/).fill(MESSAGE);
    expect(await modal.locator('#invitation-summary').innerText()).toBe('6 addresses · Browse · Editors (primary team) · works 7 days');
    await checkBothWidths(owner, 'invite by email, filled in');

    await modal.getByRole('button', { name: 'Send invitations' }).click();
    await modal.locator('#invitation-results-title').getByText('3 people invited, 1 already a member, 1 already invited, 1 not invited').waitFor();
    const result = async (email: string) => (await modal.locator(`.invitation-result[data-email="${email}"]`).innerText()).replace(/\s+/g, ' ');
    for (const person of invited) expect(await result(person.email)).toBe(`${person.email} Invited — The email is on its way.`);
    expect(await result(MANAGER)).toBe(`${MANAGER} Already a member — Nothing sent: they are in Demo Media Co already.`);
    expect(await result(before.email)).toContain('Already invited — Nothing sent: their invitation is still pending');
    expect(await result(elsewhere)).toContain('Not invited — Demo Media Co admits no emails at this address’s domain');
    expect(await modal.getByLabel('Email addresses').inputValue()).toBe('');
    await checkBothWidths(owner, 'invite by email, results');
    await screenshot(owner, 'invite-by-email', '#invite-modal');

    const listed = await pending();
    for (const person of invited) expect(listed.map((i) => i.email)).toContain(person.email);
  });

  it('lists the pending invitations with who sent them, when and until when; Resend sends a new link and ends the old one; Revoke asks first', async () => {
    const rows = modal.locator('#pending-invitations .link-item');
    await modal.locator('#pending-invitations-title').getByText('Pending invitations (4)').waitFor();
    const row = (email: string) => rows.filter({ has: owner.locator('.invitation-email', { hasText: email }) });
    const joinerRow = await row(joiner.email).innerText();
    expect(joinerRow).toContain('Browse · Editors (primary team)');
    expect(joinerRow).toMatch(/Invited by owner@demo\.test on \d+ \w+ \d{4}/);
    expect(joinerRow).toMatch(/sent once · expires \d+ \w+ \d{4}/);

    const [first] = await invitationLinks(revoked.email);
    await row(revoked.email).getByRole('button', { name: `Resend the invitation to ${revoked.email}` }).click();
    await row(revoked.email).getByText('Sent again to').waitFor();
    expect(await row(revoked.email).innerText()).toMatch(/sent 2 times, last on/);
    const [, second] = await invitationLinks(revoked.email, 2);
    expect(await opens(first!)).toBe(false);
    expect(await opens(second!)).toBe(true);
    // The earlier email's link says so, in an invitation's words.
    const earlier = await tab();
    await earlier.goto(first!);
    await earlier.getByRole('heading', { name: 'This invitation to Demo Media Co no longer works' }).waitFor();
    expect(await earlier.locator('[data-problem]').innerText()).toContain('sent again');

    await row(revoked.email).getByRole('button', { name: `Revoke the invitation to ${revoked.email}` }).click();
    const confirm = owner.locator('#confirm-revoke-invitation');
    await confirm.getByText('The link in the email stops working at once.').waitFor();
    expect(await confirm.getByRole('heading').innerText()).toBe(`Revoke the invitation to ${revoked.email}?`);
    await checkBothWidths(owner, 'revoke an invitation, confirmation');
    await confirm.getByRole('button', { name: 'Revoke invitation' }).click();
    await modal.locator('#pending-invitations-title').getByText('Pending invitations (3)').waitFor();
    expect(await row(revoked.email).count()).toBe(0);
    expect((await pending()).map((i) => i.email)).not.toContain(revoked.email);
    expect(await opens(second!)).toBe(false);
    await checkBothWidths(owner, 'pending invitations');
    await screenshotOfPart(owner, 'invite-pending', '#pending-invitations');
  });

  it('the invited person opens the link from their email, is told who invited them and for which address, and joins', async () => {
    const [link] = await invitationLinks(joiner.email);
    const page = await tab();
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
    expect(await page.locator('#invited-by').innerText()).toBe('Invited by Olivia Owner (owner@demo.test)');
    expect(await page.locator('#invited-email').innerText()).toBe(`For ${joiner.email}`);
    expect(await page.locator('#invited-email-rule').innerText()).toContain(`Use ${joiner.email}.`);
    expect(await page.locator('.expiry').innerText()).toMatch(/^The invitation works until /);
    expect((await page.locator('.invitation-message').innerText()).split(/\n+/)).toEqual(['A message from Olivia Owner', 'Welcome aboard! We start on Monday.']);
    await checkBothWidths(page, 'join, an invitation');
    await screenshot(page, 'join-invitation', undefined, { fullPage: false });

    await page.getByRole('button', { name: 'Create account' }).click();
    await throughProvider(page, joiner.email, { newAccount: joiner });
    await page.getByRole('heading', { name: `Join Demo Media Co as ${joiner.email}` }).waitFor();
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    expect(await page.locator('#joined-via').innerText()).toMatch(/^You joined through an invitation by email from owner@demo\.test on /);
    const members = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items as { email: string; userType: string; joinedVia?: { invitationId?: string } }[];
    expect(members.find((m) => m.email === joiner.email)).toMatchObject({ userType: 'BROWSE', joinedVia: { invitationId: expect.any(String) } });
  });

  it('someone signed in with another address is told the invitation is not theirs, and switches accounts to the invited one', async () => {
    const [link] = await invitationLinks(mismatched.email);
    const someoneElse = newPerson('someone-else');
    const page = await tab();
    await signedIn(page, someoneElse.email, `/join#${tokenOfLink(link!)}`, { givenName: someoneElse.firstName, familyName: someoneElse.lastName });
    await page.getByRole('heading', { name: `This invitation is for ${mismatched.email}` }).waitFor();
    expect(await page.locator('.join-step').innerText()).toContain(`You're signed in as ${someoneElse.email}, so you can't accept it`);
    expect(await page.getByRole('button', { name: /^Join/ }).count()).toBe(0);
    await checkBothWidths(page, 'join, an invitation for another address');
    await screenshot(page, 'join-invitation-mismatch', undefined, { fullPage: false });

    await page.getByRole('button', { name: 'Switch account' }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    expect(await page.evaluate(() => sessionStorage.getItem('invite-links.token'))).toBeNull();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await throughProvider(page, mismatched.email, { newAccount: mismatched });
    await page.getByRole('heading', { name: `Join Demo Media Co as ${mismatched.email}` }).waitFor();
  });

  it('an admin revokes every pending invitation at once', async () => {
    // Opened again, the modal lists the invitations as they are now (one was accepted, one switched to), on the tab picked last.
    await owner.keyboard.press('Escape');
    await owner.locator('#new-users').click();
    const remaining = (await pending()).length;
    expect(remaining).toBeGreaterThan(0);
    await modal.locator('#pending-invitations-title').getByText(`Pending invitations (${remaining})`).waitFor();
    await modal.getByRole('button', { name: 'Revoke all pending invitations' }).click();
    const confirm = owner.locator('#confirm-revoke-all-invitations');
    await confirm.getByText('Invite links are not affected.').waitFor();
    expect(await confirm.innerText()).toContain(`${remaining} pending invitation`);
    await checkBothWidths(owner, 'revoke all invitations, confirmation');
    await confirm.getByRole('button', { name: 'Revoke all invitations' }).click();
    await modal.locator('#pending-invitations').getByText('No pending invitations.').waitFor();
    expect(await pending()).toEqual([]);
    expect(await opens((await invitationLinks(mismatched.email))[0]!)).toBe(false);
  });
});

/**
 * The invite modal and Login Settings, by keyboard alone where people use them that way: Enter on
 * a checkbox or radio never makes a link; Copy and Revoke keep the focus in the dialog; Revoke
 * asks first and leaves a few seconds to undo, and the DELETE goes only when they are over (or
 * at once when the page is left); the active links say who made each and when, and an admin
 * copies any of them; a link's Details shows its rules, funnel and QR code; the onboarding link
 * is reused; every dialog keeps focus inside, closes on Escape and on a tap outside, and keeps
 * its Close button in view on a phone. Login Settings counts the links DELETE ALL ends. The Users
 * page asks for its data at once, and the modal keeps one size while its data arrives.
 */
import type { Browser, BrowserContext, Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrSvg } from '../../web/src/components/invite/qr-code.ts';
import { launchChromium } from '../support/browser.ts';
import { pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, OWNER, when } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
let owner: { context: BrowserContext; page: Page };
const modal = () => owner.page.locator('#invite-modal');

interface Link {
  id: string;
  onboarding: boolean;
  label?: string;
}
/** expect.poll waits 1 s by default: too little for a round trip on a busy machine. */
const SLOW = { timeout: 20_000 };
const activeLinks = async () => (await t.as(OWNER).get(`${linksPath()}?limit=100`)).body.items as Link[];

/** The focused element: its id, tag, text, and whether it sits inside the invite modal or a confirmation. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      id: el?.id ?? '',
      tag: el?.tagName.toLowerCase() ?? '',
      text: (el?.textContent ?? '').trim(),
      inDialog: Boolean(el?.closest('dialog[open]')),
    };
  });

async function openModal() {
  await owner.page.locator('#new-users').click();
  await modal().getByRole('button', { name: 'Copy link' }).waitFor();
  await modal().locator('#active-links .link-list').waitFor({ state: 'attached' });
}

/**
 * Two browsers open the link (the second goes on to sign in), one person joins, one from another
 * email domain is refused; waits until the link's stats say so (the feed counts from the stream).
 */
async function someTraffic(link: { token: string; id: string }, [first, second]: [string, string]) {
  for (const [ua, step] of [[first, 'view'], [second, 'view'], [second, 'sign-in']] as const) {
    expect((await t.request('POST', '/v1/join/lookup', { body: { token: link.token, step }, headers: { 'user-agent': ua } })).status).toBe(200);
  }
  expect((await when(t).joinAnswered(link.token)).status).toBe(201);
  expect((await when(t).join(link.token, { email: `outsider-${Date.now()}@elsewhere.test`, firstName: 'Out', lastName: 'Sider' })).status).toBe(403);
  await expect.poll(async () => (await t.as(OWNER).get(`${linksPath()}?limit=100`)).body.items.find((l: Link) => l.id === link.id)?.stats, SLOW)
    .toEqual({ views: 2, signInsStarted: 1, joins: 1, refusals: { EMAIL_DOMAIN_NOT_ALLOWED: 1 } });
}

/** Unfolds the optional settings (a label, role groups...), unless they are open already. */
async function openMoreSettings() {
  if (!(await modal().locator('#more-settings').evaluate((el) => (el as HTMLDetailsElement).open))) await modal().locator('#more-settings > summary').click();
}

beforeAll(async () => {
  browser = await launchChromium();
  owner = await newContext('desktop');
  // Time flows as usual, and a test may move it on: the undo window is waited out by moving the clock, not by waiting.
  await owner.context.clock.install();
  await signedIn(owner.page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
  await owner.page.locator('#new-users').waitFor();
});

afterAll(async () => {
  await browser?.close();
});

describe('the invite modal by keyboard', () => {
  it('never makes a link on Enter in a checkbox or a radio', async () => {
    const { page } = owner;
    await openModal();
    await openMoreSettings();
    await modal().getByRole('checkbox', { name: 'Contributors' }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await modal().getByRole('radio', { name: /^Browse/ }).focus();
    await page.keyboard.press('Enter');
    await modal().getByRole('checkbox', { name: 'Email me when someone joins' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(await modal().getByText('Link copied to the clipboard.').count()).toBe(0);
    expect(await activeLinks()).toEqual([]);
    expect(await modal().getByRole('checkbox', { name: 'Contributors' }).isChecked()).toBe(true);
  });

  it('keeps the focus on Copy link when Enter makes the link', async () => {
    const { page } = owner;
    await modal().getByRole('textbox', { name: /^Label/ }).fill('Keyboard link');
    await modal().locator('#copy-link').focus();
    await page.keyboard.press('Enter');
    await modal().getByText('Link copied to the clipboard.').waitFor();
    await modal().locator('.link-item').filter({ hasText: 'Keyboard link' }).waitFor();
    expect(await focused(page)).toMatchObject({ id: 'copy-link', inDialog: true });
  });

  it('keeps Tab inside the modal, both ways', async () => {
    const { page } = owner;
    for (const shift of [false, true]) {
      // More presses than the modal has controls: any way out would be found.
      for (let i = 0; i < 45; i++) {
        await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
        expect((await focused(page)).inDialog).toBe(true);
      }
    }
  });
});

describe('the active links', () => {
  let madeUrl = '';

  it('say what each link is, who made it, when, until when and how often it was used, with Copy for the links this browser made', async () => {
    const { page } = owner;
    madeUrl = await page.evaluate(() => navigator.clipboard.readText());
    expect(madeUrl).toMatch(/\/join#[A-Za-z0-9_-]{43}$/);
    const row = modal().locator('.link-item').filter({ hasText: 'Keyboard link' });
    const text = await row.innerText();
    expect(text).toContain(`Created by ${OWNER} on`);
    expect(text).toMatch(/used 0 times · ends in [67] days, \d+ \w+ \d{4}/);
    expect(text).toContain('role groups: Contributors');
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await row.getByRole('button', { name: /^Copy:/ }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).toBe(madeUrl);
  });

  it('give an admin Copy on a link someone else made, and show remaining uses', async () => {
    const { page } = owner;
    await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Manager link', maxUses: 3 });
    await page.keyboard.press('Escape');
    await openModal();
    const theirs = modal().locator('.link-item').filter({ hasText: 'Manager link' });
    await theirs.waitFor();
    expect(await theirs.getByRole('button', { name: /^Copy/ }).count()).toBe(1);
    expect(await theirs.innerText()).toContain('used 0 of 3 · 3 left');
    // This browser's own link still copies after the modal (or the page) was opened again.
    const mine = modal().locator('.link-item').filter({ hasText: 'Keyboard link' });
    expect(await mine.getByRole('button', { name: /^Copy:/ }).count()).toBe(1);
  });

  it('say how many viewed each link, started to sign in, joined and were refused, with the funnel folded under that', async () => {
    const { page } = owner;
    const link = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Funnel link', allowedEmailDomains: ['example.test'] });
    await someTraffic(link, ['Phone/1', 'Laptop/1']);
    await page.keyboard.press('Escape');
    await openModal();
    const row = modal().locator('.link-item').filter({ hasText: 'Funnel link' });
    await row.locator('.link-stats > summary').click();
    expect(await row.locator('.link-stats > summary').innerText()).toBe('2 views · 1 sign-in · 1 joined · 1 refused');
    expect(await row.locator('.funnel progress').evaluateAll((bars) => bars.map((b) => [(b as HTMLProgressElement).value, (b as HTMLProgressElement).max]))).toEqual([[2, 2], [1, 2], [1, 2]]);
    expect(await row.locator('.funnel-refusals').innerText()).toBe('Refused: 1 email domain not allowed');
  });

  it('reuse one onboarding link: Copy copies it again, and only "New onboarding link" makes another', async () => {
    const { page } = owner;
    const onboarding = async () => (await activeLinks()).filter((l) => l.onboarding);
    await modal().getByRole('button', { name: 'Copy onboarding link' }).click();
    await expect.poll(onboarding, SLOW).toHaveLength(1);
    const first = await page.evaluate(() => navigator.clipboard.readText());
    await modal().locator('#copy-onboarding-link').waitFor();
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await modal().locator('#copy-onboarding-link').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).toBe(first);
    expect(await onboarding()).toHaveLength(1);
    const listed = await modal().locator('#active-links-title').innerText();
    await modal().getByRole('button', { name: 'New onboarding link' }).click();
    await expect.poll(onboarding, SLOW).toHaveLength(2);
    // The panel lists the new link before its Copy is the new link's (on a loaded machine that takes a moment).
    await expect.poll(() => modal().locator('#active-links-title').innerText(), SLOW).not.toBe(listed);
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).not.toBe(first);
    const second = await page.evaluate(() => navigator.clipboard.readText());
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await modal().locator('#copy-onboarding-link').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).toBe(second);
    await screenshot(page, 'invite-modal-links', '#invite-modal');
  });

  it('open a link\'s details at both widths: what it grants, its rules, its funnel, its QR code once its address is revealed, and Escape goes back to Details', async () => {
    const { page } = owner;
    const link = await when(t).linkToken(OWNER, {
      userType: 'STANDARD',
      primaryTeamId: 'producers',
      label: 'Autumn contractors',
      allowedEmailDomains: ['example.test'],
      notifyCreator: false,
      pauseAfter: { joins: 20, withinMinutes: 10 },
      membershipDays: 90,
    });
    await someTraffic(link, ['Tablet/2', 'Desktop/2']);
    await page.keyboard.press('Escape');
    await openModal();
    const details = modal().getByRole('button', { name: 'Details: Autumn contractors', exact: true });
    const dialog = page.locator('#link-detail');
    const terms = (id: string) => dialog.locator(`#${id} > div`).evaluateAll((rows) => rows.map((r) => [r.querySelector('dt')?.textContent, r.querySelector('dd')?.textContent]));
    const reveals: Response[] = [];
    const track = (response: Response) => {
      if (response.request().method() === 'POST' && response.url().endsWith(`/invite-links/${link.id}/reveal`)) reveals.push(response);
    };
    page.on('response', track);
    try {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(viewport);
        await details.click();
        await dialog.waitFor();
        expect(await dialog.evaluate((el) => el.contains(document.activeElement)), size).toBe(true);
        expect(await dialog.locator('h2').innerText(), size).toBe('Autumn contractors');
        const facts = Object.fromEntries(await terms('link-detail-facts'));
        expect(facts, size).toMatchObject({ Grants: 'Standard · Producers (primary team)', Uses: 'used 1 time' });
        expect(facts['Made by'], size).toMatch(new RegExp(`^${OWNER} on \\d+ \\w+ \\d{4}`));
        expect(facts.Ends, size).toMatch(/^ends in [67] days, \d+ \w+ \d{4}/);
        expect(await terms('link-detail-rules'), size).toEqual([
          ['Email addresses', 'Only @example.test emails'],
          ['Signup emails', 'None'],
          ['Approval', 'Not needed: people join at once'],
          ['Guard', 'Pauses if more than 20 people join within 10 minutes'],
          ['Membership', 'Ends 90 days after joining'],
        ]);
        expect(await dialog.locator('.funnel progress').evaluateAll((bars) => bars.map((b) => [(b as HTMLProgressElement).value, (b as HTMLProgressElement).max])), size).toEqual([[2, 2], [1, 2], [1, 2]]);
        expect(await dialog.locator('.funnel-refusals').innerText(), size).toBe('Refused: 1 email domain not allowed');

        // The QR code waits for Show QR code: the address is revealed (once for the page), then drawn.
        expect(await dialog.locator('.qr-image').count(), size).toBe(0);
        await dialog.getByRole('button', { name: 'Show QR code' }).click();
        const image = dialog.locator('.qr-image');
        await expect.poll(() => image.getAttribute('src'), SLOW).toMatch(/^data:image\/svg\+xml/);
        expect(reveals, size).toHaveLength(1);
        const { url } = (await reveals[0]!.json()) as { url: string };
        expect(url).toMatch(new RegExp(`/join#${link.token}$`));
        const src = (await image.getAttribute('src'))!;
        expect(decodeURIComponent(src.slice(src.indexOf(',') + 1)), size).toBe(await qrSvg(url));
        expect(await dialog.locator('.qr-download-svg').getAttribute('download'), size).toBe('invite-link-Autumn-contractors.svg');
        await expect.poll(() => dialog.locator('.qr-download-png').getAttribute('href'), SLOW).toMatch(/^data:image\/png;base64,/);
        expect(await dialog.evaluate((el) => el.contains(document.activeElement)), size).toBe(true);

        // Nothing scrolls sideways, neither the page nor the dialog.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), size).toBe(true);
        expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth), size).toBe(true);

        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        expect(await focused(page), size).toMatchObject({ id: `details-${link.id}`, inDialog: true });
      }
    } finally {
      page.off('response', track);
      await page.setViewportSize(VIEWPORTS.desktop);
    }
  });
});

describe('re-issuing a link', () => {
  it('makes and copies a new link with the same settings, and revokes the old one in the same press unless unticked', async () => {
    const { page } = owner;
    const old = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Shared too far', maxUses: 5 });
    await page.keyboard.press('Escape');
    await openModal();
    const row = modal().locator('.link-item').filter({ hasText: 'Shared too far' });
    await row.getByRole('button', { name: /^Re-issue link/ }).click();
    const confirm = page.locator('#confirm-reissue-link');
    await confirm.getByText('A new link with the same settings').waitFor();
    expect(await confirm.locator('#reissue-revoke-old').isChecked()).toBe(true);
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await confirm.getByRole('button', { name: 'Re-issue and copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SLOW).toMatch(/\/join#[A-Za-z0-9_-]{43}$/);
    await modal().locator('#reissued-link .copied').waitFor();
    // The list has the new link in the old one's place: one row with that label, used 0 of 5.
    await expect.poll(() => modal().locator('.link-item').filter({ hasText: 'Shared too far' }).count(), SLOW).toBe(1);
    const links = await activeLinks();
    expect(links.filter((l) => l.label === 'Shared too far').map((l) => l.id)).not.toContain(old.id);
    expect(links.filter((l) => l.label === 'Shared too far')).toHaveLength(1);
    expect((await when(t).lookup(old.token)).body.code).toBe('LINK_REVOKED');
    const url = await page.evaluate(() => navigator.clipboard.readText());
    expect((await when(t).lookup(url.slice(url.indexOf('#') + 1))).status).toBe(200);

    // Its QR code, drawn in the page, is the code of exactly that address (token in the fragment), with SVG and PNG to download.
    await modal().locator('#reissued-link .qr-code > summary').click();
    const image = modal().locator('#reissued-link .qr-image');
    await expect.poll(() => image.getAttribute('src'), SLOW).toMatch(/^data:image\/svg\+xml/);
    const src = (await image.getAttribute('src'))!;
    expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toBe(await qrSvg(url));
    expect(await modal().locator('#reissued-link .qr-download-png').getAttribute('href')).toMatch(/^data:image\/png;base64,/);
    expect(await modal().locator('#reissued-link .qr-download-svg').getAttribute('download')).toBe('invite-link-Shared-too-far.svg');
  });

  it('opens on the link the warning email names (?reissue=), and offers it again on an ended link under Recently ended, which says why', async () => {
    const { page } = owner;
    const soon = await when(t).linkToken(MANAGER, { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Ending soon' });
    await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}&reissue=${soon.id}`);
    const confirm = page.locator('#confirm-reissue-link');
    await confirm.getByText('Re-issue “Ending soon”?').waitFor(SLOW);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await modal().locator('.link-item').filter({ hasText: 'Ending soon' }).locator('.link-ends').first().textContent()).toMatch(/^ends in [67] days$/);
    // The link the test above revoked by re-issuing it: ended, and why.
    const ended = modal().locator('#ended-links .link-item').filter({ hasText: 'Shared too far' });
    await expect.poll(() => ended.locator('.ended-because').first().textContent(), SLOW).toMatch(/^Revoked/);
    await ended.getByRole('button', { name: /^Re-issue ended link/ }).click();
    // Nothing to revoke on a link that ended.
    await confirm.getByText('A new link with the same settings').waitFor();
    expect(await confirm.locator('#reissue-revoke-old').count()).toBe(0);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
  });
});

describe('revoking a link', () => {
  const deletes: string[] = [];
  const track = (request: Request) => {
    if (request.method() === 'DELETE') deletes.push(request.url());
  };

  beforeAll(() => {
    owner.page.on('request', track);
  });
  afterAll(() => {
    owner.page.off('request', track);
  });

  it('asks first, then offers Undo with the focus on it, and Undo sends nothing', async () => {
    const { page } = owner;
    const row = modal().locator('.link-item').filter({ hasText: 'Keyboard link' });
    await row.getByRole('button', { name: /^Revoke link/ }).focus();
    await page.keyboard.press('Enter');
    const confirm = page.locator('#confirm-revoke-link');
    await confirm.getByText('You can undo this for 5 seconds').waitFor();
    expect(await focused(page)).toMatchObject({ text: 'Cancel', inDialog: true });
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Revoke link');
    await page.keyboard.press('Enter');
    await row.getByText('Revoked —').waitFor();
    await expect.poll(() => focused(page), SLOW).toMatchObject({ text: 'Undo', inDialog: true });
    await page.keyboard.press('Enter');
    await row.getByRole('button', { name: /^Revoke link/ }).waitFor();
    await expect.poll(async () => (await focused(page)).text, SLOW).toBe('Revoke');
    // Nothing was sent; the next case, which waits out a whole undo time, checks nothing is sent later either.
    expect(deletes).toEqual([]);
  });

  it('sends the DELETE when the undo time is over, takes away the "copied" box of that link, and keeps the focus in the dialog', async () => {
    const { page } = owner;
    await openMoreSettings();
    await modal().getByRole('textbox', { name: /^Label/ }).fill('Short-lived link');
    await modal().locator('#copy-link').click();
    const copied = modal().locator('.copy-result .notice.success');
    await copied.waitFor();
    const row = modal().locator('.link-item').filter({ hasText: 'Short-lived link' });
    await row.getByRole('button', { name: /^Revoke link/ }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#confirm-revoke-link').getByRole('button', { name: 'Revoke link' }).click();
    await row.getByText('Revoked —').waitFor();
    expect(await copied.count()).toBe(0);
    expect(deletes).toEqual([]);
    // A minute later any undo window is over.
    await page.clock.fastForward(60_000);
    await row.waitFor({ state: 'detached', timeout: 20_000 });
    // One DELETE: this link's; none for the link whose revoke was undone before.
    expect(deletes).toHaveLength(1);
    expect((await activeLinks()).some((l) => l.label === 'Keyboard link')).toBe(true);
    expect((await activeLinks()).some((l) => l.label === 'Short-lived link')).toBe(false);
    await expect.poll(async () => (await focused(page)).inDialog, SLOW).toBe(true);
  });

  it('sends the DELETE at once when the page is left during the undo time', async () => {
    const { page } = owner;
    const row = modal().locator('.link-item').filter({ hasText: 'Keyboard link' });
    await row.getByRole('button', { name: /^Revoke link/ }).click();
    await page.locator('#confirm-revoke-link').getByRole('button', { name: 'Revoke link' }).click();
    await row.getByText('Revoked —').waitFor();
    await page.goto(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await expect.poll(async () => (await activeLinks()).some((l) => l.label === 'Keyboard link'), SLOW).toBe(false);
  });

  it('keeps no link address in the browser\'s storage, before or after sign-out', async () => {
    const { page } = owner;
    const kept = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('invite-links.made-links')));
    expect(await kept()).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/home'));
    expect(await kept()).toEqual([]);
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    await page.locator('#new-users').waitFor();
  });
});

describe('every dialog', () => {
  it('closes on Escape, on a tap outside, and by its Close button, which stays in view on a phone', async () => {
    const phone = await newContext('mobile');
    const { page } = phone;
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    const invite = page.locator('#invite-modal');
    await page.locator('#new-users').click();
    await invite.getByRole('button', { name: 'Copy link' }).waitFor();
    await invite.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const close = invite.getByRole('button', { name: 'Close' });
    const box = (await close.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(812);
    await close.click();
    expect(await invite.isVisible()).toBe(false);
    expect((await focused(page)).id).toBe('new-users');

    await page.locator('#new-users').click();
    await invite.getByRole('button', { name: 'Copy link' }).waitFor();
    await page.mouse.click(187, 4);
    expect(await invite.isVisible()).toBe(false);

    await page.locator('#new-users').click();
    await page.keyboard.press('Escape');
    expect(await invite.isVisible()).toBe(false);

    // A member's edit dialog and a confirmation behave the same.
    await page.locator('.edit-member').first().click();
    const edit = page.locator('#member-edit');
    await edit.waitFor();
    await page.mouse.click(187, 4);
    await expect.poll(() => edit.count(), SLOW).toBe(0);
    await page.locator('.remove-member').first().click();
    const remove = page.locator('#member-remove');
    await remove.waitFor();
    await page.mouse.click(187, 4);
    await expect.poll(() => remove.count(), SLOW).toBe(0);
    await phone.context.close();
  });
});

describe('Login Settings', () => {
  it('says how many links DELETE ALL EXISTING LINKS ends, and the confirmation says it again', async () => {
    const { page } = owner;
    const count = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links`)).body.activeLinkCount as number;
    expect(count).toBe((await activeLinks()).length);
    expect(count).toBeGreaterThan(1);
    await page.goto(`${t.stack.url}/settings?domain=${DEMO_DOMAIN}`);
    await page.locator('#active-link-count').getByText(`${count} active links stop working immediately.`).waitFor();
    await page.getByRole('button', { name: 'DELETE ALL EXISTING LINKS' }).click();
    await page.locator('#confirm-revoke-all').getByText(`${count} active invite links of Demo Media Co`).waitFor();
    await page.locator('#confirm-revoke-all').getByRole('button', { name: 'Delete all existing links' }).click();
    await page.locator('#active-link-count').getByText('No invite link works right now').waitFor();
  });
});

describe('on a slow connection', () => {
  it('the Users page asks for the caller, teams, role groups, groups and users at once', async () => {
    const slow = await newContext('desktop');
    const { page } = slow;
    await signedIn(page, OWNER, '/config.json');
    const wanted = ['/v1/me', '/teams', '/role-groups', '/groups', '/users'];
    const started = new Set<string>();
    let allAsked!: () => void;
    const everyOneAsked = new Promise<void>((resolve) => (allAsked = resolve));
    let heldAlone = false;
    // No answer leaves until every request has started: asked at once, they all start; one after another, the first waits alone until let go.
    await page.route('**/v1/**', async (route) => {
      started.add(new URL(route.request().url()).pathname.replace(`/v1/domains/${DEMO_DOMAIN}`, ''));
      if (wanted.every((path) => started.has(path))) allAsked();
      await Promise.race([everyOneAsked, new Promise<void>((resolve) => setTimeout(() => { heldAlone = true; resolve(); }, 10_000))]);
      await route.continue();
    });
    await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    await page.locator('table.users').waitFor();
    for (const path of wanted) expect(started.has(path), path).toBe(true);
    expect(heldAlone).toBe(false);

    // The modal has its final size from the first frame, before its data arrives.
    await page.locator('#new-users').click();
    const dialog = page.locator('#invite-modal');
    await dialog.waitFor();
    const before = await dialog.boundingBox();
    await dialog.getByRole('button', { name: 'Copy link' }).waitFor();
    await dialog.locator('#active-links .link-list').waitFor({ state: 'attached' });
    expect(await dialog.boundingBox()).toEqual(before);
    await slow.context.close();
  });
});

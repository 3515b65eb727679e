/**
 * Links that need approval, and paused links, in the pages, end to end in headless Chromium: the
 * join page says before sign-in who reviews requests; the visitor makes an account, presses
 * Request to join and sees Request sent, and their Home lists the request. The link's creator sees
 * the Requests badge, opens Requests (a request whose link died is marked and not approvable),
 * approves eight in one press (six in flight at most) and declines one with a reason, each row
 * then saying what became of it;
 * the approved are members, the declined person asking again is told so and their Home says it. A
 * link that paused itself (its guard) and every link paused for a while each have their own words.
 * axe-core and sideways scrolling at 1280 and 375 px; screenshots join-approval-*,
 * join-request-sent-*, home-request-pending-*, requests-*, requests-decided-*, join-declined-*,
 * join-link-paused-* and join-links-paused-*.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, newPerson, OWNER, when } from '../support/steps.ts';

// The notifier runs (its emails), and the events feed: a link's guard, which pauses it, is part of it.
const t = useStack();
let browser: Browser;
const { newContext, signedIn, throughProvider } = pageSteps(t, () => browser);
const requestsPath = `/v1/domains/${DEMO_DOMAIN}/join-requests`;
const settingsPath = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
const APPROVAL_LINK = { userType: 'STANDARD', primaryTeamId: 'producers', label: 'Open call', requireApproval: true };
const REVIEWED = "Requests to join Demo Media Co are reviewed by the person who shared this link and the domain's admins.";
const REASON = 'We take people from the agency only this season.';

type Person = ReturnType<typeof newPerson>;

async function tab(size: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  return (await newContext(size)).page;
}

/** Asks to join through the link by the API, as the person: the request waits (202). */
async function asks(token: string, person: Person) {
  const res = await when(t).join(token, person);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { requestId: string };
}

const members = async () => (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items as { email: string; userType: string; teamIds: string[] }[];
/** Wholly in view at the current width, with the page not scrolled. */
const onFirstScreen = async (page: Page, element: Locator) => {
  const box = await element.boundingBox();
  return box !== null && (await page.evaluate(() => scrollY)) === 0 && box.y + box.height <= page.viewportSize()!.height;
};

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('a link that needs approval', () => {
  const visitor = newPerson('asker');
  // More than the page sends at once (six): approving them all is still one press.
  const approved = Array.from({ length: 8 }, () => newPerson('approved'));
  const late = newPerson('link-ended');
  let token: string;
  let visitorPage: Page;

  beforeAll(async () => {
    ({ token } = await when(t).linkToken(OWNER, APPROVAL_LINK));
  });

  it('says who reviews requests before sign-in; the visitor makes an account, sends the request, sees Request sent, and Home lists it', async () => {
    visitorPage = await tab('mobile');
    const page = visitorPage;
    await page.goto(`${t.stack.url}/join#${token}`);
    await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
    expect(await page.locator('#approval-notice').innerText()).toContain(REVIEWED);
    // The way on stays on a phone's first screen, the review notice and all.
    expect(await onFirstScreen(page, page.getByRole('button', { name: 'Create account' }))).toBe(true);
    expect(await onFirstScreen(page, page.getByRole('button', { name: 'Sign in', exact: true }))).toBe(true);
    await checkBothWidths(page, 'join, a link that needs approval');
    await screenshot(page, 'join-approval', undefined, { fullPage: false });

    await page.getByRole('button', { name: 'Create account' }).click();
    await throughProvider(page, visitor.email, { newAccount: visitor });
    await page.getByRole('heading', { name: `Ask to join Demo Media Co as ${visitor.email}` }).waitFor();
    expect(await page.locator('#approval-notice').innerText()).toContain(REVIEWED);
    await page.getByRole('button', { name: 'Request to join' }).click();
    await page.getByRole('heading', { name: 'Request sent' }).waitFor();
    const sent = await page.locator('[data-problem="JOIN_REQUESTED"]').innerText();
    expect(sent).toContain(`You asked to join Demo Media Co as ${visitor.email} on `);
    expect(sent).toContain(`You get an email at ${visitor.email} when they decide.`);
    expect(sent).toContain('Your Home lists the request until then.');
    await checkBothWidths(page, 'join, request sent');
    await screenshot(page, 'join-request-sent');
    // Asked, not admitted.
    expect((await members()).map((m) => m.email)).not.toContain(visitor.email);
    // A reload finds the request waiting, and says so again instead of offering the button.
    await page.reload();
    await page.getByRole('heading', { name: 'Request sent' }).waitFor();

    await page.getByRole('link', { name: 'Go to Home' }).click();
    await page.waitForURL(/\/home/);
    const mine = page.locator('#my-requests li[data-status="pending"]');
    await mine.waitFor();
    expect(await mine.innerText()).toMatch(/^Waiting for approval to join Demo Media Co, asked \d+ \w+ \d{4}\.$/);
    expect(await page.locator('#no-domain').innerText()).toContain('not a member of any domain yet');
    await checkBothWidths(page, 'home, a request waiting');
    await screenshot(page, 'home-request-pending');
  });

  it('the creator sees the badge, opens Requests, approves eight in one press (six at a time) and declines one with a reason; each row says what became of it', async () => {
    for (const person of approved) await asks(token, person);
    // A request whose link was revoked since: listed, marked, not approvable.
    const ended = await when(t).linkToken(OWNER, { ...APPROVAL_LINK, label: 'Withdrawn call' });
    await asks(ended.token, late);
    expect((await t.as(OWNER).delete(`${linksPath()}/${ended.id}`)).status).toBe(204);

    const page = await tab('desktop');
    await signedIn(page, OWNER, `/users?domain=${DEMO_DOMAIN}`);
    const requestsLink = page.locator('#topbar').getByRole('link', { name: /^Requests/ });
    await page.locator('#requests-badge').filter({ hasText: '10' }).waitFor();
    expect(await requestsLink.getAttribute('href')).toBe(`/requests?domain=${DEMO_DOMAIN}`);
    await requestsLink.click();
    await page.waitForURL(/\/requests\?domain=/);
    const row = (person: Person) => page.locator(`#requests-list tr[data-email="${person.email}"]`);
    await row(visitor).waitFor();
    expect(await page.locator('#requests-summary').innerText()).toBe('Demo Media Co · 10 pending requests · every request to join');
    expect((await row(visitor).innerText()).replace(/\s+/g, ' ').trim()).toMatch(new RegExp(`^Pat Person \\d+ ${visitor.email.replace(/[.]/g, '\\.')} \\d+ \\w+ \\d{4} .?Open call.? \\(yours\\) Pending$`));
    expect(await row(late).innerText()).toContain("Link ended: the link was revoked. Can't be approved.");
    await checkBothWidths(page, 'requests');
    await screenshot(page, 'requests');

    // Every approval is its own request, six at most in flight: the answers are held until the progress has been seen.
    let inFlight = 0;
    let most = 0;
    let started = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/join-requests/*/approve', async (route) => {
      most = Math.max(most, ++inFlight);
      started += 1;
      await held;
      const answer = await route.fetch();
      inFlight -= 1;
      await route.fulfill({ response: answer });
    });
    // Select all, less the two that are not to be approved: eight in one press.
    await page.getByLabel('Select all').check();
    expect(await page.locator('#requests-selected').innerText()).toBe('10 selected');
    await row(visitor).getByRole('checkbox').uncheck();
    await row(late).getByRole('checkbox').uncheck();
    expect(await page.locator('#requests-selected').innerText()).toBe('8 selected');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => started).toBe(6);
    expect((await page.locator('#requests-status').innerText()).replace(/\s+/g, ' ')).toBe('Approving… 0 of 8');
    release();
    await page.locator('#requests-result').getByText('8 requests approved.').waitFor();
    expect([most, started]).toEqual([6, 8]);
    for (const person of approved) {
      expect(await row(person).locator('[data-outcome]').innerText()).toBe('Approved: a member now.');
      expect(await row(person).getByRole('checkbox').count()).toBe(0);
    }

    // The visitor's is the one to decline, with a reason.
    await row(visitor).getByRole('checkbox').check();
    expect(await page.locator('#requests-selected').innerText()).toBe('1 selected');
    await page.getByRole('button', { name: 'Decline' }).click();
    const dialog = page.getByRole('dialog', { name: /^Decline Pat Person \d+'s request\?$/ });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('with your reason if you give one');
    await dialog.getByLabel(/^Reason/).fill(REASON);
    await checkBothWidths(page, 'decline, the reason');
    await dialog.getByRole('button', { name: 'Decline request' }).click();
    await page.locator('#requests-result').getByText('1 request declined.').waitFor();
    expect(await row(visitor).locator('[data-outcome]').innerText()).toBe('Declined.');
    // The badge counts what still waits: the request whose link ended.
    await page.locator('#requests-badge').filter({ hasText: '1' }).waitFor();
    await checkBothWidths(page, 'requests, decided');
    await screenshot(page, 'requests-decided');

    const now = await members();
    for (const person of approved) expect(now.find((m) => m.email === person.email)).toMatchObject({ userType: 'STANDARD', teamIds: ['producers'] });
    expect(now.map((m) => m.email)).not.toContain(visitor.email);
    const declined = (await t.as(OWNER).get(`${requestsPath}?status=declined`)).body.items as { email: string; reason?: string }[];
    expect(declined.find((r) => r.email === visitor.email)).toMatchObject({ reason: REASON });
  });

  it('the declined visitor asking again is told the request was declined, and their Home says so', async () => {
    const page = visitorPage;
    await page.goto(`${t.stack.url}/join#${token}`);
    await page.getByRole('button', { name: 'Request to join' }).click();
    await page.getByRole('heading', { name: 'Your request to join Demo Media Co was declined' }).waitFor();
    expect(await page.locator('[data-problem="JOIN_DECLINED"]').innerText()).toContain('the person who shared it or an admin declined');
    expect(await page.getByRole('button', { name: 'Request to join' }).count()).toBe(0);
    await checkBothWidths(page, 'join, declined');
    await screenshot(page, 'join-declined');

    await page.getByRole('link', { name: 'Go to Home' }).click();
    const declined = page.locator('#my-requests li[data-status="declined"]');
    await declined.waitFor();
    expect(await declined.innerText()).toMatch(/^Your request to join Demo Media Co was declined on \d+ \w+ \d{4} \(asked \d+ \w+ \d{4}\)\.$/);
  });
});

describe('paused links', () => {
  it('a link that paused itself, and every link paused for a while, each say so on the join page', async () => {
    // More than 2 joins within 10 minutes pause this link: the events feed's guard sees the third.
    const guarded = await when(t).linkToken(OWNER, { userType: 'BROWSE', primaryTeamId: 'editors', pauseAfter: { joins: 2, withinMinutes: 10 } });
    for (let i = 0; i < 3; i++) await when(t).joinAnswered(guarded.token, newPerson('burst'));
    await expect.poll(async () => (await when(t).lookup(guarded.token)).body.code, { timeout: 30_000, interval: 200 }).toBe('LINK_PAUSED');
    const page = await tab('desktop');
    await page.goto(`${t.stack.url}/join#${guarded.token}`);
    await page.getByRole('heading', { name: 'This link is paused: ask the person who shared it' }).waitFor();
    expect(await page.locator('[data-problem="LINK_PAUSED"]').innerText()).toContain('Once it is back on, open your invite link again: the link has not ended.');
    await checkBothWidths(page, 'join, a paused link');
    await screenshot(page, 'join-link-paused');

    // Every link paused for two hours: the page names the organisation and until when, in the reader's time.
    const { token } = await when(t).linkToken(OWNER);
    const paused = await t.as(OWNER).post(`${settingsPath}/pause`, { hours: 2 });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    try {
      const problem = (await when(t).lookup(token)).body as { code: string; pausedUntil: string };
      expect(problem.code).toBe('LINKS_PAUSED');
      await page.goto(`${t.stack.url}/join#${token}`);
      // The minute the pause ends, rounded up as the API's detail rounds it: never a minute still paused.
      const until = new Date(Math.ceil(Date.parse(problem.pausedUntil) / 60_000) * 60_000).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone: 'UTC' });
      await page.getByRole('heading', { name: `Joining Demo Media Co is paused until ${until}` }).waitFor();
      expect(await page.locator('[data-problem="LINKS_PAUSED"]').innerText()).toContain('An admin of Demo Media Co paused every invite link for a while.');
      await checkBothWidths(page, 'join, every link paused');
      await screenshot(page, 'join-links-paused');
    } finally {
      expect((await t.as(OWNER).post(`${settingsPath}/resume`)).status).toBe(200);
    }
  });
});

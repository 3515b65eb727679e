/**
 * Back and reload around the provider's pages, in headless Chromium, each page checked at 1280 and
 * 375 px. A newcomer opens a link, creates an account with the emailed code (one wrong code first),
 * joins and lands on Home. Each provider page reloads as a GET, never resending its form; from
 * Home, one Back reaches an app page, and no further Back meets a form to resend or a sign-in that
 * is over. A page of a sign-in that is over leads back to the app page that started it.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { atBothWidths, checkBothWidths, pageSteps } from '../support/pages.ts';
import { wrongCode } from '../support/sign-in.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OWNER, when } from '../support/steps.ts';

// No stream consumers: nothing here reads the emails a join sends or the activity feed, and idle readers poll all the while.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, emailedCode } = pageSteps(t, () => browser);

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Every page load the browser makes, with its method: a form resent would be a POST. */
function navigations(page: Page): { method: string; url: string }[] {
  const seen: { method: string; url: string }[] = [];
  page.on('request', (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.push({ method: request.method(), url: request.url() });
  });
  return seen;
}


/** The step this page shows, at both widths: its heading, and the fields to fill and the button that goes on, to be pressed. */
const stepAtBothWidths = (page: Page, heading: string, button: string, fields: string[] = []) =>
  atBothWidths(page, async () => {
    await page.getByRole('heading', { name: heading }).waitFor();
    for (const field of fields) await page.getByLabel(field).click({ trial: true });
    await page.getByRole('button', { name: button, exact: true }).click({ trial: true });
  });

/** Reloads a provider page: one GET of the same page, which shows the same step again. */
async function reloadShows(page: Page, heading: string, button: string, fields: string[]) {
  const before = page.url();
  const response = await page.reload();
  expect(response?.request().method(), `reload of ${before}`).toBe('GET');
  expect(response?.status(), `reload of ${before}`).toBe(200);
  expect(page.url()).toBe(before);
  await stepAtBothWidths(page, heading, button, fields);
}

/** The provider page the newcomer passed through, to open again once their sign-in is over. */
const codePages: string[] = [];

const APP_PAGE = (url: string) => url.startsWith(t.stack.url) && !new URL(url).pathname.startsWith('/oidc');

// History and reloads do not depend on the width: the newcomer goes through once at 1280 px, and each page met is checked at 375 px too by resizing the tab.
describe('a newcomer who joined', () => {
  it('goes Back from Home to an app page at once, and no Back or reload resends a form or finds a sign-in that is over', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const joiner = newPerson('back');
    const { context, page } = await newContext('desktop');
    const loads = navigations(page);

    await page.goto(`${t.stack.url}/join#${token}`);
    await stepAtBothWidths(page, 'Join Demo Media Co', 'Create account');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await reloadShows(page, 'Create your account', 'Send code', ['Email', 'First name', 'Last name']);

    const sentAfter = Math.floor(Date.now() / 1000) - 1;
    await page.getByLabel('Email').fill(joiner.email);
    await page.getByLabel('First name').fill(joiner.firstName);
    await page.getByLabel('Last name').fill(joiner.lastName);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\/[\w-]+\/code$/);
    codePages.push(page.url());
    await reloadShows(page, 'Check your email', 'Continue', ['Code']);

    // A refused code is a page too: reloading it asks nothing and shows the code form afresh.
    const code = await emailedCode(joiner.email, sentAfter);
    await page.getByLabel('Code').fill(wrongCode(code));
    await page.getByRole('button', { name: 'Continue' }).click();
    await atBothWidths(page, async () => {
      await page.getByRole('alert').getByText('That code is not right.').waitFor();
    });
    await reloadShows(page, 'Check your email', 'Continue', ['Code']);
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await stepAtBothWidths(page, `Join Demo Media Co as ${joiner.email}`, 'Join Demo Media Co');
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await atBothWidths(page, async () => {
      await page.locator('#joined-notice').waitFor();
    });

    // Everything the person went through was loaded by GET, except the forms they sent.
    const sent = loads.filter((load) => load.method === 'POST').map((load) => new URL(load.url).pathname.replace(/interaction\/[\w-]+/, 'interaction/…'));
    expect(sent).toEqual(['/oidc/interaction/…/email', '/oidc/interaction/…/code', '/oidc/interaction/…/code']);
    loads.length = 0;

    // One Back: the app, saying they joined.
    await page.goBack();
    expect(APP_PAGE(page.url()), page.url()).toBe(true);
    await atBothWidths(page, async () => {
      await page.getByRole('heading', { name: /joined Demo Media Co/ }).waitFor();
    });

    // Every further Back: an app page, never a form resent nor a provider page saying the sign-in is over.
    for (let back = 0; back < 8 && page.url() !== 'about:blank'; back++) {
      const response = await page.goBack();
      if (page.url() === 'about:blank') break;
      expect(APP_PAGE(page.url()), page.url()).toBe(true);
      if (response) expect(response.status(), page.url()).toBeLessThan(400);
      await atBothWidths(page, async (size) => {
        expect(await page.locator('body').innerText(), `${page.url()} at ${size}`).not.toMatch(/expired|sign-in is over|resubmi/i);
      });
    }
    expect(page.url()).toBe('about:blank');
    expect(loads.filter((load) => load.method !== 'GET')).toEqual([]);
    await context.close();
  });
});

describe('a sign-in that is over', () => {
  it('sends someone who opens one of its pages, in any browser, to the app page that started it; one the provider never knew says so, with a way back', async () => {
    expect(codePages).toHaveLength(1);
    const { context, page } = await newContext('mobile');
    for (const url of codePages) {
      await page.goto(url);
      expect(page.url()).toBe(`${t.stack.url}/join`);
    }
    const response = await page.goto(`${t.stack.url}/oidc/interaction/never-started-here`);
    expect(response?.status()).toBe(410);
    await page.getByRole('heading', { name: 'This sign-in is over' }).waitFor();
    await checkBothWidths(page, 'a sign-in the provider does not know');
    await page.getByRole('link', { name: 'Back to Invite links' }).click();
    await page.waitForURL((url) => APP_PAGE(url.href));
    await context.close();
  });
});

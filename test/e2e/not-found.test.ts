/**
 * Mistyped addresses in headless Chromium against a real local stack, at 1280 and 375 px: a
 * browser asking for a page that does not exist (`/login`, `/Users`) gets a not-found page in the
 * pages' look, with status 404, the pages' security headers and a way on, while API clients (paths
 * under /v1/, or Accept: application/json) keep getting problem+json; and invite links whose path
 * changed case or gained a slash (`/JOIN#<token>`, `/Join/#<token>`) open the join page.
 *
 * What a page shows is checked at both widths on the same tab, resized; what the server answers
 * does not depend on the width, so each address is asked for once.
 */
import type { BrowserContext, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { OWNER, when } from '../support/steps.ts';

// No stream consumers: nothing here reads the emails a join sends or the activity feed, and idle readers poll all the while.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
let context: BrowserContext;
/** One tab for the file: nothing here signs in, so what one test leaves in it changes no other. */
let page: Page;
const { newContext } = pageSteps(t, () => browser);

/** Runs the check at 1280 and at 375 px on the same tab, resized; the tab keeps the width it had. */
async function atBothWidths(check: (size: keyof typeof VIEWPORTS) => Promise<void>) {
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS) as [keyof typeof VIEWPORTS, (typeof VIEWPORTS)[keyof typeof VIEWPORTS]][]) {
    await page.setViewportSize(viewport);
    await check(size);
  }
  if (original) await page.setViewportSize(original);
}

beforeAll(async () => {
  browser = await launchChromium();
  ({ context, page } = await newContext('mobile'));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('an address no page has, in a browser', () => {
  it('shows the not-found page with status 404, a way on and no axe violation, at 1280 and 375 px', async () => {
    for (const [path, meant, href] of [['/login', 'Sign in', '/signin'], ['/Users', 'Users', '/users']] as const) {
      const response = await page.goto(`${t.stack.url}${path}`);
      expect(response?.status(), path).toBe(404);
      expect(response?.headers()['content-type'], path).toContain('text/html');
      expect(response?.headers()['content-security-policy'], path).toContain("default-src 'self'");
      expect(response?.headers()['x-content-type-options'], path).toBe('nosniff');
      await atBothWidths(async (size) => {
        await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
        expect(await page.title()).toBe('Page not found · Invite links');
        expect(await page.locator('main code.address').textContent()).toBe(path);
        expect(await page.locator('.notice').getByRole('link', { name: meant, exact: true }).getAttribute('href'), `${path} at ${size}`).toBe(href);
        expect(await page.getByRole('link', { name: 'Go to Home' }).getAttribute('href')).toBe('/home');
        expect(await page.getByRole('link', { name: 'Sign in', exact: true }).first().getAttribute('href')).toBe('/signin');
        for (const name of ['Home', 'Users', 'Activity', 'Login Settings', 'API reference']) {
          expect(await page.locator('.page-list').getByRole('link', { name, exact: true }).count(), `${name} at ${size}`).toBe(1);
        }
        expect(await page.locator('#topbar a.brand').getAttribute('href')).toBe('/');
      });
      await checkBothWidths(page, `not found ${path}`);
    }
    await screenshot(page, 'not-found');
  });

  it('takes the person on: the page the address looked like opens', async () => {
    await page.goto(`${t.stack.url}/login`);
    await page.locator('.notice').getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');
  });

  it('opens a page whose address gained a trailing slash, as CloudFront does', async () => {
    const response = await fetch(`${t.stack.url}/api/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>API reference · Invite links</title>');
  });
});

describe('an address no page has, for an API client', () => {
  it('answers problem+json under /v1/, whatever the client accepts', async () => {
    for (const accept of ['text/html', 'application/json', '*/*']) {
      const response = await fetch(`${t.stack.url}/v1/nope`, { headers: { accept } });
      expect(response.status, accept).toBe(404);
      expect(response.headers.get('content-type'), accept).toBe('application/problem+json');
      expect((await response.json()) as unknown, accept).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
  });

  it('answers problem+json elsewhere to a client asking for JSON', async () => {
    for (const accept of ['application/json', 'application/problem+json']) {
      const response = await fetch(`${t.stack.url}/login`, { headers: { accept } });
      expect(response.status, accept).toBe(404);
      expect(response.headers.get('content-type'), accept).toBe('application/problem+json');
      expect((await response.json()) as unknown, accept).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
  });
});

describe('an invite link whose path changed case or gained a slash', () => {
  it('opens the join page from /JOIN#<token> and /Join/#<token>, the token leaving the address bar, at 1280 and 375 px', async () => {
    for (const path of ['/JOIN', '/Join/']) {
      const { token } = await when(t).linkToken(OWNER);
      await page.goto('about:blank');
      const response = await page.goto(`${t.stack.url}${path}#${token}`);
      expect(response?.status(), path).toBe(200);
      await atBothWidths(async (size) => {
        await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
        expect(page.url(), `${path} at ${size}`).toBe(`${t.stack.url}/join`);
      });
    }
  });
});

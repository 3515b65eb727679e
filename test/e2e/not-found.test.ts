/**
 * Mistyped addresses in headless Chromium against a real local stack, at 1280 and 375 px: a
 * browser asking for a page that does not exist (`/login`, `/Users`) gets a not-found page in the
 * pages' look, with status 404, the pages' security headers and a way on, while API clients (paths
 * under /v1/, or Accept: application/json) keep getting problem+json; and invite links whose path
 * changed case or gained a slash (`/JOIN#<token>`, `/Join/#<token>`) open the join page.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { OWNER, when } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext } = pageSteps(t, () => browser);
const WIDTHS = Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('an address no page has, in a browser', () => {
  for (const width of WIDTHS) {
    it(`shows the not-found page with status 404, a way on and no axe violation (${width})`, async () => {
      const { context, page } = await newContext(width);
      for (const [path, meant, href] of [['/login', 'Sign in', '/signin'], ['/Users', 'Users', '/users']] as const) {
        const response = await page.goto(`${t.stack.url}${path}`);
        expect(response?.status(), path).toBe(404);
        expect(response?.headers()['content-type'], path).toContain('text/html');
        expect(response?.headers()['content-security-policy'], path).toContain("default-src 'self'");
        expect(response?.headers()['x-content-type-options'], path).toBe('nosniff');
        await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
        expect(await page.title()).toBe('Page not found · Invite links');
        expect(await page.locator('main code.address').textContent()).toBe(path);
        expect(await page.locator('.notice').getByRole('link', { name: meant, exact: true }).getAttribute('href'), path).toBe(href);
        expect(await page.getByRole('link', { name: 'Go to Home' }).getAttribute('href')).toBe('/home');
        expect(await page.getByRole('link', { name: 'Sign in', exact: true }).first().getAttribute('href')).toBe('/signin');
        for (const name of ['Home', 'Users', 'Activity', 'Login Settings', 'API reference']) {
          expect(await page.locator('.page-list').getByRole('link', { name, exact: true }).count(), name).toBe(1);
        }
        expect(await page.locator('#topbar a.brand').getAttribute('href')).toBe('/');
        await checkBothWidths(page, `not found ${path}`);
      }
      if (width === 'desktop') await screenshot(page, 'not-found');
      await context.close();
    });
  }

  it('takes the person on: the page the address looked like opens', async () => {
    const { context, page } = await newContext('mobile');
    await page.goto(`${t.stack.url}/login`);
    await page.locator('.notice').getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');
    await context.close();
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
  for (const width of WIDTHS) {
    it(`opens the join page from /JOIN#<token> and /Join/#<token>, the token leaving the address bar (${width})`, async () => {
      const { context, page } = await newContext(width);
      for (const path of ['/JOIN', '/Join/']) {
        const { token } = await when(t).linkToken(OWNER);
        await page.goto('about:blank');
        const response = await page.goto(`${t.stack.url}${path}#${token}`);
        expect(response?.status(), path).toBe(200);
        await page.getByRole('heading', { name: 'Join Demo Media Co' }).waitFor();
        expect(page.url(), path).toBe(`${t.stack.url}/join`);
      }
      await context.close();
    });
  }
});

/**
 * The API reference (/api) in headless Chromium against a real local stack: it renders the
 * service's OpenAPI document (operations, their problem+json errors, the schemas) under the pages'
 * CSP, breaks none of its rules, asks no other origin for anything, works by keyboard and fits a
 * 375 px screen. Its examples are the demo data's, each a request the API accepts; it offers no
 * control that does nothing; its top bar leads back to the app.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createInviteLinkBody } from '../../shared/contract/requests.ts';
import { launchChromium } from '../support/browser.ts';
import { atBothWidths, checkBothWidths, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';

// No stream consumers: nothing here reads the emails a join sends or the activity feed, and idle readers poll all the while.
const t = useStack({ notifier: false, eventsFeed: false });

let browser: Browser;
const contexts: BrowserContext[] = [];
const violations: string[] = [];
const otherOrigins: string[] = [];
const pageErrors: string[] = [];

/** A page that records every CSP violation, request to another origin and uncaught error. */
async function openReference(viewport: keyof typeof VIEWPORTS): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: 'en-GB', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.exposeFunction('reportCspViolation', (violation: string) => violations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(`${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
      true,
    );
  });
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.origin !== t.stack.url) otherOrigins.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  const response = await page.goto(`${t.stack.url}/api`);
  expect(response?.headers()['content-security-policy']).toContain("style-src 'self';");
  await page.getByRole('heading', { name: 'API reference', level: 1 }).waitFor();
  await page.locator('.opblock').first().waitFor();
  return page;
}


const operation = (page: Page, method: string, path: string) =>
  page.locator(`.opblock-${method.toLowerCase()}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });

/** Opens the Schemas section and the named schema, by keyboard, and returns the schema's box. */
async function openSchema(page: Page, name: string) {
  const section = page.locator('section.models');
  const sectionToggle = section.getByRole('button', { name: 'Schemas' });
  if ((await sectionToggle.getAttribute('aria-expanded')) !== 'true') {
    await sectionToggle.focus();
    await page.keyboard.press('Enter');
  }
  const schemaToggle = page.getByRole('button', { name, exact: true });
  // Swagger UI attaches its handlers a moment after it renders: press again until it opens (a busy machine is slow).
  await expect
    .poll(
      async () => {
        if ((await section.locator(schemaToggle).getAttribute('aria-expanded')) !== 'true') {
          await section.locator(schemaToggle).focus();
          await page.keyboard.press('Enter');
        }
        return section.locator(schemaToggle).getAttribute('aria-expanded');
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe('true');
  return section.locator('article').filter({ has: schemaToggle }).first();
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

// One page, opened once: what depends on the width (the layout) is checked on it at both widths, resized.
describe('the API reference at /api', () => {
  let page: Page;
  const create = () => operation(page, 'POST', '/v1/domains/{domainId}/invite-links');

  it('lists the operations of the document and the schemas it defines', async () => {
    page = await openReference('desktop');
    expect(await page.title()).toBe('API reference · Invite links');
    await expect.poll(() => operation(page, 'GET', '/v1/me').count()).toBe(1);
    expect(await operation(page, 'GET', '/v1/me').locator('.opblock-summary-description').innerText()).not.toBe('');
    await page.locator('section.models').getByRole('button', { name: 'Problem', exact: true }).waitFor();
  });

  it('leads back to the app at 1280 and 375 px: the brand and Home in the top bar', async () => {
    await atBothWidths(page, async (size) => {
      const topBar = page.locator('#topbar');
      expect(await topBar.getByRole('link', { name: 'Home', exact: true }).getAttribute('href'), size).toBe('/home');
      expect(await topBar.getByRole('link', { name: 'Invite links' }).getAttribute('href'), size).toBe('/');
      expect(await topBar.getByRole('link', { name: 'Home', exact: true }).isVisible(), size).toBe(true);
    });
  });

  it('opens an operation by keyboard and shows its errors as application/problem+json', async () => {
    const lookup = operation(page, 'POST', '/v1/join/lookup');
    const summary = lookup.locator('button.opblock-summary-control');
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await summary.getAttribute('aria-expanded')).toBe('true');
    const gone = lookup.locator('tr.response[data-code="410"]');
    await gone.waitFor();
    expect(await gone.locator('select.content-type option').allInnerTexts()).toContain('application/problem+json');
  });

  it('opens a schema by keyboard and shows its properties', async () => {
    const problem = await openSchema(page, 'Problem');
    for (const property of ['type', 'status', 'title', 'detail', 'code']) await problem.getByText(property, { exact: true }).first().waitFor();
  });

  it('shows a create-link example the API accepts, with a primary team only, at 1280 and 375 px', async () => {
    await create().locator('button.opblock-summary-control').click();
    await create().locator('tr.response[data-code="422"]').waitFor();
    await atBothWidths(page, async (size) => {
      const example = create().locator('.opblock-section-request-body .highlight-code');
      await example.waitFor();
      const body = JSON.parse(await example.innerText()) as Record<string, unknown>;
      expect(z.safeParse(createInviteLinkBody, body).error?.issues ?? [], size).toEqual([]);
      expect(['primaryTeamId', 'primaryGroupId'].filter((field) => field in body), size).toEqual(['primaryTeamId']);
      expect(body, size).toMatchObject({ primaryTeamId: 'producers', label: 'Spring interns' });
    });
  });

  it('fits a 375 px screen: nothing scrolls sideways, with an operation and a schema open', async () => {
    await page.setViewportSize(VIEWPORTS.mobile);
    // Opened at 1280 px above; at 375 px its summary can be pressed too.
    await create().locator('button.opblock-summary-control').click({ trial: true });
    expect(await create().locator('button.opblock-summary-control').getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('section.models').getByRole('button', { name: 'Problem', exact: true }).getAttribute('aria-expanded')).toBe('true');
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(width.scroll).toBeLessThanOrEqual(width.client);
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('offers no control that does nothing, at 1280 and 375 px: parameters are described with their example, a lone media type is named', async () => {
    // The create-link operation open, and nothing else: the lookup and the schema opened above are closed again.
    const lookup = operation(page, 'POST', '/v1/join/lookup').locator('button.opblock-summary-control');
    await lookup.click();
    expect(await lookup.getAttribute('aria-expanded')).toBe('false');
    const problem = page.locator('section.models').getByRole('button', { name: 'Problem', exact: true });
    await problem.click();
    expect(await problem.getAttribute('aria-expanded')).toBe('false');
    await atBothWidths(page, async (size) => {
      const domainId = create().locator('tr[data-param-name="domainId"]');
      await domainId.waitFor();
      expect(await domainId.locator('input, select, textarea').count(), size).toBe(0);
      expect(await domainId.innerText(), size).toContain('demo-media-co');
      expect(await page.locator('.swagger-ui :is(input, select, textarea, button):disabled').count(), size).toBe(0);
      for (const select of await page.locator('.swagger-ui select').all()) {
        if (await select.isVisible()) expect(await select.locator('option').count(), size).toBeGreaterThan(1);
      }
      expect(await create().locator('.content-type-single code').first().innerText(), size).toBe('application/json');
    });
    await checkBothWidths(page, 'API reference with an operation open');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'api', undefined, { fullPage: false });
  });

  it('broke no rule of the CSP, asked no other origin for anything and threw nothing', () => {
    expect(violations).toEqual([]);
    expect(otherOrigins).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

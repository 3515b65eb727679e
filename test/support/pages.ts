/**
 * What the page tests share: browser contexts at the two widths, screenshots into
 * docs/screenshots/ (when missing, or all with UPDATE_SCREENSHOTS=1), and signing in through the
 * local identity provider with the code it emails to the local SES.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { CODE_EMAIL_SUBJECT } from './sign-in.ts';
import type { TestStack } from './stack.ts';

export const SCREENSHOTS = join(import.meta.dirname, '../../docs/screenshots');
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 375, height: 812 } } as const;

/**
 * Desktop and 375 px screenshots of what the page shows now; only when missing or asked for.
 * A modal scrolls inside the viewport, so for one the viewport grows to show all of it.
 * `fullPage: false` keeps to the viewport, so a modal's backdrop covers all of the picture.
 */
export async function screenshot(page: Page, name: string, modal?: string, { fullPage = true } = {}) {
  const update = process.env.UPDATE_SCREENSHOTS === '1';
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const file = join(SCREENSHOTS, `${name}-${size}.png`);
    if (!update && existsSync(file)) continue;
    await page.setViewportSize(viewport);
    if (modal) {
      const height = await page.locator(modal).evaluate((el) => el.scrollHeight);
      await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 48) });
      await page.locator(modal).evaluate((el) => el.scrollTo(0, 0));
    }
    await page.screenshot({ path: file, fullPage, animations: 'disabled', caret: 'hide' });
  }
  if (original) await page.setViewportSize(original);
}

/** The steps that need this file's stack and browser (read when called: both start in beforeAll). */
export function pageSteps(t: TestStack, browser: () => Browser) {
  async function newContext(viewport: keyof typeof VIEWPORTS = 'desktop') {
    const context = await browser().newContext({ viewport: VIEWPORTS[viewport], locale: 'en-GB', timezoneId: 'UTC' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.stack.url });
    const page = await context.newPage();
    // A ceiling, not a measure: on a loaded machine pages are slow, and waiting longer changes no outcome.
    page.setDefaultTimeout(30_000);
    return { context, page };
  }

  /** The newest one-time code the local identity provider emailed to this address, read from the local SES. */
  async function emailedCode(email: string, after: number): Promise<string> {
    let code: string | undefined;
    await expect
      .poll(
        async () => {
          const store = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text: string }; at: number }[] };
          const mine = store.emails.filter((m) => m.destination.to.includes(email) && CODE_EMAIL_SUBJECT.test(m.subject) && m.at >= after);
          code = CODE_EMAIL_SUBJECT.exec(mine.at(-1)?.subject ?? '')?.[1];
          return code;
        },
        { timeout: 20_000, interval: 100 },
      )
      .toMatch(/^\d{6}$/);
    return code!;
  }

  /** On the provider's page: the email (and the name, to create an account), then the emailed code. */
  async function throughProvider(page: Page, email: string, options: { newAccount?: { firstName: string; lastName: string }; shots?: string } = {}) {
    await page.waitForURL(/\/oidc\/interaction\//);
    const sentAfter = Math.floor(Date.now() / 1000) - 1;
    await page.getByLabel('Email').fill(email);
    if (options.newAccount) {
      await page.getByLabel('First name').fill(options.newAccount.firstName);
      await page.getByLabel('Last name').fill(options.newAccount.lastName);
    }
    if (options.shots) await screenshot(page, `${options.shots}`);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    if (options.shots) await screenshot(page, 'provider-code');
    await page.getByLabel('Code').fill(await emailedCode(email, sentAfter));
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  /**
   * Signs this tab in without the provider's pages: the stack's token for this email, kept in the
   * tab's session as the sign-in page keeps it. For tests about what comes after signing in.
   */
  async function signedIn(page: Page, email: string, path = '/', names?: { givenName?: string; familyName?: string }) {
    const token = await t.tokenFor(email, names);
    await page.goto(`${t.stack.url}/config.json`);
    await page.evaluate((token) => {
      sessionStorage.setItem('invite-links.token', token);
      sessionStorage.setItem('invite-links.id-token', token);
    }, token);
    await page.goto(`${t.stack.url}${path}`);
  }

  return { newContext, emailedCode, throughProvider, signedIn };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * axe-core's WCAG A/AA violations on the page as it is now, as readable lines. axe goes in through
 * the DevTools protocol (page.evaluate), which the pages' strict CSP does not govern.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, WCAG_AA);
}

/** How wide the page's content is: more than the viewport means it scrolls sideways. */
export const scrollWidth = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth);

/** What a screen reader would call the focused element, near enough: its aria-label, its label, or its text. */
export const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
    return (el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '').trim();
  });

/** Runs the check at 1280 and at 375 px on the same tab, resized; the tab keeps the width it had. */
export async function atBothWidths(page: Page, check: (size: keyof typeof VIEWPORTS) => Promise<void>) {
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS) as [keyof typeof VIEWPORTS, (typeof VIEWPORTS)[keyof typeof VIEWPORTS]][]) {
    await page.setViewportSize(viewport);
    await check(size);
  }
  if (original) await page.setViewportSize(original);
}

/** No sideways scrolling at 375 px and no axe violation, at both widths; back to the width it had after. */
export async function checkBothWidths(page: Page, name: string) {
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(50);
    expect(await scrollWidth(page), `${name} at ${size}`).toBeLessThanOrEqual(viewport.width);
    expect(await axeViolations(page), `${name} at ${size}`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}

/**
 * The Activity page in headless Chromium: what the owner and a new member did through the API is
 * there, in plain words and newest first, as soon as the page opens; the filter keeps one
 * kind of activity (and the address keeps the filter); it fits a 375 px screen; a member who may
 * not invite is told so plainly.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { axeViolations, pageSteps, screenshot, scrollWidth, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);
let owner: { context: BrowserContext; page: Page };
const joiner = newPerson('joiner');
const activityUrl = (query = '') => `${t.stack.url}/activity?domain=${DEMO_DOMAIN}${query}`;
const rows = (page: Page) => page.locator('#activity-list .activity-item');
const texts = (page: Page) => rows(page).locator('.activity-text').allInnerTexts();
const types = (page: Page) => rows(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));

beforeAll(async () => {
  browser = await launchChromium();
  owner = await newContext('desktop');
  const { token } = await when(t).linkToken(OWNER, { label: 'Launch crew', userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'] });
  const joined = await when(t).join(token, joiner);
  if (joined.status !== 200 && joined.status !== 201) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
  // Signed in on another page first, so the time below is the Activity page's own.
  await signedIn(owner.page, OWNER, '/config.json');
});

afterAll(async () => {
  await browser?.close();
});

describe('the Activity page', () => {
  it('shows the link the owner created and the join through it, newest first, on opening', async () => {
    const { page } = owner;
    await page.goto(activityUrl());
    await rows(page).nth(1).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Activity');
    expect(await texts(page)).toEqual([
      `${joiner.email} joined via ‘Launch crew’`,
      `${OWNER} created a link ‘Launch crew’ (Standard, Producers, Marketing)`,
    ]);
    expect(await rows(page).first().locator('.activity-more').textContent()).toBe('Standard, Producers, Marketing');
    expect(await rows(page).first().locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.locator('#activity-summary').textContent()).toBe('Demo Media Co · 2 entries');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('says in plain words when links are deleted, switched off and on, and when a member is changed or removed', async () => {
    const { page } = owner;
    const member = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/users?limit=100`)).body.items.find((m: { email: string }) => m.email === joiner.email);
    expect((await t.as(OWNER).patch(`/v1/domains/${DEMO_DOMAIN}/users/${member.userId}`, { userType: 'POWER', teamIds: ['producers'] })).status).toBe(200);
    expect((await when(t).revokeAll()).status).toBe(200);
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    expect((await when(t).setLinksEnabled(true)).status).toBe(200);
    expect((await t.as(OWNER).delete(`/v1/domains/${DEMO_DOMAIN}/users/${member.userId}`)).status).toBe(204);
    await page.reload();
    await rows(page).nth(6).waitFor({ timeout: 20_000 });
    expect(await texts(page)).toEqual([
      `${OWNER} removed ${joiner.email}`,
      `${OWNER} switched links on`,
      `${OWNER} switched links off`,
      `${OWNER} deleted all links`,
      `${OWNER} updated ${joiner.email}`,
      `${joiner.email} joined via ‘Launch crew’`,
      `${OWNER} created a link ‘Launch crew’ (Standard, Producers, Marketing)`,
    ]);
    expect(await rows(page).nth(4).locator('.activity-more').textContent()).toBe('User type: Standard → Power · Teams: Producers, Marketing → Producers');
  });

  it('filters by kind of activity, keeps the filter in the address, and keeps it on reload', async () => {
    const { page } = owner;
    await page.getByLabel('Show').selectOption({ label: 'Joins' });
    await expect.poll(() => types(page)).toEqual(['MemberJoined']);
    expect(new URL(page.url()).searchParams.get('type')).toBe('MemberJoined');
    expect(await page.locator('#activity-summary').textContent()).toBe('Demo Media Co · 1 entry · joins');

    await page.getByLabel('Show').selectOption({ label: 'Links switched off or on' });
    await expect.poll(() => types(page)).toEqual(['InviteLinksEnabled', 'InviteLinksDisabled']);
    expect(page.url()).toContain('type=InviteLinksDisabled,InviteLinksEnabled');

    await page.reload();
    await expect.poll(() => types(page)).toEqual(['InviteLinksEnabled', 'InviteLinksDisabled']);
    expect(await page.getByLabel('Show').inputValue()).toBe('InviteLinksDisabled,InviteLinksEnabled');

    await page.getByLabel('Show').selectOption({ label: 'All activity' });
    await expect.poll(() => types(page).then((list) => list.length)).toBe(7);
    expect(new URL(page.url()).searchParams.has('type')).toBe(false);
  });

  it('fits a 375 px screen without scrolling sideways', async () => {
    const { page } = owner;
    await page.setViewportSize(VIEWPORTS.mobile);
    await rows(page).first().waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(VIEWPORTS.mobile.width);
    const box = await rows(page).first().locator('time').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(VIEWPORTS.mobile.width);
    await page.setViewportSize(VIEWPORTS.desktop);
    await screenshot(page, 'activity');
  });

  it('tells a member who may not invite that they are not allowed, and offers Home', async () => {
    const { context, page } = await newContext('mobile');
    await signedIn(page, VIEWER, `/activity?domain=${DEMO_DOMAIN}`);
    const notice = page.locator('#activity-not-allowed');
    await notice.waitFor();
    expect(await notice.innerText()).toContain("You're not allowed to see the activity of Demo Media Co.");
    expect(await notice.getByRole('link', { name: 'Go to Home' }).getAttribute('href')).toBe(`/home?domain=${DEMO_DOMAIN}`);
    expect(await rows(page).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

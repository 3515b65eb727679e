/**
 * Every page at 1280 and 375 px with the longest things people have: a domain with a long name and
 * a 60-character team name without a break, a 60-character email, long surnames, a long link
 * label. Nothing scrolls sideways, the invite modal keeps Revoke inside it, and the Users table
 * says which role groups, which primary team, and which link from whom. axe-core finds no WCAG
 * A/AA violation on any page at either width.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAdminRecords, parseNewDomain } from '../../shared/domain/new-domain.ts';
import { createDomain } from '../../shared/store/dynamodb/create-domain.ts';
import { launchChromium } from '../support/browser.ts';
import { checkBothWidths, pageSteps, screenshot, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { tokenOf } from '../support/steps.ts';

const t = useStack();
let browser: Browser;
const { newContext, signedIn } = pageSteps(t, () => browser);

const LONG_TEAM = 'Weltraumforschungsdatenverarbeitungsinfrastrukturabteilungen'.slice(0, 60);
const DOMAIN_NAME = 'The Exceptionally Long-Named International Media Cooperative of Greater Northampton';
const at = '@long-names.test';
const ADMIN = { email: `${'a'.repeat(60 - at.length)}${at}`, firstName: 'Maximiliana', lastName: 'Wolfeschlegelsteinhausenbergerdorff-Vorhaltenwarengewissenhaft' };
const JOINER = { email: `${'j'.repeat(60 - at.length)}${at}`, firstName: 'Bartholomew', lastName: 'Featherstonehaugh-Cholmondeley-Marjoribanks-Wolstenholme' };
const LABEL = 'Autumn intake for the Weltraumforschungsdatenverarbeitungsinfrastruktur team';

let domainId = '';
let linkUrl = '';
let admin: { context: BrowserContext; page: Page };
let joiner: { context: BrowserContext; page: Page };

/** The userId (the provider's sub) a token from the local provider names. */
const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sub as string;

beforeAll(async () => {
  browser = await launchChromium();
  const { directory, admin: firstAdmin } = parseNewDomain({
    name: DOMAIN_NAME,
    teams: [LONG_TEAM, 'Editors'],
    defaultTeam: LONG_TEAM,
    roleGroups: ['User Managers=users:create', 'Viewers of everything the cooperative publishes'],
    groups: ['Archive of the Northampton Cooperative Broadcasting Years'],
    adminEmail: ADMIN.email,
    adminFirstName: ADMIN.firstName,
    adminLastName: ADMIN.lastName,
  });
  domainId = directory.domain.domainId;
  const sub = subOf(await t.tokenFor(ADMIN.email, { givenName: ADMIN.firstName, familyName: ADMIN.lastName }));
  await createDomain(t.db, t.stack.tableName, { directory, ...firstAdminRecords(directory, firstAdmin, sub, new Date()) });
  const teamId = directory.teams.find((team) => team.name === LONG_TEAM)!.id;
  const created = await t.as(ADMIN.email).post(`/v1/domains/${domainId}/invite-links`, {
    userType: 'STANDARD',
    primaryTeamId: teamId,
    additionalTeamIds: [directory.teams.find((team) => team.name === 'Editors')!.id],
    roleGroupIds: directory.roleGroups.map((g) => g.id),
    groupIds: directory.groups.map((g) => g.id),
    label: LABEL,
  });
  if (created.status !== 201) throw new Error(`link: ${created.status} ${JSON.stringify(created.body)}`);
  linkUrl = created.body.url;
  // One that ended, for the modal's "Recently ended".
  const ended = await t.as(ADMIN.email).post(`/v1/domains/${domainId}/invite-links`, { userType: 'STANDARD', primaryTeamId: teamId, label: `Last year: ${LABEL}`.slice(0, 80) });
  const revoked = await t.as(ADMIN.email).delete(`/v1/domains/${domainId}/invite-links/${ended.body.id}`);
  if (revoked.status !== 204) throw new Error(`the ended link: ${ended.status} ${JSON.stringify(ended.body)}, revoked ${revoked.status} ${JSON.stringify(revoked.body)}`);
  admin = await newContext('desktop');
  joiner = await newContext('mobile');
});

afterAll(async () => {
  await browser?.close();
});


describe('long names, emails and labels', () => {
  it('the join page, before and after signing in, stays within 375 px', async () => {
    const { page } = joiner;
    await page.goto(linkUrl);
    await page.getByRole('heading', { name: `Join ${DOMAIN_NAME}` }).waitFor();
    expect(await page.locator('#grant-summary').innerText()).toContain(LONG_TEAM);
    await checkBothWidths(page, 'join');
    await signedIn(page, JOINER.email, `/join#${tokenOf(linkUrl)}`, { givenName: JOINER.firstName, familyName: JOINER.lastName });
    await page.getByRole('heading', { name: `Join ${DOMAIN_NAME} as ${JOINER.email}` }).waitFor();
    await checkBothWidths(page, 'join, signed in');
    await page.getByRole('button', { name: `Join ${DOMAIN_NAME}` }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=${domainId}`);
  });

  it('Home after joining stays within 375 px and names the long primary team', async () => {
    const { page } = joiner;
    await page.locator('#joined-notice').waitFor();
    expect(await page.locator('.home-grants-list').innerText()).toContain(LONG_TEAM);
    await checkBothWidths(page, 'home');
    await page.goto(`${t.stack.url}/join`);
    await page.getByRole('heading', { name: `You've joined ${DOMAIN_NAME}` }).waitFor();
    await checkBothWidths(page, 'join, joined');
  });

  it('the Users page stays within 375 px, and says what each member has and which link brought them, from whom', async () => {
    const { page } = admin;
    await signedIn(page, ADMIN.email, `/users?domain=${domainId}`);
    const row = page.locator(`tr[data-email="${JOINER.email}"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(`${LONG_TEAM} (primary), Editors`);
    expect(text).toContain('Role groups: User Managers, Viewers of everything the cooperative publishes');
    expect(text).toContain('Legacy groups: Archive of the Northampton Cooperative Broadcasting Years');
    expect(text).toMatch(new RegExp(`Joined via “?${LABEL}”? from ${ADMIN.email}, \\d+ \\w+ \\d{4}`));
    await checkBothWidths(page, 'users');
    await page.setViewportSize(VIEWPORTS.mobile);
    // The phone's member cards show the whole surname, wrapped, not cut.
    const name = row.locator('.name');
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('the invite modal stays within 375 px with Revoke, and Re-issue on a recently ended link, inside it', async () => {
    const { page } = admin;
    await page.locator('#new-users').click();
    const modal = page.locator('#invite-modal');
    await modal.locator('#active-links .link-item').first().waitFor();
    await modal.locator('#ended-links .link-item').first().waitFor();
    expect(await modal.locator('#active-links .link-ends').first().textContent()).toMatch(/^ends in [67] days$/);
    await checkBothWidths(page, 'invite modal');
    await page.setViewportSize(VIEWPORTS.mobile);
    for (const button of [
      modal.locator('#active-links .link-item').first().getByRole('button', { name: /^Revoke/ }),
      modal.locator('#ended-links .link-item').first().getByRole('button', { name: /^Re-issue ended link/ }),
    ]) {
      await button.scrollIntoViewIfNeeded();
      const [box, dialog] = [(await button.boundingBox())!, (await modal.boundingBox())!];
      expect(box.x + box.width).toBeLessThanOrEqual(dialog.x + dialog.width);
    }
    expect(await modal.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.keyboard.press('Escape');
  });

  it('Login Settings and the sign-in page stay within 375 px', async () => {
    const { page } = admin;
    await page.goto(`${t.stack.url}/settings?domain=${domainId}`);
    await page.locator('#active-link-count').waitFor();
    await checkBothWidths(page, 'settings');
    const fresh = await newContext('desktop');
    await fresh.page.goto(`${t.stack.url}/signin`);
    await fresh.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await checkBothWidths(fresh.page, 'signin');
    await fresh.context.close();
  });

  it('a link that no longer works says so within 375 px', async () => {
    const { page } = joiner;
    await page.goto(`${t.stack.url}/join#${'C'.repeat(43)}`);
    await page.locator('[data-reason]').waitFor();
    await checkBothWidths(page, 'join, not found');
    expect((await t.as(ADMIN.email).post(`/v1/domains/${domainId}/invite-links/revoke-all`)).status).toBe(200);
    await page.goto('about:blank');
    await page.goto(linkUrl);
    await page.locator('[data-reason="all-deleted"]').waitFor();
    await checkBothWidths(page, 'join, all deleted');
  });
});

describe('the dialogs and the API reference', () => {
  it('a revoke confirmation, a member’s edit dialog and the API reference pass axe at both widths', async () => {
    const { page } = admin;
    const link = await t.as(ADMIN.email).post(`/v1/domains/${domainId}/invite-links/onboarding`);
    expect(link.status).toBe(201);
    await page.goto(`${t.stack.url}/users?domain=${domainId}`);
    await page.locator('#new-users').click();
    await page.locator('#invite-modal .link-item').first().getByRole('button', { name: /^Revoke/ }).click();
    await page.locator('#confirm-revoke-link').waitFor();
    await checkBothWidths(page, 'revoke confirmation');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.locator('.edit-member').first().click();
    await page.locator('#member-edit').waitFor();
    await checkBothWidths(page, 'member edit');
    await page.keyboard.press('Escape');

    await page.goto(`${t.stack.url}/api`);
    await page.locator('.opblock').first().waitFor();
    await checkBothWidths(page, 'API reference');
  });
});

describe('the screenshots', () => {
  it('show the Users page with long names', async () => {
    await admin.page.goto(`${t.stack.url}/users?domain=${domainId}`);
    await admin.page.locator('table.users').waitFor();
    await screenshot(admin.page, 'users-long-names');
  });
});

/**
 * The provider's pages during a sign-up from a link, in headless Chromium, each checked at 1280 and
 * 375 px: every page names the organisation and the link's email rule ("Joining Demo Media Co — use
 * your @example.test address"), an address outside the rule is refused before any code is sent, the
 * code email's subject leads with the code, and nothing a person reads says "local identity
 * provider": the pages call it Invite links sign-in.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { atBothWidths, checkBothWidths, pageSteps, screenshot } from '../support/pages.ts';
import { CODE_EMAIL_SUBJECT } from '../support/sign-in.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OWNER, when } from '../support/steps.ts';

// No stream consumers: nothing here reads the emails a join sends or the activity feed, and idle readers poll all the while.
const t = useStack({ notifier: false, eventsFeed: false });
let browser: Browser;
const { newContext, emailedCode } = pageSteps(t, () => browser);
const SENTENCE = 'Joining Demo Media Co — use your @example.test address';

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text: string };
}
const emailsTo = async (address: string) =>
  ((await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails.filter((m) => m.destination.to.includes(address));

/** What the person reads on this page: its title and its text. */
const readable = async (page: Page) => `${await page.title()}\n${await page.locator('body').innerText()}`;


// What the provider sends and refuses does not depend on the width: the newcomer goes through once at 1280 px, and each page met is checked at 375 px too by resizing the tab.
describe('a sign-up from a link with an email rule', () => {
  it('names the organisation and the email rule on every provider page, refuses another address before sending it a code, and leads the code email with the code', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', allowedEmailDomains: ['example.test'] });
    const joiner = newPerson('invited');
    const elsewhere = `${joiner.email.split('@')[0]}@elsewhere.test`;
    const { context, page } = await newContext('desktop');

    await page.goto(`${t.stack.url}/join#${token}`);
    await atBothWidths(page, async (size) => {
      await page.getByRole('button', { name: 'Create account' }).waitFor();
      expect(await readable(page), size).not.toMatch(/local identity provider/i);
    });
    await page.getByRole('button', { name: 'Create account' }).click();

    await atBothWidths(page, async (size) => {
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      expect(await page.locator('#invitation').innerText(), size).toBe(SENTENCE);
      expect(await page.title(), size).toBe('Create your account · Invite links sign-in');
      expect(await readable(page), size).not.toMatch(/local identity provider/i);
      for (const field of ['Email', 'First name', 'Last name']) await page.getByLabel(field).click({ trial: true });
      await page.getByRole('button', { name: 'Send code' }).click({ trial: true });
    });
    await checkBothWidths(page, 'provider sign-up for an invitation');
    await screenshot(page, 'provider-invitation');

    // Another address: refused at once, in the same words, the names kept; no code goes out.
    await page.getByLabel('Email').fill(elsewhere);
    await page.getByLabel('First name').fill(joiner.firstName);
    await page.getByLabel('Last name').fill(joiner.lastName);
    await page.getByRole('button', { name: 'Send code' }).click();
    const refusal = page.getByRole('alert');
    await atBothWidths(page, async (size) => {
      await refusal.waitFor();
      expect(await refusal.innerText(), size).toBe(`${SENTENCE}, not ${elsewhere}.`);
      expect(await page.getByRole('heading', { name: 'Create your account' }).count(), size).toBe(1);
      expect(await page.getByLabel('First name').inputValue(), size).toBe(joiner.firstName);
      expect(await page.getByLabel('Last name').inputValue(), size).toBe(joiner.lastName);
      expect(await page.getByLabel('Email').inputValue(), size).toBe(elsewhere);
      await page.getByLabel('Email').click({ trial: true });
    });
    await checkBothWidths(page, 'provider refusing an address outside the invitation');
    await screenshot(page, 'provider-invitation-refused');

    const sentAfter = Math.floor(Date.now() / 1000) - 1;
    await page.getByLabel('Email').fill(joiner.email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await atBothWidths(page, async (size) => {
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      expect(await page.locator('#invitation').innerText(), size).toBe(SENTENCE);
      expect(await readable(page), size).not.toMatch(/local identity provider/i);
      await page.getByLabel('Code').click({ trial: true });
      await page.getByRole('button', { name: 'Continue' }).click({ trial: true });
    });
    await checkBothWidths(page, 'provider code page for an invitation');

    const code = await emailedCode(joiner.email, sentAfter);
    const [email] = await emailsTo(joiner.email);
    expect(email!.subject).toBe(`${code} is your code for Invite links sign-in`);
    expect(email!.subject).toMatch(CODE_EMAIL_SUBJECT);
    expect(email!.body.text).toContain(`Your code is ${code}`);
    expect(await emailsTo(elsewhere)).toEqual([]);

    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await atBothWidths(page, async () => {
      await page.getByRole('heading', { name: `Join Demo Media Co as ${joiner.email}` }).waitFor();
      await page.getByRole('button', { name: 'Join Demo Media Co' }).click({ trial: true });
    });
    await page.getByRole('button', { name: 'Join Demo Media Co' }).click();
    await page.waitForURL(`${t.stack.url}/home?domain=${DEMO_DOMAIN}`);
    await context.close();
  });
});

describe('a sign-in that is not for a link', () => {
  it('names no organisation and admits any address', async () => {
    const { context, page } = await newContext('mobile');
    await page.goto(`${t.stack.url}/signin`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await readable(page)).not.toMatch(/local identity provider/i);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('#invitation').count()).toBe(0);
    expect(await readable(page)).not.toMatch(/local identity provider/i);
    await page.getByLabel('Email').fill('someone@elsewhere.test');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await context.close();
  });
});

describe('an invitation the provider cannot show', () => {
  it('is refused at the authorization endpoint as invalid_request, naming the parameter, back at the app', async () => {
    const authorize = (extra: Record<string, string>) => {
      const url = new URL(`${t.stack.identityProvider.issuer}/auth`);
      const params = { client_id: t.stack.identityProvider.clientId, response_type: 'code', scope: 'openid email profile', redirect_uri: `${t.stack.url}/join`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', state: 's', nonce: 'n', ...extra };
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      return fetch(url, { redirect: 'manual' });
    };
    const cases: [Record<string, string>, string][] = [
      [{ invite_org: '<b>Demo</b>' }, 'invite_org'],
      [{ invite_org: 'x'.repeat(101) }, 'invite_org'],
      [{ invite_org: 'Demo Media Co', invite_email_domains: 'example.test,not a domain' }, 'invite_email_domains'],
    ];
    for (const [extra, param] of cases) {
      const back = new URL((await authorize(extra)).headers.get('location')!, t.stack.url);
      expect(back.origin + back.pathname).toBe(`${t.stack.url}/join`);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(new RegExp(`^${param} must be`));
    }
    const fine = new URL((await authorize({ invite_org: 'Demo Media Co', invite_email_domains: 'example.test,example.org' })).headers.get('location')!, t.stack.url);
    expect(fine.pathname).toMatch(/^\/oidc\/interaction\//);
  });
});

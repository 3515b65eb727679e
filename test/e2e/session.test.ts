/**
 * One session for the whole browser, its pages checked at 1280 and 375 px: someone signed in in one
 * tab opens any page in a new tab (ctrl-click, an email's link) and lands on it signed in, on the
 * domain its address names, without ever seeing the Sign in card: handed over by an open tab, or
 * from the provider's session when no tab is open. A browser the provider does not know gets the
 * card, and comes back to the page afterwards. Sign out ends it everywhere, asking nothing more:
 * this tab, the other tabs at once, new tabs, and the provider's session.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { atBothWidths, checkBothWidths, pageSteps, VIEWPORTS } from '../support/pages.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, newPerson, OWNER, when } from '../support/steps.ts';

// The notifier sends the signup email whose link is opened; nothing here reads the activity feed, so its reader stays off.
const t = useStack({ eventsFeed: false });
let browser: Browser;
const { newContext, throughProvider } = pageSteps(t, () => browser);

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const SIGN_IN_CARD = '#signin';

/**
 * A browser context whose every page reports the moment a Sign in card appears in it, even for an
 * instant: `cardShown(page)` says whether that page ever showed one.
 */
async function watchedContext(size: keyof typeof VIEWPORTS) {
  const { context, page } = await newContext(size);
  const showedCard = new Set<Page>();
  await context.exposeBinding('reportSignInCard', ({ page: where }) => void showedCard.add(where));
  await context.addInitScript((selector) => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector(selector)) return;
      observer.disconnect();
      (window as unknown as { reportSignInCard(): void }).reportSignInCard();
    }).observe(document, { childList: true, subtree: true });
  }, SIGN_IN_CARD);
  return { context, page, cardShown: (where: Page) => showedCard.has(where) };
}

/** Opens the address in a new tab of the same browser and waits until it shows either the signed-in page or the card. */
async function openInNewTab(context: BrowserContext, address: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(address);
  await page.locator(`.who-email, ${SIGN_IN_CARD}`).first().waitFor({ state: 'attached' });
  return page;
}

/** The Users page link in the signup email the owner gets when someone joins through their link. */
async function signupEmailLink(): Promise<string> {
  const { token } = await when(t).linkToken(OWNER);
  const joiner = newPerson('session');
  expect((await when(t).join(token, joiner)).status).toBe(201);
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const store = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text: string } }[] };
        const email = store.emails.find((m) => m.destination.to.includes(OWNER) && m.body.text.includes(joiner.email));
        link = /http:\/\/\S+\/users\?domain=[\w-]+/.exec(email?.body.text ?? '')?.[0];
        return link;
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBeDefined();
  return link!;
}


/** The Sign in card, at both widths: shown, and something a person can press. */
const cardAtBothWidths = (page: Page) =>
  atBothWidths(page, async () => {
    await page.locator(SIGN_IN_CARD).waitFor();
    await page.locator(SIGN_IN_CARD).click({ trial: true });
  });

/** The signed-in page, at both widths: the owner's page, with Sign out to press. */
const signedInAtBothWidths = (page: Page) =>
  atBothWidths(page, async (size) => {
    expect(await page.locator('.who-email').textContent(), size).toBe(OWNER);
    await page.getByRole('button', { name: 'Sign out' }).click({ trial: true });
  });

/*
 * The session lives in the browser, not in its width: the flow runs once, the first browser at
 * 1280 px and the browser without a session at 375 px, and each page it meets is checked at the
 * other width too by resizing that tab.
 */
describe('one session for the whole browser', () => {
  let browserOne: Awaited<ReturnType<typeof watchedContext>>;

  beforeAll(async () => {
    browserOne = await watchedContext('desktop');
  });

  afterAll(async () => {
    await browserOne?.context.close();
  });

  it('signs in once, in one tab, through the Sign in card and the provider', async () => {
    const { page } = browserOne;
    await page.goto(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    await cardAtBothWidths(page);
    await page.locator(SIGN_IN_CARD).click();
    await throughProvider(page, OWNER);
    await page.waitForURL(`${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    await page.locator('.who-email').getByText(OWNER).waitFor({ state: 'attached' });
    await signedInAtBothWidths(page);
  });

  it('opens any page in a new tab signed in, on the domain its address names, never showing the Sign in card', async () => {
    const { context, cardShown } = browserOne;
    const addresses = [`/users?domain=${DEMO_DOMAIN}`, `/activity?domain=${DEMO_DOMAIN}`, `/home?domain=${DEMO_DOMAIN}`].map((path) => `${t.stack.url}${path}`);
    addresses.push(await signupEmailLink());
    for (const address of addresses) {
      const tab = await openInNewTab(context, address);
      expect(cardShown(tab), address).toBe(false);
      expect(await tab.locator('.who-email').textContent()).toBe(OWNER);
      expect(tab.url()).toBe(address);
      await tab.close();
    }
  });

  it('signs a new tab in from the provider’s session when no other tab is open', async () => {
    const { context, page, cardShown } = browserOne;
    await page.close();
    expect(context.pages()).toEqual([]);
    const address = `${t.stack.url}/home?domain=${DEMO_DOMAIN}`;
    const tab = await openInNewTab(context, address);
    expect(cardShown(tab)).toBe(false);
    expect(await tab.locator('.who-email').textContent()).toBe(OWNER);
    expect(tab.url()).toBe(address);
    browserOne.page = tab;
  });

  it('shows a browser without a session at the provider the Sign in card, with no error, and brings it back to the page afterwards', async () => {
    const fresh = await watchedContext('mobile');
    const { page, cardShown } = fresh;
    await page.goto(`${t.stack.url}/activity?domain=${DEMO_DOMAIN}`);
    await page.locator(SIGN_IN_CARD).waitFor();
    expect(cardShown(page)).toBe(true);
    expect(page.url()).toBe(`${t.stack.url}/signin`);
    expect(await page.locator('.form-error').textContent()).toBe('');
    expect(await page.locator('#signin-reason').count()).toBe(0);
    await cardAtBothWidths(page);
    await page.locator(SIGN_IN_CARD).click();
    await throughProvider(page, OWNER);
    await page.waitForURL(`${t.stack.url}/activity?domain=${DEMO_DOMAIN}`);
    await page.locator('.who-email').getByText(OWNER).waitFor({ state: 'attached' });
    await signedInAtBothWidths(page);
    await fresh.context.close();
  });

  it('signs out everywhere at once, asking nothing more: this tab, the other tabs, new tabs and the provider’s session', async () => {
    const { context, page: tabOne, cardShown } = browserOne;
    const tabTwo = await openInNewTab(context, `${t.stack.url}/activity?domain=${DEMO_DOMAIN}`);
    expect(cardShown(tabTwo)).toBe(false);

    // One press: no other question on the way to the Sign in card.
    await signedInAtBothWidths(tabOne);
    await tabOne.getByRole('button', { name: 'Sign out' }).click();
    await tabOne.waitForURL(`${t.stack.url}/signin`);
    await cardAtBothWidths(tabOne);

    // The other tab leaves at once, and says why.
    await cardAtBothWidths(tabTwo);
    await atBothWidths(tabTwo, async () => {
      await tabTwo.locator('#signin-reason').getByText('You signed out in another tab').waitFor();
    });
    expect(await tabTwo.evaluate(() => sessionStorage.getItem('invite-links.token'))).toBeNull();
    await checkBothWidths(tabTwo, 'signed out in another tab');

    // A new tab is not signed in silently.
    const tabThree = await openInNewTab(context, `${t.stack.url}/users?domain=${DEMO_DOMAIN}`);
    expect(cardShown(tabThree)).toBe(true);
    expect(await tabThree.locator('.who-email').count()).toBe(0);
    await cardAtBothWidths(tabThree);

    // The provider's session ended too: signing in asks for the email again.
    await tabThree.locator(SIGN_IN_CARD).click();
    await tabThree.getByLabel('Email').waitFor();
    expect(tabThree.url()).toContain('/oidc/interaction/');
  });
});

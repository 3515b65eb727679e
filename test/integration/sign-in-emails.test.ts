/**
 * What the provider's sign-in tells, and whom it emails: no code to an address with no account
 * and no sign-up, a cap on code emails per mailbox (`+tag` removed, case folded), and the same
 * answer for an address with an account and one without, signing in or signing up. Bounded loops
 * against the running stack, as an attacker would run them; time is the provider's injected clock.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalMailbox, SIGN_IN_RULES } from '../../local/identity/sign-in-rules.ts';
import { signInSteps, wrongCode, type ProviderPage } from '../support/sign-in.ts';
import { useStack } from '../support/stack.ts';

let now = new Date();
const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
const t = useStack({ notifier: false, eventsFeed: false, signIn: { clock: () => now } });
const { startSignIn, codesSentTo } = signInSteps(t);
const { maxEmails, windowSeconds } = SIGN_IN_RULES.codeEmails;
const NAMES = { givenName: 'Pat', familyName: 'Lee' };

const unique = (prefix: string) => `${prefix}-${randomUUID()}@example.test`;
async function account(prefix: string): Promise<string> {
  const email = unique(prefix);
  await t.tokenFor(email, NAMES);
  return email;
}
/** A page as anyone would compare two of them: its status and words, with the address typed taken out. */
const answer = (page: ProviderPage, email: string) => ({ status: page.status, text: page.text.replaceAll(email, '<email>') });

beforeEach(() => {
  now = new Date();
});

describe('no code goes to an address with no account and no sign-up', () => {
  it('30 sign-ins for strangers, each asking twice ("Send a new code" included), email nobody', async () => {
    const strangers = Array.from({ length: 30 }, () => unique('stranger'));
    for (const email of strangers) {
      const signIn = await startSignIn();
      expect((await signIn.sendCode(email)).status).toBe(200);
      later(SIGN_IN_RULES.code.resendAfterSeconds + 1);
      expect((await signIn.resend()).status).toBe(200);
    }
    expect(await codesSentTo(...strangers)).toEqual([]);
  });
});

describe(`at most ${maxEmails} code requests an hour per mailbox`, () => {
  it('40 requests for one mailbox under +tags and capitals, from 40 sign-ins, send it 5 codes; an hour later it gets one again', async () => {
    const owner = await account('bombed');
    const [local, domain] = owner.split('@');
    const aliases = Array.from({ length: 40 }, (_, i) => (i % 2 ? `${local}+${i}@${domain}`.toUpperCase() : owner));
    const statuses: number[] = [];
    for (const [i, email] of aliases.entries()) {
      const signIn = await startSignIn(i % 2 ? 'signup' : 'signin');
      statuses.push((await signIn.sendCode(email, i % 2 ? NAMES : undefined)).status);
    }
    const sent = await codesSentTo(...new Set(aliases.map((a) => a.toLowerCase())));
    expect(sent).toHaveLength(maxEmails);
    expect(statuses.filter((s) => s === 429)).toHaveLength(aliases.length - maxEmails);
    expect(new Set(aliases.map(canonicalMailbox))).toEqual(new Set([owner]));

    const before = (await codesSentTo(owner)).length;
    later(windowSeconds + 1);
    expect((await (await startSignIn()).sendCode(owner)).status).toBe(200);
    expect(await codesSentTo(owner)).toHaveLength(before + 1);
  });

  it('counts requests for an address with no account too, so the cap tells nothing either', async () => {
    const known = await account('capped-known');
    const unknown = unique('capped-unknown');
    const last = async (email: string) => {
      let page!: ProviderPage;
      for (let i = 0; i <= maxEmails; i++) page = await (await startSignIn()).sendCode(email);
      return page;
    };
    const [forKnown, forUnknown] = [await last(known), await last(unknown)];
    expect(forKnown.status).toBe(429);
    expect(answer(forKnown, known)).toEqual(answer(forUnknown, unknown));
  });
});

describe('the same answer for an address with an account and one without', () => {
  it('signing in: “If there is an account for this email, we sent a code to it”, and a wrong code is wrong for both', async () => {
    const known = await account('enum-known');
    const unknown = unique('enum-unknown');
    const [a, b] = [await startSignIn(), await startSignIn()];
    const [forKnown, forUnknown] = [await a.sendCode(known), await b.sendCode(unknown)];
    expect(forKnown.status).toBe(200);
    expect(forKnown.text).toContain(`If there is an account for ${known}, we sent a 6-digit code to it.`);
    expect(answer(forKnown, known)).toEqual(answer(forUnknown, unknown));
    expect(await codesSentTo(known)).toHaveLength(1);

    const code = (await codesSentTo(known))[0]!;
    const [wrongKnown, wrongUnknown] = [(await a.enterCode(wrongCode(code))).page!, (await b.enterCode(code)).page!];
    expect(wrongKnown.status).toBe(400);
    expect(answer(wrongKnown, known)).toEqual(answer(wrongUnknown, unknown));
  });

  it('signing up: the same page for an address that has an account (its owner gets a code to sign in) and a new one', async () => {
    const known = await account('signup-known');
    const unknown = unique('signup-unknown');
    const [forKnown, forUnknown] = [await (await startSignIn('signup')).sendCode(known, NAMES), await (await startSignIn('signup')).sendCode(unknown, NAMES)];
    expect(forKnown.status).toBe(200);
    expect(answer(forKnown, known)).toEqual(answer(forUnknown, unknown));
    expect(await codesSentTo(known)).toHaveLength(1);
    expect(await codesSentTo(unknown)).toHaveLength(1);

    // Without the names, both are asked for them, in the same words.
    const [noNamesKnown, noNamesUnknown] = [await (await startSignIn('signup')).sendCode(known, { givenName: '', familyName: '' }), await (await startSignIn('signup')).sendCode(unknown, { givenName: '', familyName: '' })];
    expect(noNamesKnown.status).toBe(400);
    expect(answer(noNamesKnown, known)).toEqual(answer(noNamesUnknown, unknown));
  });
});

/**
 * The emailed sign-in code, attacked from outside as an attacker would: a code belongs to the
 * sign-in that asked for it; wrong codes count per email across codes and sign-ins, then lock the
 * email for a while that grows; the owner still gets in. A sign-up's names are its own. Time is
 * the provider's injected clock, moved by the test: nothing here waits for it.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { SIGN_IN_RULES } from '../../local/identity/sign-in-rules.ts';
import { signInSteps, wrongCode, type SignIn } from '../support/sign-in.ts';
import { useStack } from '../support/stack.ts';

let now = new Date();
const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
// The mailbox allowance has its own tests (sign-in-emails.test.ts): here it only must not get in the way.
const t = useStack({ notifier: false, eventsFeed: false, signIn: { clock: () => now, rules: { codeEmails: { maxEmails: 1000, windowSeconds: 3600 } } } });
const { startSignIn, latestCode, codesSentTo } = signInSteps(t);
const { maxFailures, firstLockoutSeconds } = SIGN_IN_RULES.failures;
const { maxTries, resendAfterSeconds } = SIGN_IN_RULES.code;

/** An address with an account, new for each test. */
async function account(prefix: string): Promise<string> {
  const email = `${prefix}-${randomUUID()}@example.test`;
  await t.tokenFor(email, { givenName: 'Vic', familyName: 'Tim' });
  return email;
}

/** Asks for a code in this sign-in and returns it, read from the inbox as its owner would. */
async function askForCode(signIn: SignIn, email: string, resend = false): Promise<string> {
  const page = resend ? await signIn.resend() : await signIn.sendCode(email);
  expect(page.status, page.text).toBe(200);
  return latestCode(email);
}

/** Wrong guesses from one sign-in, a new code whenever the last has had its tries; each answer's status. */
async function guess(signIn: SignIn, email: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  let code = await askForCode(signIn, email);
  for (let i = 0; i < times; i++) {
    if (i > 0 && i % maxTries === 0) {
      later(resendAfterSeconds + 1);
      code = await askForCode(signIn, email, true);
    }
    statuses.push((await signIn.enterCode(wrongCode(code))).page!.status);
  }
  return statuses;
}

beforeEach(() => {
  now = new Date();
});

describe('a code can be guessed only so often, and the owner still gets in', () => {
  it(`after 30 wrong guesses (${maxFailures} checked, the rest refused) the right code is refused to the guessing sign-in; the owner signs in from the sign-in that asked, and from a new one`, async () => {
    const victim = await account('victim');
    const ownerEarly = await startSignIn();
    const ownersCode = await askForCode(ownerEarly, victim);

    const attacker = await startSignIn();
    const statuses = await guess(attacker, victim, 30);
    expect(statuses.filter((s) => s === 400)).toHaveLength(maxFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - maxFailures);

    // Even the right code, read from the victim's inbox, does nothing for the attacker's sign-in now.
    later(resendAfterSeconds + 1);
    const attackersCode = await askForCode(attacker, victim, true);
    const lucky = await attacker.enterCode(attackersCode);
    expect(lucky.claims).toBeUndefined();
    expect(lucky.page).toMatchObject({ status: 429 });
    expect(lucky.page!.text).toContain('Too many wrong codes were typed for this email');

    expect((await ownerEarly.enterCode(ownersCode)).claims).toMatchObject({ email: victim, email_verified: true });
    const ownerLater = await startSignIn();
    expect((await ownerLater.enterCode(await askForCode(ownerLater, victim))).claims).toMatchObject({ email: victim });
  });

  it('during a lockout a new sign-in gets one try: after one wrong code, the right one is refused there too', async () => {
    const victim = await account('one-try');
    await guess(await startSignIn(), victim, maxFailures);
    const second = await startSignIn();
    const code = await askForCode(second, victim);
    expect((await second.enterCode(wrongCode(code))).page).toMatchObject({ status: 400 });
    const refused = await second.enterCode(code);
    expect(refused.claims).toBeUndefined();
    expect(refused.page).toMatchObject({ status: 429 });
  });

  it('the lockout ends, and the next one is twice as long; the owner who mistyped gets in with a fresh code after it', async () => {
    const victim = await account('growing');
    const attacker = await startSignIn();
    await guess(attacker, victim, maxFailures);
    const owner = await startSignIn();
    const first = await askForCode(owner, victim);
    await owner.enterCode(wrongCode(first));
    expect((await owner.enterCode(first)).page).toMatchObject({ status: 429 });

    later(firstLockoutSeconds - 5);
    expect((await attacker.enterCode('000000')).page).toMatchObject({ status: 429 });
    later(10);
    // The owner's wrong code counts too: the email's failures are counted across sign-ins.
    const statuses = await guess(attacker, victim, maxFailures);
    expect(statuses).toEqual([...Array(maxFailures - 1).fill(400), 429]);
    later(firstLockoutSeconds + 5);
    expect((await attacker.enterCode('000000')).page, 'the second lockout is twice the first').toMatchObject({ status: 429 });
    later(firstLockoutSeconds);

    // The owner's own sign-in, which guessed wrong once, goes on with a fresh code.
    const fresh = await askForCode(owner, victim, true);
    expect((await owner.enterCode(fresh)).claims).toMatchObject({ email: victim });
  });

  it(`a code has ${maxTries} tries; a new code in the same sign-in works`, async () => {
    const victim = await account('tries');
    const signIn = await startSignIn();
    const code = await askForCode(signIn, victim);
    for (let i = 0; i < maxTries; i++) await signIn.enterCode(wrongCode(code));
    const sixth = await signIn.enterCode(code);
    expect(sixth.claims).toBeUndefined();
    expect(sixth.page!.text).toContain('Too many wrong tries for that code');
    later(resendAfterSeconds + 1);
    expect((await signIn.enterCode(await askForCode(signIn, victim, true))).claims).toMatchObject({ email: victim });
  });
});

describe('a code works only in the sign-in that asked for it, for that sign-in’s email', () => {
  it('refuses the victim’s code typed into the attacker’s own sign-in, whatever email the form claims', async () => {
    const victim = await account('bound');
    const attackerEmail = await account('attacker');
    const victims = await startSignIn();
    const victimsCode = await askForCode(victims, victim);
    const attackers = await startSignIn();
    await askForCode(attackers, attackerEmail);

    const stolen = await attackers.enterCode(victimsCode, { email: victim });
    expect(stolen.claims).toBeUndefined();
    expect(stolen.page).toMatchObject({ status: 400 });
    expect(stolen.page!.text).toContain('That code is not right');
    expect((await victims.enterCode(victimsCode)).claims).toMatchObject({ email: victim });
  });
});

describe('a sign-up’s names belong to the sign-up that typed them', () => {
  it('an attacker who starts a sign-up for your address 2 s before you does not choose your names', async () => {
    const email = `new-${randomUUID()}@example.test`;
    const attacker = await startSignIn('signup');
    expect((await attacker.sendCode(email, { givenName: 'Mallory', familyName: 'Evil' })).status).toBe(200);
    later(2);
    const you = await startSignIn('signup');
    expect((await you.sendCode(email, { givenName: 'Ada', familyName: 'Lovelace' })).status).toBe(200);
    const { claims } = await you.enterCode(await latestCode(email));
    expect(claims).toMatchObject({ email, given_name: 'Ada', family_name: 'Lovelace' });
  });

  it('“Send a new code” during a sign-up keeps the names', async () => {
    const email = `resend-${randomUUID()}@example.test`;
    const signUp = await startSignIn('signup');
    expect((await signUp.sendCode(email, { givenName: 'Grace', familyName: 'Hopper' })).status).toBe(200);
    later(resendAfterSeconds + 1);
    expect((await signUp.resend()).status).toBe(200);
    expect(await codesSentTo(email), 'a second code was sent').toHaveLength(2);
    const { claims } = await signUp.enterCode(await latestCode(email));
    expect(claims).toMatchObject({ email, given_name: 'Grace', family_name: 'Hopper' });
  });
});

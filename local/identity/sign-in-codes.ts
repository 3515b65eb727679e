/**
 * Asking for a code and checking it, for one sign-in (oidc-provider's interaction), with no HTTP:
 * the pages (interactions.ts) turn each outcome into a page.
 *
 * - A code belongs to the sign-in that asked for it and is checked against that sign-in's email.
 * - A code is emailed only to an address with an account, or to the address a sign-up typed; the
 *   page says the same either way, and every request counts against the mailbox's allowance.
 * - Wrong codes count against the email across codes and sign-ins; past the limit the email is
 *   locked, and only a sign-in that has not guessed wrong yet still gets a try.
 */
import { sendEmail } from '#shared/streams/notifier/mailer.ts';
import type { Identity, IdentityStore } from './identities.ts';
import { judgeTry, lockedFor } from './sign-in-rules.ts';
import type { SignInStore, SignUpNames } from './sign-in-store.ts';
import { signInCodeEmail } from './views.ts';

export interface CodeRequest {
  email: string;
  signUp: boolean;
  /** A sign-up's names, typed in this sign-in. */
  names?: SignUpNames;
}

export type CodeRequestOutcome =
  /** The code page: an email went out, or the address gets none and nobody can tell. */
  | { kind: 'asked' }
  /** This sign-in asked a moment ago. */
  | { kind: 'too-soon'; waitSeconds: number; sameEmail: boolean }
  /** The mailbox has had its codes for now. */
  | { kind: 'mailbox-full'; waitSeconds: number; sameEmail: boolean };

export type CodeCheckOutcome =
  | { kind: 'signed-in'; identity: Identity }
  | { kind: 'no-code' }
  | { kind: 'refused'; email: string; signUp: boolean; why: 'wrong' | 'expired' | 'too-many-tries' | 'locked'; lockedSeconds: number };

export class SignInCodes {
  constructor(
    private readonly identities: IdentityStore,
    private readonly signIns: SignInStore,
    private readonly clock: () => Date,
  ) {}

  get rules() {
    return this.signIns.rules;
  }

  private now(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  /** What this sign-in asked for last, if anything: the email and names a new code goes to. */
  async lastRequest(uid: string): Promise<CodeRequest | undefined> {
    const attempt = await this.signIns.attempt(uid);
    return attempt && { email: attempt.email, signUp: attempt.signUp, ...(attempt.names ? { names: attempt.names } : {}) };
  }

  async ask(uid: string, request: CodeRequest): Promise<CodeRequestOutcome> {
    const now = this.now();
    const last = await this.signIns.attempt(uid);
    const sameEmail = last?.email === request.email;
    if (last && last.codeRequestedAt > now - this.rules.code.resendAfterSeconds) {
      return { kind: 'too-soon', waitSeconds: last.codeRequestedAt + this.rules.code.resendAfterSeconds - now, sameEmail };
    }
    const full = await this.signIns.takeCodeRequest(request.email, now);
    if (full) return { kind: 'mailbox-full', waitSeconds: full.waitSeconds, sameEmail };

    const account = await this.identities.findByEmail(request.email);
    const code = account || request.signUp ? this.signIns.newCode() : undefined;
    const raced = await this.signIns.saveCode(uid, { ...request, code }, now);
    if (raced) return { kind: 'too-soon', waitSeconds: raced.waitSeconds, sameEmail };
    if (code) await sendEmail(request.email, signInCodeEmail(code, this.rules.code, { signUpOfExistingAccount: request.signUp && account !== undefined }));
    return { kind: 'asked' };
  }

  async check(uid: string, code: string): Promise<CodeCheckOutcome> {
    const now = this.now();
    const attempt = await this.signIns.claimTry(uid);
    if (!attempt) return { kind: 'no-code' };
    const { email, signUp } = attempt;
    const lockedSeconds = lockedFor(await this.signIns.failuresOf(email), now);
    const verdict = judgeTry(attempt, lockedSeconds, now, this.rules.code);
    if (verdict !== 'check') return { kind: 'refused', email, signUp, why: verdict, lockedSeconds };
    if (!this.signIns.matches(attempt, code)) {
      const record = await this.signIns.recordFailure(uid, email, now);
      return { kind: 'refused', email, signUp, why: 'wrong', lockedSeconds: lockedFor(record, now) };
    }
    await this.signIns.finish(uid);
    const identity = (await this.identities.findByEmail(email)) ?? (signUp && attempt.names ? await this.identities.ensure({ email, ...attempt.names }) : undefined);
    // Codes go only to accounts and sign-ups with names, so a right code always has someone to sign in.
    if (!identity) return { kind: 'no-code' };
    return { kind: 'signed-in', identity };
  }
}

/**
 * The provider's interaction: the person gives an email (and a name to create an account), gets
 * a one-time code by email through the local SES, types it, and is signed in. Only an email whose
 * code was typed continues, so every identity here has a verified email. What a code may do and
 * when it is refused is sign-in-codes.ts; this file turns it into pages.
 *
 * Every form answers with a redirect to a page (post/redirect/get), so Back and reload only ever
 * fetch pages again, never resend a form; what a form's answer has to say (a refusal, a notice)
 * waits for that page, once (interaction-memory.ts). A sign-in that is over (finished, expired, or
 * begun in another browser) sends the person back to the app page that started it.
 *
 *   GET  /oidc/interaction/:uid          the email form (?mode=signup|signin switches)
 *   GET  /oidc/interaction/:uid/code     the code form, for the email this sign-in asked a code for
 *   POST /oidc/interaction/:uid/email    asks for a code for this sign-in, then the code form
 *   POST /oidc/interaction/:uid/code     checks it against this sign-in's own code, finishes the sign-in
 *   POST /oidc/interaction/:uid/resend   a new code to this sign-in's email, its names kept
 *   GET  /oidc/interaction/:uid/abort    back to the app with access_denied
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { email as emailSchema, personName } from '#shared/domain/values.ts';
import { readBody } from '../http.ts';
import type { InteractionMemory, Shown } from './interaction-memory.ts';
import { admits, invitationOf, invitationSentence, type Invitation } from './invitation.ts';
import type { CodeRequest, SignInCodes } from './sign-in-codes.ts';
import { codePage, emailPage, errorPage, PAGE_HEADERS } from './views.ts';

const PATH = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(email|code|resend|abort))?$/;
const MAX_FORM_BYTES = 4096;
const HEADERS = { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS, 'cache-control': 'no-store' };
const minutes = (seconds: number) => `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? '' : 's'}`;

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;
type Answer = Omit<Shown, 'step'>;

/** One request's sign-in: its id, its pages' address and the invitation it is for. */
interface SignIn {
  uid: string;
  base: string;
  invitation?: Invitation;
  /** Whether the email form shows "Create your account" unless the address says otherwise. */
  signUpFirst: boolean;
}

export class InteractionPages {
  constructor(
    private readonly provider: Provider,
    private readonly codes: SignInCodes,
    private readonly memory: InteractionMemory,
  ) {}

  matches(req: IncomingMessage): boolean {
    return PATH.test(new URL(req.url ?? '/', 'http://localhost').pathname);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, uid, action] = PATH.exec(url.pathname)!;
    const details = await this.provider.interactionDetails(req, res).catch(() => undefined);
    if (!details || details.uid !== uid) return this.over(res, uid!);
    const signIn: SignIn = {
      uid: details.uid,
      base: `/oidc/interaction/${details.uid}`,
      invitation: invitationOf(details.params),
      signUpFirst: details.params.screen_hint === 'signup',
    };
    const method = req.method ?? 'GET';
    if (method === 'GET' && action === 'abort') {
      return this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    }
    if (method === 'GET') return this.page(res, signIn, details, action, url.searchParams.get('mode'));
    if (method !== 'POST' || action === undefined || action === 'abort') return send(res, 405, errorPage('Not here', 'Go back to the app and start again.', { invitation: signIn.invitation }));
    const form = await readForm(req);
    if (!form) return send(res, 413, errorPage('Too much data', 'Go back and try again.', { invitation: signIn.invitation }));
    if (action === 'code') return this.checkCode(req, res, signIn, form);
    return this.askForCode(res, signIn, action, form);
  }

  /** The page at this address, with what the last form's answer had to say. */
  private async page(res: ServerResponse, signIn: SignIn, details: Details, action: string | undefined, mode: string | null): Promise<void> {
    const { uid, base, invitation } = signIn;
    // A form's own address, fetched: its page.
    if (action === 'email') return redirect(res, base);
    if (action === 'code' || action === 'resend') {
      const last = await this.codes.lastRequest(uid);
      if (!last) return redirect(res, base);
      if (action === 'resend') return redirect(res, `${base}/code`);
      const shown = await this.memory.takeShown(uid, 'code');
      return send(
        res,
        shown?.status ?? 200,
        codePage({
          action: `${base}/code`,
          resendAction: `${base}/resend`,
          restartUrl: `${base}?mode=${last.signUp ? 'signup' : 'signin'}`,
          signUpUrl: `${base}?mode=signup`,
          email: last.email,
          signUp: last.signUp,
          codeRules: this.codes.rules.code,
          invitation,
          ...(shown?.error ? { error: shown.error } : {}),
          ...(shown?.notice ? { notice: shown.notice } : {}),
        }),
      );
    }
    const appPage = details.params.redirect_uri;
    if (typeof appPage === 'string') await this.memory.rememberAppPage(uid, appPage);
    const signUp = mode === 'signup' || (mode !== 'signin' && signIn.signUpFirst);
    const shown = await this.memory.takeShown(uid, 'email');
    return send(
      res,
      shown?.status ?? 200,
      emailPage({
        action: `${base}/email`,
        signUp,
        client: String(details.params.client_id),
        switchUrl: `${base}?mode=${signUp ? 'signin' : 'signup'}`,
        cancelUrl: `${base}/abort`,
        invitation,
        ...shown?.typed,
        ...(shown?.error ? { error: shown.error } : {}),
      }),
    );
  }

  /** "Send code" and "Send a new code": a code for the email, or why none was sent. */
  private async askForCode(res: ServerResponse, signIn: SignIn, action: string, form: URLSearchParams): Promise<void> {
    const toEmail = (signUp: boolean, answer: Answer) => this.answer(res, signIn, { step: 'email', ...answer }, `?mode=${signUp ? 'signup' : 'signin'}`);
    if (action === 'resend') {
      const last = await this.codes.lastRequest(signIn.uid);
      if (!last) return toEmail(signIn.signUpFirst, { status: 400, error: 'Enter your email first.' });
      return this.ask(res, signIn, last, (answer) => toEmail(last.signUp, { ...answer, typed: { email: last.email } }));
    }
    const signUp = form.get('intent') === 'signup';
    const typed = { email: form.get('email') ?? '', givenName: form.get('givenName') ?? '', familyName: form.get('familyName') ?? '' };
    const refuse = (error: string) => toEmail(signUp, { status: 400, error, typed });
    const parsedEmail = emailSchema.safeParse(typed.email);
    if (!parsedEmail.success) return refuse('Enter an email address like name@example.com.');
    // Before any code: an address the join would refuse is not worth an email.
    if (!admits(signIn.invitation, parsedEmail.data)) return refuse(`${invitationSentence(signIn.invitation!)}, not ${parsedEmail.data}.`);
    // A sign-up always needs the names, whether or not the address has an account: the answer must not tell.
    const given = personName.safeParse(typed.givenName);
    const family = personName.safeParse(typed.familyName);
    const names = given.success && family.success ? { givenName: given.data, familyName: family.data } : undefined;
    if (signUp && !names) return refuse('Enter your first and last name (at most 100 characters, no < or >).');
    const request: CodeRequest = { email: parsedEmail.data, signUp, ...(signUp && names ? { names } : {}) };
    return this.ask(res, signIn, request, (answer) => toEmail(signUp, { ...answer, typed }));
  }

  /** Asks for a code and goes to the code page, or says why none was sent: the same for an address with an account and one without. */
  private async ask(res: ServerResponse, signIn: SignIn, request: CodeRequest, toEmail: (answer: Answer) => Promise<void>): Promise<void> {
    const outcome = await this.codes.ask(signIn.uid, request);
    if (outcome.kind === 'asked') return this.answer(res, signIn, { step: 'code', status: 200 });
    const notice =
      outcome.kind === 'too-soon'
        ? `A code was asked for a moment ago. ${outcome.sameEmail ? 'Use it, or ask' : 'Ask'} for a new one in ${outcome.waitSeconds} s.`
        : `This address has had as many codes as we send in an hour. ${outcome.sameEmail ? 'Use the latest one, or ask' : 'Ask'} again in ${minutes(outcome.waitSeconds)}.`;
    // The code page only for the email this sign-in already has a code for: it can still use that one.
    if (outcome.sameEmail) return this.answer(res, signIn, { step: 'code', status: outcome.kind === 'too-soon' ? 200 : 429, notice });
    return toEmail({ status: 429, error: notice });
  }

  /** "Continue": the code, checked against this sign-in's own; right, and the app gets the person back signed in. */
  private async checkCode(req: IncomingMessage, res: ServerResponse, signIn: SignIn, form: URLSearchParams): Promise<void> {
    const outcome = await this.codes.check(signIn.uid, form.get('code') ?? '');
    if (outcome.kind === 'no-code') return this.answer(res, signIn, { step: 'email', status: 400, error: 'Enter your email first.' });
    if (outcome.kind === 'refused') {
      const locked = outcome.lockedSeconds > 0 ? ` Too many wrong codes were typed for this email: wait ${minutes(outcome.lockedSeconds)}, then ask for a new code.` : '';
      const error = {
        wrong: `That code is not right.${locked || ' Check the latest email and try again.'}`,
        expired: 'That code has expired or was already used. Send a new code.',
        'too-many-tries': 'Too many wrong tries for that code. Send a new code.',
        locked: locked.trim(),
      }[outcome.why];
      return this.answer(res, signIn, { step: 'code', status: outcome.why === 'locked' ? 429 : 400, error });
    }
    await this.provider.interactionFinished(req, res, { login: { accountId: outcome.identity.sub } }, { mergeWithLastSubmission: false });
  }

  /** A form's answer: kept for its step's page, which the browser is sent to. */
  private async answer(res: ServerResponse, signIn: SignIn, shown: Shown, query = ''): Promise<void> {
    await this.memory.show(signIn.uid, shown);
    return redirect(res, shown.step === 'code' ? `${signIn.base}/code` : `${signIn.base}${query}`);
  }

  /** A sign-in this browser can no longer use: back to the app page that started it, where the person can begin again. */
  private async over(res: ServerResponse, uid: string): Promise<void> {
    const appPage = await this.memory.appPageOf(uid);
    if (appPage) return redirect(res, appPage);
    return send(res, 410, errorPage('This sign-in is over', 'It was finished, left for more than an hour, or started in another browser. Go back to Invite links and sign in from there.'));
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, HEADERS);
  res.end(body);
}

/** 303: the browser fetches the page with GET, and history keeps that GET, never the form. */
function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { ...HEADERS, location, 'content-length': '0' });
  res.end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(req, MAX_FORM_BYTES);
  return body && new URLSearchParams(body.toString('utf8'));
}

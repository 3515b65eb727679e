/**
 * The provider's interaction: the person gives an email (and a name to create an account), gets
 * a one-time code by email through the local SES, types it, and is signed in. Only an email whose
 * code was typed continues, so every identity here has a verified email. What a code may do and
 * when it is refused is sign-in-codes.ts; this file turns it into pages.
 *
 *   GET  /oidc/interaction/:uid          the email form (?mode=signup|signin switches)
 *   POST /oidc/interaction/:uid/email    asks for a code for this sign-in
 *   POST /oidc/interaction/:uid/code     checks it against this sign-in's own code, finishes the sign-in
 *   POST /oidc/interaction/:uid/resend   a new code to this sign-in's email, its names kept
 *   GET  /oidc/interaction/:uid/abort    back to the app with access_denied
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { email as emailSchema, personName } from '#shared/domain/values.ts';
import { readBody } from '../http.ts';
import type { CodeRequest, SignInCodes } from './sign-in-codes.ts';
import { codePage, emailPage, errorPage, PAGE_HEADERS } from './views.ts';

const PATH = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(email|code|resend|abort))?$/;
const MAX_FORM_BYTES = 4096;
const HEADERS = { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS, 'cache-control': 'no-store' };
const minutes = (seconds: number) => `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? '' : 's'}`;

export class InteractionPages {
  constructor(
    private readonly provider: Provider,
    private readonly codes: SignInCodes,
  ) {}

  matches(req: IncomingMessage): boolean {
    return PATH.test(new URL(req.url ?? '/', 'http://localhost').pathname);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, uid, action] = PATH.exec(url.pathname)!;
    const base = `/oidc/interaction/${uid}`;
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch {
      return send(res, 400, errorPage('This sign-in has expired', 'Sign-in pages work for an hour and only in the browser that opened them. Go back to the app and start again.'));
    }
    if (details.uid !== uid) return send(res, 400, errorPage('This sign-in has expired', 'Go back to the app and start again.'));
    const method = req.method ?? 'GET';
    const form = method === 'POST' ? await readForm(req) : new URLSearchParams();
    if (!form) return send(res, 413, errorPage('Too much data', 'Go back and try again.'));

    const wantsSignUp = url.searchParams.get('mode') === 'signup' || (url.searchParams.get('mode') !== 'signin' && details.params.screen_hint === 'signup');
    const emailStep = (signUp: boolean, values: { email?: string; givenName?: string; familyName?: string; error?: string } = {}) =>
      emailPage({
        action: `${base}/email`,
        signUp,
        client: String(details.params.client_id),
        switchUrl: `${base}?mode=${signUp ? 'signin' : 'signup'}`,
        cancelUrl: `${base}/abort`,
        ...values,
      });
    const codeStep = (email: string, signUp: boolean, extra: { error?: string; notice?: string } = {}) =>
      codePage({ action: `${base}/code`, resendAction: `${base}/resend`, restartUrl: base, signUpUrl: `${base}?mode=signup`, email, signUp, codeRules: this.codes.rules.code, ...extra });

    if (method === 'GET' && action === undefined) return send(res, 200, emailStep(wantsSignUp));
    if (method === 'GET' && action === 'abort') {
      return this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    }
    if (method !== 'POST' || action === undefined || action === 'abort') return send(res, 405, errorPage('Not here', 'Go back to the app and start again.'));

    if (action === 'email') {
      const signUp = form.get('intent') === 'signup';
      const values = { email: form.get('email') ?? '', givenName: form.get('givenName') ?? '', familyName: form.get('familyName') ?? '' };
      const parsedEmail = emailSchema.safeParse(values.email);
      if (!parsedEmail.success) return send(res, 400, emailStep(signUp, { ...values, error: 'Enter an email address like name@example.com.' }));
      // A sign-up always needs the names, whether or not the address has an account: the answer must not tell.
      const given = personName.safeParse(values.givenName);
      const family = personName.safeParse(values.familyName);
      const names = given.success && family.success ? { givenName: given.data, familyName: family.data } : undefined;
      if (signUp && !names) return send(res, 400, emailStep(true, { ...values, error: 'Enter your first and last name (at most 100 characters, no < or >).' }));
      const request: CodeRequest = { email: parsedEmail.data, signUp, ...(signUp && names ? { names } : {}) };
      return this.ask(res, uid, request, codeStep, (error) => emailStep(signUp, { ...values, error }));
    }
    if (action === 'resend') {
      const last = await this.codes.lastRequest(uid);
      if (!last) return send(res, 400, emailStep(wantsSignUp, { error: 'Enter your email first.' }));
      return this.ask(res, uid, last, codeStep, (error) => emailStep(last.signUp, { email: last.email, error }));
    }

    const outcome = await this.codes.check(uid, form.get('code') ?? '');
    if (outcome.kind === 'no-code') return send(res, 400, emailStep(wantsSignUp, { error: 'Enter your email first.' }));
    if (outcome.kind === 'refused') {
      const locked = outcome.lockedSeconds > 0 ? ` Too many wrong codes were typed for this email: wait ${minutes(outcome.lockedSeconds)}, then ask for a new code.` : '';
      const error = {
        wrong: `That code is not right.${locked || ' Check the latest email and try again.'}`,
        expired: 'That code has expired or was already used. Send a new code.',
        'too-many-tries': 'Too many wrong tries for that code. Send a new code.',
        locked: locked.trim(),
      }[outcome.why];
      return send(res, outcome.why === 'locked' ? 429 : 400, codeStep(outcome.email, outcome.signUp, { error }));
    }
    await this.provider.interactionFinished(req, res, { login: { accountId: outcome.identity.sub } }, { mergeWithLastSubmission: false });
  }

  /** Asks for a code and shows the code page, or why none was sent: the same for an address with an account and one without. */
  private async ask(
    res: ServerResponse,
    uid: string,
    request: CodeRequest,
    codeStep: (email: string, signUp: boolean, extra?: { error?: string; notice?: string }) => string,
    emailStep: (error: string) => string,
  ): Promise<void> {
    const outcome = await this.codes.ask(uid, request);
    if (outcome.kind === 'asked') return send(res, 200, codeStep(request.email, request.signUp));
    const notice =
      outcome.kind === 'too-soon'
        ? `A code was asked for a moment ago. ${outcome.sameEmail ? 'Use it, or ask' : 'Ask'} for a new one in ${outcome.waitSeconds} s.`
        : `This address has had as many codes as we send in an hour. ${outcome.sameEmail ? 'Use the latest one, or ask' : 'Ask'} again in ${minutes(outcome.waitSeconds)}.`;
    // The code page only for the email this sign-in already has a code for: it can still use that one.
    if (outcome.sameEmail) return send(res, outcome.kind === 'too-soon' ? 200 : 429, codeStep(request.email, request.signUp, { notice }));
    return send(res, 429, emailStep(notice));
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, HEADERS);
  res.end(body);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(req, MAX_FORM_BYTES);
  return body && new URLSearchParams(body.toString('utf8'));
}

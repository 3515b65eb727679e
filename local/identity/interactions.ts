/**
 * The provider's interaction: the person gives an email (and a name to create an account), gets
 * a one-time code by email through the local SES, types it, and is signed in. Only an email whose
 * code was typed continues, so every identity here has a verified email.
 *
 *   GET  /oidc/interaction/:uid          the email form (?mode=signup|signin switches)
 *   POST /oidc/interaction/:uid/email    sends a code
 *   POST /oidc/interaction/:uid/code     checks it, finishes the sign-in
 *   POST /oidc/interaction/:uid/resend   sends a new code
 *   GET  /oidc/interaction/:uid/abort    back to the app with access_denied
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { email as emailSchema, personName } from '#shared/http/schemas.ts';
import { sendEmail } from '#shared/notify/mailer.ts';
import { contentSecurityPolicy } from '../../web/content-security-policy.ts';
import { readBody } from '../front-door.ts';
import type { IdentityStore } from './identities.ts';
import { codePage, emailPage, errorPage, signInCodeEmail } from './views.ts';

const PATH = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(email|code|resend|abort))?$/;
const MAX_FORM_BYTES = 4096;
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': contentSecurityPolicy(),
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export class InteractionPages {
  constructor(
    private readonly provider: Provider,
    private readonly identities: IdentityStore,
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
    const codeStep = (email: string, extra: { error?: string; notice?: string } = {}) =>
      codePage({ action: `${base}/code`, resendAction: `${base}/resend`, restartUrl: base, email, ...extra });

    if (method === 'GET' && action === undefined) return send(res, 200, emailStep(wantsSignUp));
    if (method === 'GET' && action === 'abort') {
      return this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    }
    if (method !== 'POST' || action === undefined || action === 'abort') return send(res, 405, errorPage('Not here', 'Go back to the app and start again.'));

    const parsedEmail = emailSchema.safeParse(form.get('email') ?? '');
    if (action === 'email') {
      const signUp = form.get('intent') === 'signup';
      const values = { email: form.get('email') ?? '', givenName: form.get('givenName') ?? '', familyName: form.get('familyName') ?? '' };
      if (!parsedEmail.success) return send(res, 400, emailStep(signUp, { ...values, error: 'Enter an email address like name@example.com.' }));
      const email = parsedEmail.data;
      const existing = await this.identities.findByEmail(email);
      let pending: { givenName: string; familyName: string } | undefined;
      if (!existing) {
        const given = personName.safeParse(values.givenName);
        const family = personName.safeParse(values.familyName);
        if (!signUp || !given.success || !family.success) {
          const error = signUp ? 'Enter your first and last name (at most 100 characters, no < or >).' : 'There is no account with this email yet. Add your name to create one.';
          return send(res, 400, emailStep(true, { ...values, error }));
        }
        pending = { givenName: given.data, familyName: family.data };
      }
      return send(res, 200, codeStep(email, await this.sendCode(email, pending)));
    }
    if (!parsedEmail.success) return send(res, 400, emailStep(false, { error: 'Enter your email again.' }));
    const email = parsedEmail.data;
    if (action === 'resend') return send(res, 200, codeStep(email, await this.sendCode(email)));

    const { result, pending } = await this.identities.checkCode(email, form.get('code') ?? '');
    if (result === 'wrong') return send(res, 400, codeStep(email, { error: 'That code is not right. Check the latest email and try again.' }));
    if (result !== 'ok') {
      const why = result === 'expired' ? 'That code has expired or was already used.' : 'Too many wrong tries for that code.';
      return send(res, 400, codeStep(email, { error: `${why} Send a new code.` }));
    }
    const identity =
      (await this.identities.findByEmail(email)) ??
      (pending?.givenName && pending.familyName ? await this.identities.ensure({ email, givenName: pending.givenName, familyName: pending.familyName }) : undefined);
    if (!identity) return send(res, 400, emailStep(true, { email, error: 'Add your name to create your account.' }));
    await this.provider.interactionFinished(req, res, { login: { accountId: identity.sub } }, { mergeWithLastSubmission: false });
  }

  /** A new code by email, or why none was sent; a sign-up's name waits with the code until it is typed. */
  private async sendCode(email: string, pending?: { givenName: string; familyName: string }): Promise<{ notice?: string }> {
    const outcome = await this.identities.newCode(email, pending);
    if ('retryAfterSeconds' in outcome) {
      return { notice: `A code was sent a moment ago. Use it, or ask for a new one in ${outcome.retryAfterSeconds} s.` };
    }
    await sendEmail(email, signInCodeEmail(outcome.code));
    return {};
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

/**
 * The local identity provider's own pages: plain server-rendered forms (no script but the sign-out
 * page's one line, allowed by its hash, so the pages' strict CSP holds), styled with the pages'
 * stylesheet. Every value is escaped.
 */
import { createHash } from 'node:crypto';
import { contentSecurityPolicy } from '../../web/content-security-policy.ts';
import { invitationSentence, type Invitation } from './invitation.ts';
import type { SignInRules } from './sign-in-rules.ts';

/** Every page the provider serves, its own and oidc-provider's: the pages' CSP, no referrer, no framing, no sniffing. */
export const PAGE_HEADERS = {
  'content-security-policy': contentSecurityPolicy(),
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
} as const;

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A tagged template that escapes every interpolated value unless it is already markup. */
class Html {
  constructor(readonly value: string) {}
}
export function html(strings: TemplateStringsArray, ...values: (string | number | Html | Html[] | undefined | false)[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    if (value instanceof Html) out += value.value;
    else if (Array.isArray(value)) out += value.map((v) => v.value).join('');
    else if (value !== undefined && value !== false) out += escape(String(value));
    out += strings[i + 1]!;
  });
  return new Html(out);
}

/** The product's name for these pages, wherever a person reads it: titles, headings, the code email. */
export const SIGN_IN_NAME = 'Invite links sign-in';

function page(title: string, body: Html, invitation?: Invitation): string {
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${title} · ${SIGN_IN_NAME}</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/styles.css">
</head>
<body>
  <header class="topbar"><span class="brand">Invite links</span></header>
  <main id="main">
    <article class="card signin">
      <p class="eyebrow">${SIGN_IN_NAME}</p>
      ${invitation ? html`<p class="notice" id="invitation">${invitationSentence(invitation)}</p>` : html``}
      ${body}
    </article>
  </main>
</body>
</html>`.value;
}

const errorBox = (message?: string) => (message ? html`<div class="form-error" role="alert">${message}</div>` : html``);
const field = (name: string, label: string, type: string, autocomplete: string, value = '', extra = html``) =>
  html`<div class="field"><label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" value="${value}" required ${extra}></div>`;

export interface EmailStep {
  action: string;
  signUp: boolean;
  client: string;
  email?: string;
  givenName?: string;
  familyName?: string;
  error?: string;
  switchUrl: string;
  cancelUrl: string;
  invitation?: Invitation;
}

/** Step 1: the email (and, to create an account, the name). */
export function emailPage(step: EmailStep): string {
  const heading = step.signUp ? 'Create your account' : 'Sign in';
  return page(
    heading,
    html`<h1>${heading}</h1>
      <p>${step.signUp ? 'We send a one-time code to your email to check that it is yours.' : 'We send a one-time code to your email. No password needed.'}</p>
      ${errorBox(step.error)}
      <form method="post" action="${step.action}" novalidate>
        <input type="hidden" name="intent" value="${step.signUp ? 'signup' : 'signin'}">
        ${field('email', 'Email', 'email', 'email', step.email, html`autofocus`)}
        ${step.signUp ? [field('givenName', 'First name', 'text', 'given-name', step.givenName), field('familyName', 'Last name', 'text', 'family-name', step.familyName)] : []}
        <button type="submit" class="button primary wide">Send code</button>
      </form>
      <p class="muted small">${step.signUp ? 'Already have an account? ' : 'New here? '}<a href="${step.switchUrl}">${step.signUp ? 'Sign in' : 'Create an account'}</a> · <a href="${step.cancelUrl}">Cancel</a></p>`,
    step.invitation,
  );
}

export interface CodeStep {
  action: string;
  resendAction: string;
  email: string;
  /** A sign-up's page; a sign-in's says the same whether or not the address has an account. */
  signUp: boolean;
  codeRules: SignInRules['code'];
  error?: string;
  notice?: string;
  restartUrl: string;
  /** Where a sign-in that got no email can go to create an account instead. */
  signUpUrl: string;
  invitation?: Invitation;
}

/** Step 2: the code from the email. The email is the sign-in's own, kept by the provider: the form does not carry it. */
export function codePage(step: CodeStep): string {
  const { digits, lifetimeSeconds } = step.codeRules;
  const lifetime = `It works for ${lifetimeSeconds / 60} minutes.`;
  return page(
    'Enter your code',
    html`<h1>Check your email</h1>
      <p>${step.signUp ? html`We sent a ${digits}-digit code to <strong>${step.email}</strong> to check that it is yours.` : html`If there is an account for <strong>${step.email}</strong>, we sent a ${digits}-digit code to it.`} ${lifetime}</p>
      ${step.notice ? html`<p class="notice" role="status">${step.notice}</p>` : html``}
      ${errorBox(step.error)}
      <form method="post" action="${step.action}" novalidate>
        ${field('code', 'Code', 'text', 'one-time-code', '', html`inputmode="numeric" pattern="[0-9]*" maxlength="${digits}" autofocus`)}
        <button type="submit" class="button primary wide">Continue</button>
      </form>
      <form method="post" action="${step.resendAction}" class="actions">
        <button type="submit" class="button subtle small">Send a new code</button>
        <a class="button subtle small" href="${step.restartUrl}">Use another email</a>
      </form>
      ${step.signUp ? html`` : html`<p class="muted small">No email? Check the address, or <a href="${step.signUpUrl}">create an account</a>.</p>`}`,
    step.invitation,
  );
}

/** Anything the provider cannot go on with: a sign-in it no longer knows, a bad request. */
export function errorPage(title: string, message: string, { invitation, back = '/' }: { invitation?: Invitation; back?: string } = {}): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p><p><a class="button primary" href="${back}">Back to Invite links</a></p>`, invitation);
}

/** The one script a provider page runs: it sends the sign-out form as soon as it is read, so signing out asks nothing more. */
const SIGN_OUT_SCRIPT = "document.getElementById('op.logoutForm').submit();";

/** The sign-out page's headers: PAGE_HEADERS, with a CSP that allows that script by its hash and nothing else inline. */
export const SIGN_OUT_PAGE_HEADERS = {
  ...PAGE_HEADERS,
  'content-security-policy': contentSecurityPolicy()
    .split('; ')
    .map((directive) => (directive.startsWith('script-src ') ? `${directive} 'sha256-${createHash('sha256').update(SIGN_OUT_SCRIPT).digest('base64')}'` : directive))
    .join('; '),
};

/**
 * RP-initiated logout: oidc-provider hands us its form (with its CSRF field), sent at once with
 * logout=yes, which ends the provider's session (the app's Sign out means signing out everywhere).
 */
export function logoutPage(form: string): string {
  const endSession = new Html(form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>'));
  return page(
    'Signing out',
    html`<h1>Signing you out…</h1>${endSession}
      <noscript><button type="submit" form="op.logoutForm" class="button primary">Sign out</button></noscript>
      <script>${new Html(SIGN_OUT_SCRIPT)}</script>`,
  );
}

export function signedOutPage(): string {
  return page('Signed out', html`<h1>You are signed out</h1><p><a href="/signin">Sign in again</a></p>`);
}

/**
 * The code's email, its code first in the subject so it can be read from the notification; an
 * address that already has an account is told so when a sign-up asked for it.
 */
export function signInCodeEmail(code: string, rules: SignInRules['code'], { signUpOfExistingAccount = false } = {}): { subject: string; text: string; html: string } {
  const minutes = rules.lifetimeSeconds / 60;
  const why = signUpOfExistingAccount ? 'Someone asked to create an account with this email, which already has one: this code signs you in to it. ' : '';
  return {
    subject: `${code} is your code for ${SIGN_IN_NAME}`,
    text: `Your code is ${code}\n\n${why}It works for ${minutes} minutes. If you did not ask for it, ignore this email.`,
    html: html`<p>Your code is <strong style="font-size:1.4em;letter-spacing:0.1em">${code}</strong></p><p>${why}It works for ${minutes} minutes. If you did not ask for it, ignore this email.</p>`.value,
  };
}

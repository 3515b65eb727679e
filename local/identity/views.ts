/**
 * The local identity provider's own pages: plain server-rendered forms (no script, so the pages'
 * strict CSP holds), styled with the pages' stylesheet. Every value is escaped.
 */
import { CODE_RULES } from './identities.ts';

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

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${title} · Invite links sign-in</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/styles.css">
</head>
<body>
  <header class="topbar"><span class="brand">Invite links</span></header>
  <main id="main">
    <article class="card signin">
      <p class="eyebrow">Local identity provider</p>
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
  );
}

export interface CodeStep {
  action: string;
  resendAction: string;
  email: string;
  error?: string;
  notice?: string;
  restartUrl: string;
}

/** Step 2: the code from the email. */
export function codePage(step: CodeStep): string {
  return page(
    'Enter your code',
    html`<h1>Check your email</h1>
      <p>We sent a ${CODE_RULES.digits}-digit code to <strong>${step.email}</strong>. It works for ${CODE_RULES.lifetimeSeconds / 60} minutes.</p>
      ${step.notice ? html`<p class="notice" role="status">${step.notice}</p>` : html``}
      ${errorBox(step.error)}
      <form method="post" action="${step.action}" novalidate>
        <input type="hidden" name="email" value="${step.email}">
        ${field('code', 'Code', 'text', 'one-time-code', '', html`inputmode="numeric" pattern="[0-9]*" maxlength="${CODE_RULES.digits}" autofocus`)}
        <button type="submit" class="button primary wide">Continue</button>
      </form>
      <form method="post" action="${step.resendAction}" class="actions">
        <input type="hidden" name="email" value="${step.email}">
        <button type="submit" class="button subtle small">Send a new code</button>
        <a class="button subtle small" href="${step.restartUrl}">Use another email</a>
      </form>`,
  );
}

/** Anything the provider cannot go on with: an expired interaction, a bad request. */
export function errorPage(title: string, message: string): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the app</a></p>`);
}

/** RP-initiated logout asks before ending the provider's session; oidc-provider hands us its form (with its CSRF field). */
export function logoutPage(form: string): string {
  return page(
    'Sign out',
    html`<h1>Sign out</h1><p>You signed out of Invite links. Sign out of the local identity provider too, so the next sign-in asks for a code again?</p>${new Html(form)}
      <div class="actions"><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout" class="button primary">Yes, sign me out</button>
      <button type="submit" form="op.logoutForm" class="button">No, stay signed in</button></div>`,
  );
}

export function signedOutPage(): string {
  return page('Signed out', html`<h1>You are signed out</h1><p><a href="/signin">Sign in again</a></p>`);
}

export function signInCodeEmail(code: string): { subject: string; text: string; html: string } {
  const minutes = CODE_RULES.lifetimeSeconds / 60;
  return {
    subject: 'Your Invite links code',
    text: `Your code is ${code}\n\nIt works for ${minutes} minutes. If you did not ask for it, ignore this email.`,
    html: html`<p>Your code is <strong style="font-size:1.4em;letter-spacing:0.1em">${code}</strong></p><p>It works for ${minutes} minutes. If you did not ask for it, ignore this email.</p>`.value,
  };
}

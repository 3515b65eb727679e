/**
 * Join page (/join#<token>): what the link grants and whose emails it admits, then an account at
 * the identity provider (a new one, or the one the person has), then "Join <domain> as <email>", or
 * a kind page when the link no longer works, is not for the person's email, or an admin removed the
 * person and has not let them back yet. The link token lives only in the fragment (never sent to a
 * server in a URL), is taken out of the address bar at once and kept in this tab's sessionStorage
 * across the trip to the provider; the API gets it in a request body.
 */
import { api, ApiError, loadConfig, session } from '../lib/api.ts';
import { byId, h, render, type Child } from '../lib/dom.ts';
import { atDomains, formatDateTime, USER_TYPE_LABEL, type Joined, type LinkLookup, type Me } from '../lib/model.ts';
import { namesFromClaims, readIdTokenClaims } from '../lib/id-token.ts';
import { providerName, SignInError } from '../lib/oidc-provider.ts';
import { finishSignIn, goToProvider, takeCallback } from '../lib/sign-in.ts';
import { lastJoined, rememberJoined } from '../lib/joined.ts';
import { isLinkEnd, linkEndOf, problemFor } from '../lib/link-ends.ts';

const main = byId('main');
const TOKEN_KEY = 'invite-links.join-token';

/**
 * The token as the link meant it. Mail and chat tools mangle links: `#` sent as `%23` (so the
 * token arrives in the path), a sentence's "." or ")" or quote stuck to the end, spaces. A token
 * is base64url, so the first run of [A-Za-z0-9_-] after any percent-decoding is the token.
 */
function normaliseToken(raw: string): string {
  let text = raw;
  for (let i = 0; i < 3 && text.includes('%'); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  return /[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
}

/** `/join%23<token>` (and `%2523`, a `%` encoded again): the fragment that became part of the path. */
const MANGLED_PATH = /^\/join(?:\.html)?%(?:25)*23(.*)$/i;

/** Read once, then gone from the address bar (history, screenshots, shoulder-surfing); kept for this tab so a reload and the provider round trip still work. */
function takeToken(): string | undefined {
  const fromPath = MANGLED_PATH.exec(location.pathname)?.[1] ?? '';
  const given = normaliseToken(location.hash.slice(1)) || normaliseToken(fromPath);
  if (location.hash || fromPath || location.pathname !== '/join') history.replaceState(null, '', `/join${location.search}`);
  if (given) sessionStorage.setItem(TOKEN_KEY, given);
  return given || (sessionStorage.getItem(TOKEN_KEY) ?? undefined);
}

/** The organisation's name in the top bar and the tab's title, so people know who invites them. */
function nameOrganisation(domainName: string | undefined) {
  document.title = domainName ? `Join ${domainName} — Invite links` : 'Join · Invite links';
  render(byId('topbar'), h('span', { class: 'brand' }, 'Invite links'), domainName ? h('span', { class: 'org-name', id: 'org-name' }, domainName) : null);
}

async function start() {
  // The provider's code and state leave the address bar before anything else can fail.
  const callback = takeCallback();
  const token = takeToken();
  if (!token) {
    // This tab joined already (the token was used up here): a reload, Back or Forward shows that, not "can't find".
    const joined = lastJoined();
    return joined ? showJoined(joined.domainId, joined.domainName) : showLinkProblem({ code: 'LINK_NOT_FOUND' });
  }
  render(main, h('p', { class: 'loading' }, 'Checking your invite link…'));
  let link: LinkLookup;
  try {
    link = await api<LinkLookup>('POST', '/v1/join/lookup', { token });
  } catch (error) {
    return handleLinkError(error);
  }
  nameOrganisation(link.domainName);
  const provider = providerName((await loadConfig()).identityProvider);
  if (callback) {
    render(main, invitation(link, h('p', { class: 'loading', role: 'status' }, 'Signing you in…')));
    try {
      await finishSignIn(callback);
    } catch (error) {
      session.signOut();
      return showAccountChoice(link, provider, error instanceof SignInError ? error.message : 'Sign-in did not complete. Try again.');
    }
    return showSignedIn(token, link, provider, true);
  }
  if (session.token()) return showSignedIn(token, link, provider, false);
  showAccountChoice(link, provider);
}

/** The card every step shares: who invites, what the link gives, until when; then this step's part. */
function invitation(link: LinkLookup, ...step: Child[]): HTMLElement {
  return h(
    'article',
    { class: 'card join' },
    h('p', { class: 'eyebrow' }, 'You are invited'),
    h('h1', {}, `Join ${link.domainName}`),
    link.label ? h('p', { class: 'invite-label' }, h('span', { class: 'muted' }, 'Invitation: '), link.label) : null,
    h('p', {}, 'This invite link gives you:'),
    grants(link),
    h('p', { class: 'muted small expiry' }, `The link works until ${formatDateTime(link.expiresAt)}.`),
    h('section', { class: 'join-step' }, ...step),
  );
}

/** The link's grants as a definition list, in the words the person will see in the product. */
function grants(link: LinkLookup): HTMLElement {
  const rows: [string, string | undefined][] = [
    ['User type', USER_TYPE_LABEL[link.userType]],
    ['Primary team', link.primaryTeamName],
    ['Primary legacy group', link.primaryGroupName],
    ['Also in teams', link.additionalTeamNames?.join(', ')],
    ['Role groups', link.roleGroupNames?.join(', ')],
    ['Legacy groups', link.groupNames?.join(', ')],
  ];
  return h(
    'dl',
    { class: 'grants' },
    rows.filter(([, value]) => value).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value!))),
  );
}

/** "example.com" for "pat@Example.com": the part the link's list is matched against (exact, case-insensitive). */
const emailDomainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
const admits = (link: LinkLookup, email: string) => link.allowedEmailDomains.length === 0 || link.allowedEmailDomains.includes(emailDomainOf(email));

/** Said before anyone makes an account, so nobody makes one with an email the link will refuse. */
function whoMayJoin(link: LinkLookup): HTMLElement | null {
  if (link.allowedEmailDomains.length === 0) return null;
  return h(
    'div',
    { class: 'notice email-domains', id: 'allowed-email-domains' },
    h('p', {}, h('strong', {}, `This link is for people with an ${atDomains(link.allowedEmailDomains)} email.`)),
    h('p', {}, `Create your account, or sign in, with your ${atDomains(link.allowedEmailDomains)} address.`),
  );
}

/** Step 1: not signed in. A new account, or the one the person has; both come back here. */
function showAccountChoice(link: LinkLookup, provider: string, message?: string) {
  const status = h('div', { role: 'alert', class: 'form-error' }, message ?? '');
  const createAccount = h('button', { type: 'button', class: 'button primary wide', id: 'create-account' }, 'Create account');
  const signIn = h('button', { type: 'button', class: 'button', id: 'sign-in' }, 'Sign in');
  const leave = (signUp: boolean) => {
    render(status);
    for (const button of [createAccount, signIn]) button.disabled = true;
    (signUp ? createAccount : signIn).setAttribute('aria-busy', 'true');
    goToProvider('/join', { signUp }).catch((error: unknown) => {
      for (const button of [createAccount, signIn]) {
        button.disabled = false;
        button.removeAttribute('aria-busy');
      }
      render(status, error instanceof SignInError ? error.message : 'Sign-in could not start. Reload and try again.');
    });
  };
  createAccount.addEventListener('click', () => leave(true));
  signIn.addEventListener('click', () => leave(false));
  render(
    main,
    invitation(
      link,
      h('h2', { id: 'join-step-title' }, 'Your account'),
      status,
      h('p', {}, `To join, create an account with ${provider} (we email you a code to check your address) or sign in to the one you have. You come straight back here afterwards.`),
      whoMayJoin(link),
      h('div', { class: 'account-actions' }, createAccount, h('p', { class: 'or' }, 'I already have an account — ', signIn)),
    ),
  );
  if (message) status.focus();
}

/** Steps 2 and 3: signed in (just now, or already). The API says who the token belongs to. */
async function showSignedIn(token: string, link: LinkLookup, provider: string, justSignedIn: boolean) {
  let me: Me;
  try {
    me = await api<Me>('GET', '/v1/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.signOut();
      return showAccountChoice(
        link,
        provider,
        justSignedIn
          ? `You signed in with ${provider}, but this service did not accept the sign-in. Try again, or use another account.`
          : 'Your session ended. Sign in again to join.',
      );
    }
    return showUnavailable(error);
  }
  if (!admits(link, me.email)) return showNotForThisEmail(link, me);
  showForm(token, link, provider, me);
}

/** Signed in with an email the link does not admit (seen from the lookup, or a 403 EMAIL_DOMAIN_NOT_ALLOWED): another account is the way in. */
function showNotForThisEmail(link: LinkLookup, me: Me) {
  const status = h('div', { role: 'alert', class: 'form-error' });
  const domains = link.allowedEmailDomains;
  render(
    main,
    invitation(
      link,
      h('h2', { id: 'join-step-title', tabindex: '-1', 'data-problem': 'EMAIL_DOMAIN_NOT_ALLOWED' }, domains.length ? `This link is for people with an ${atDomains(domains)} email` : `This link is not for ${me.email}`),
      h(
        'p',
        {},
        `You're signed in as ${me.email}, so you can't join ${link.domainName} with this link. `,
        domains.length ? `Sign in with your ${atDomains(domains)} address instead, or create an account with it.` : 'Sign in with the email address you were invited with.',
      ),
      h('p', { class: 'muted small' }, 'If you have no such address, ask the person who sent the link for one that fits your email.'),
      status,
      h('div', { class: 'account-actions' }, h('button', { type: 'button', class: 'button primary wide', onclick: () => useAnotherAccount(status) }, 'Use another account')),
    ),
  );
  byId('join-step-title').focus();
}

type NameField = 'firstName' | 'lastName';
const NAME_FIELDS: { name: NameField; label: string; autocomplete: string }[] = [
  { name: 'firstName', label: 'First name', autocomplete: 'given-name' },
  { name: 'lastName', label: 'Last name', autocomplete: 'family-name' },
];

/** The API's rule for a name, checked here first so mistakes show at the field. */
function nameProblem(label: string, value: string): string | undefined {
  if (!value.trim()) return `Enter your ${label.toLowerCase()}.`;
  if (value.trim().length > 100) return `${label} must be at most 100 characters.`;
  if (/[<>\p{Cc}]/u.test(value)) return `${label} cannot contain < or > or control characters.`;
  return undefined;
}

/** "Not you?": forget this tab's sign-in and ask the provider again, even if it still has a session. */
function useAnotherAccount(status: HTMLElement) {
  session.signOut();
  goToProvider('/join', { prompt: 'login' }).catch((error: unknown) => {
    render(status, error instanceof SignInError ? error.message : 'Sign-in could not start. Reload and try again.');
  });
}

/** Step 2's form: "Join <domain> as <email>", names prefilled from the ID token. */
function showForm(token: string, link: LinkLookup, provider: string, me: Me) {
  const names = namesFromClaims(readIdTokenClaims(session.idToken()));
  const formError = h('div', { role: 'alert', class: 'form-error', tabindex: '-1' });
  const fields = new Map<NameField, { input: HTMLInputElement; error: HTMLElement; label: string }>();
  const setError = (name: NameField, message: string | undefined) => {
    const { input, error } = fields.get(name)!;
    render(error, message ?? '');
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  const check = (name: NameField) => {
    const { input, label } = fields.get(name)!;
    const message = nameProblem(label, input.value);
    setError(name, message);
    return !message;
  };
  const rows = NAME_FIELDS.map(({ name, label, autocomplete }) => {
    const id = `join-${name}`;
    const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    const input = h('input', {
      id,
      name,
      type: 'text',
      autocomplete,
      required: true,
      value: names[name],
      'aria-describedby': `${id}-error`,
      onblur: () => input.value && check(name),
      oninput: () => input.hasAttribute('aria-invalid') && check(name),
    });
    fields.set(name, { input, error, label });
    return h('div', { class: 'field' }, h('label', { for: id }, label), input, error);
  });
  const anotherAccount = (text = 'Use another account') =>
    h('button', { type: 'button', class: 'link-button', onclick: () => useAnotherAccount(formError) }, text);

  const submitText = `Join ${link.domainName}`;
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, submitText);
  const form = h(
    'form',
    {
      class: 'join-form',
      novalidate: true,
      'aria-labelledby': 'join-step-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (submit.disabled) return;
        render(formError);
        const invalid = NAME_FIELDS.find((f) => !check(f.name));
        if (invalid) return fields.get(invalid.name)!.input.focus();
        const value = (name: NameField) => fields.get(name)!.input.value.trim();
        submit.disabled = true;
        submit.textContent = 'Joining…';
        try {
          const joined = await api<Joined>('POST', '/v1/join', { token, firstName: value('firstName'), lastName: value('lastName') });
          sessionStorage.removeItem(TOKEN_KEY);
          rememberJoined({ domainId: joined.domainId, domainName: link.domainName });
          location.replace(`/home?domain=${encodeURIComponent(joined.domainId)}`);
        } catch (error) {
          submit.disabled = false;
          submit.textContent = submitText;
          joinFailed(error);
        }
      },
    },
    h('h2', { id: 'join-step-title' }, `Join ${link.domainName} as ${me.email}`),
    h('p', { class: 'muted small' }, 'Not you? ', anotherAccount(), '.'),
    rows,
    formError,
    submit,
  );

  const joinFailed = (error: unknown) => {
    const say = (...message: Child[]) => {
      render(formError, ...message);
      formError.focus();
    };
    if (!(error instanceof ApiError)) return say('Something went wrong. Try again.');
    if (error.code === 'ALREADY_MEMBER') return showAlreadyMember(link, me);
    if (error.code === 'REJOIN_BLOCKED') return showRejoinBlocked(link, me);
    if (error.status === 401) {
      session.signOut();
      return showAccountChoice(link, provider, 'Your session ended. Sign in again to join.');
    }
    if (error.code === 'EMAIL_NOT_VERIFIED') {
      return say(`${me.email} is not verified yet at ${provider}. Verify it there (with the code or link they emailed you), then try again, or `, anotherAccount('use another account'), '.');
    }
    if (error.code === 'EMAIL_DOMAIN_NOT_ALLOWED') {
      // The domain's list may have changed since the page looked the link up: ask again which emails it admits now.
      return void api<LinkLookup>('POST', '/v1/join/lookup', { token }).then(
        (fresh) => showNotForThisEmail(fresh, me),
        () => showNotForThisEmail(link, me),
      );
    }
    const field = error.field as NameField | undefined;
    if (error.code === 'INVALID_REQUEST' && field && fields.has(field)) {
      setError(field, `${fields.get(field)!.label} ${error.fieldMessage}.`);
      return fields.get(field)!.input.focus();
    }
    if (error.status === 404 || error.status === 410 || error.field === 'token') return handleLinkError(error, link.domainName);
    if (error.code === 'RATE_LIMITED' || error.code === 'BUSY' || error.status === 503) {
      const wait = error.retryAfterSeconds ? ` Try again in ${error.retryAfterSeconds} second${error.retryAfterSeconds === 1 ? '' : 's'}.` : ' Wait a moment, then try again.';
      return say(`Many people are joining right now.${wait}`);
    }
    say(`${error.title}. ${error.detail}`);
  };

  render(main, invitation(link, form));
}

/** 409: the person is in this domain already, so there is nothing to join; the app is one link away. */
function showAlreadyMember(link: LinkLookup, me: Me) {
  sessionStorage.removeItem(TOKEN_KEY);
  // The lookup names the domain but gives no id: find it among the caller's memberships when the name is unambiguous.
  const matches = me.memberships.filter((m) => m.domainName === link.domainName);
  const href = matches.length === 1 ? `/home?domain=${encodeURIComponent(matches[0]!.domainId)}` : '/home';
  render(
    main,
    h(
      'article',
      { class: 'card join success-page', 'data-problem': 'ALREADY_MEMBER' },
      h('h1', { tabindex: '-1', id: 'result-title' }, `You're already a member of ${link.domainName}`),
      h('p', {}, `${me.email} already belongs to ${link.domainName}, so there is nothing to join.`),
      h('p', {}, h('a', { href, class: 'button primary' }, `Go to ${link.domainName}`)),
    ),
  );
  byId('result-title').focus();
}

/** 403: an admin removed this person and has not let them back; another press of Join would only be refused again. */
function showRejoinBlocked(link: LinkLookup, me: Me) {
  // The token stays in this tab: once an admin allows it, a reload offers the same link's Join again.
  render(
    main,
    h(
      'article',
      { class: 'card join problem', 'data-problem': 'REJOIN_BLOCKED' },
      h('h1', { tabindex: '-1', id: 'result-title' }, `An admin removed you from ${link.domainName}`),
      h('p', {}, `You're signed in as ${me.email}. An admin of ${link.domainName} removed you, so invite links don't let you join it again for now.`),
      h('p', {}, `You can join ${link.domainName} again once an admin allows it: ask one of them. Then open your invite link again.`),
      me.memberships.length ? h('p', {}, h('a', { href: '/home', class: 'button' }, 'Go to Home')) : null,
    ),
  );
  byId('result-title').focus();
}

/** This tab joined: a reload or Back after joining lands here, and the way on is Home. */
function showJoined(domainId: string, domainName: string) {
  nameOrganisation(domainName);
  const home = `/home?domain=${encodeURIComponent(domainId)}`;
  render(
    main,
    h(
      'article',
      { class: 'card join success-page', 'data-problem': 'JOINED' },
      h('h1', { tabindex: '-1', id: 'result-title' }, `You've joined ${domainName}`),
      h('p', {}, 'Your invite link has done its job: you are a member now, and signed in with your account.'),
      h('p', {}, h('a', { href: home, class: 'button primary' }, `Go to ${domainName}`)),
    ),
  );
}

function handleLinkError(error: unknown, knownDomainName?: string) {
  if (error instanceof ApiError && error.code === 'INVALID_REQUEST' && error.field === 'token') return showLinkProblem({ code: 'LINK_NOT_FOUND' });
  if (error instanceof ApiError && isLinkEnd(error.code, error.text('reason'))) {
    return showLinkProblem({ code: error.code, reason: error.text('reason'), domainName: error.text('domainName') ?? knownDomainName });
  }
  showUnavailable(error);
}

function showUnavailable(error: unknown) {
  const message = error instanceof ApiError && error.code === 'RATE_LIMITED' ? 'Too many attempts right now. Wait a moment, then try again.' : 'We could not check your invite link just now.';
  render(
    main,
    h(
      'article',
      { class: 'card join problem', 'data-problem': 'UNAVAILABLE' },
      h('h1', {}, 'Something went wrong'),
      h('p', {}, message),
      h('button', { type: 'button', class: 'button', onclick: () => void start() }, 'Try again'),
    ),
  );
}

function showLinkProblem({ code, reason, domainName }: { code: string; reason?: string; domainName?: string }) {
  sessionStorage.removeItem(TOKEN_KEY);
  const known = linkEndOf(code, reason);
  const problem = problemFor(known, domainName);
  nameOrganisation(domainName);
  render(
    main,
    h(
      'article',
      { class: 'card join problem', 'data-problem': code, 'data-reason': known },
      h('h1', {}, problem.title),
      problem.body.map((text) => h('p', {}, text)),
      problem.action ? h('p', {}, h('a', { href: problem.action.href, class: 'button' }, problem.action.text)) : null,
    ),
  );
}

// A new link pasted into this same tab changes only the fragment: no page load, so start over.
addEventListener('hashchange', () => void start());
// Back or Forward to a page kept whole in memory shows it as it was left: look again instead.
addEventListener('pageshow', (event) => {
  if (event.persisted) void start();
});
void start();

/**
 * Join page (/join#<token>): who invites, what the link grants and whose emails it admits (for an
 * invitation by email: the one address it is for), then an account at the identity provider (a
 * new one, or the one the person has; the link is looked up again first), then "Join <domain> as
 * <email>", or a kind page when the person is in the domain already, the link no longer works or
 * is paused, is not for the person's email (an invitation: switch to the invited address), or an
 * admin removed the person and has not let them back yet. A link that needs approval says who
 * reviews requests, and its "Request to join" ends at "Request sent" (or, asked before and
 * declined, says so). The link token lives only in the fragment (never sent to a
 * server in a URL), is taken out of the address bar at once and kept in this tab's sessionStorage
 * across the trip to the provider; the API gets it in a request body.
 */
import { api, ApiError, loadConfig, session } from '../lib/api.ts';
import { byId, h, render } from '../lib/dom.ts';
import { atDomains, type Lookup, type Me } from '../lib/model.ts';
import { providerName, SignInError } from '../lib/oidc-provider.ts';
import { finishSignIn, goToProvider, takeCallback } from '../lib/sign-in.ts';
import { forgetToken, heldToken, takeToken } from '../lib/join-token.ts';
import { lastJoined } from '../lib/joined.ts';
import { isLinkEnd } from '../lib/link-ends.ts';
import { admits, invitation, nameOrganisation, whoMayJoin } from '../components/join/invitation.ts';
import { joinForm } from '../components/join/join-form.ts';
import { alreadyMemberCard, joinedCard, linkProblemCard, rejoinBlockedCard, unavailableCard } from '../components/join/outcomes.ts';
import { declinedCard, isPause, needsApproval, pausedCard, requestSentCard, reviewNotice } from '../components/join/approval.ts';
import '../components/join/join.css';

const main = byId('main');

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
  let link: Lookup;
  try {
    link = await api<Lookup>('POST', '/v1/join/lookup', { token });
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

/** Step 1: not signed in. A new account, or the one the person has; both come back here. */
function showAccountChoice(link: Lookup, provider: string, message?: string) {
  const status = h('div', { role: 'alert', class: 'form-error' }, message ?? '');
  const createAccount = h('button', { type: 'button', class: 'button primary wide', id: 'create-account' }, 'Create account');
  const signIn = h('button', { type: 'button', class: 'button', id: 'sign-in' }, 'Sign in');
  const leave = async (signUp: boolean) => {
    render(status);
    for (const button of [createAccount, signIn]) button.disabled = true;
    (signUp ? createAccount : signIn).setAttribute('aria-busy', 'true');
    if (!(await stillWorks(link))) return;
    goToProvider('/join', { signUp, invitation: invitationOf(link) }).catch((error: unknown) => {
      for (const button of [createAccount, signIn]) {
        button.disabled = false;
        button.removeAttribute('aria-busy');
      }
      render(status, error instanceof SignInError ? error.message : 'Sign-in could not start. Reload and try again.');
    });
  };
  createAccount.addEventListener('click', () => void leave(true));
  signIn.addEventListener('click', () => void leave(false));
  render(
    main,
    invitation(
      link,
      h('h2', { id: 'join-step-title' }, 'Your account'),
      status,
      needsApproval(link) ? reviewNotice(link) : null,
      whoMayJoin(link),
      h('div', { class: 'account-actions' }, createAccount, h('p', { class: 'or' }, 'I already have an account — ', signIn)),
      h('p', { class: 'muted small' }, `Both go through ${provider}: we email you a code to check your address, and you come straight back here.`),
    ),
  );
  if (message) status.focus();
}

/** Steps 2 and 3: signed in (just now, or already). The API says who the token belongs to. */
async function showSignedIn(token: string, link: Lookup, provider: string, justSignedIn: boolean) {
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
  if (me.memberships.some((m) => m.domainId === link.domainId)) return showAlreadyMember(link, me);
  if (!admits(link, me.email)) return showNotForThisEmail(link, me);
  // Asked already (a reload, or Back after "Request sent"): the request is what there is to show.
  const asked = needsApproval(link) ? me.joinRequests.find((r) => r.domainId === link.domainId && r.status === 'pending') : undefined;
  if (asked) return showResult(requestSentCard(link.domainName, me, asked));
  showForm(token, link, provider, me);
}

/**
 * Signed in with an email the link does not admit, or not the address an invitation was sent to
 * (seen from the lookup, or a 403 from the join): another account is the way in.
 */
function showNotForThisEmail(link: Lookup, me: Me) {
  const status = h('div', { role: 'alert', class: 'form-error' });
  const switchAccount = (text: string) =>
    h('div', { class: 'account-actions' }, h('button', { type: 'button', class: 'button primary wide', id: 'switch-account', onclick: () => void useAnotherAccount(status, link) }, text));
  if (link.kind === 'invitation') {
    render(
      main,
      invitation(
        link,
        h('h2', { id: 'join-step-title', tabindex: '-1', 'data-problem': 'INVITATION_EMAIL_MISMATCH' }, `This invitation is for ${link.invitedEmail}`),
        h('p', {}, `You're signed in as ${me.email}, so you can't accept it: an invitation works only for the address it was sent to.`),
        h('p', {}, `Switch accounts: you are signed out here, then sign in, or create an account, with ${link.invitedEmail}.`),
        status,
        switchAccount('Switch account'),
        h('p', { class: 'muted small' }, `Meant to join as ${me.email}? Ask ${link.invitedBy.name ?? link.invitedBy.email} to invite that address instead.`),
      ),
    );
    return byId('join-step-title').focus();
  }
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
      switchAccount('Use another account'),
    ),
  );
  byId('join-step-title').focus();
}

/** What this page shows anyone with the link, for the provider to show through sign-up and sign-in. */
const invitationOf = (link: Lookup) => ({ organisation: link.domainName, emailDomains: link.kind === 'link' ? link.allowedEmailDomains : [] });

/** "Not you?": forget this tab's sign-in and ask the provider again, even if it still has a session. */
async function useAnotherAccount(status: HTMLElement, link: Lookup) {
  if (!(await stillWorks(link))) return;
  session.signOut();
  goToProvider('/join', { prompt: 'login', invitation: invitationOf(link) }).catch((error: unknown) => {
    render(status, error instanceof SignInError ? error.message : 'Sign-in could not start. Reload and try again.');
  });
}

/** Step 2's form: "Join <domain> as <email>"; what leads away from it comes back here. */
function showForm(token: string, link: Lookup, provider: string, me: Me) {
  const form = joinForm(token, link, provider, me, {
    useAnotherAccount: (status) => void useAnotherAccount(status, link),
    alreadyMember: () => showAlreadyMember(link, me),
    rejoinBlocked: () => showRejoinBlocked(link, me),
    requested: (request) => showResult(requestSentCard(link.domainName, me, request)),
    declined: () => showResult(declinedCard(link, me)),
    sessionEnded: () => {
      session.signOut();
      showAccountChoice(link, provider, 'Your session ended. Sign in again to join.');
    },
    notForThisEmail: (fresh) => showNotForThisEmail(fresh, me),
    linkEnded: (error) => handleLinkError(error, link),
  });
  render(main, invitation(link, form));
}

function showAlreadyMember(link: Lookup, me: Me) {
  // The token stays in this tab: "Use another account" comes back here with it.
  render(main, alreadyMemberCard(link, me, (status) => void useAnotherAccount(status, link)));
  byId('result-title').focus();
}

function showRejoinBlocked(link: Lookup, me: Me) {
  // The token stays in this tab: once an admin allows it, a reload offers the same link's Join again.
  render(main, rejoinBlockedCard(link, me));
  byId('result-title').focus();
}

/** A card that ends this visit for now; the token stays in this tab, so a reload asks again. */
function showResult(card: HTMLElement) {
  render(main, card);
  byId('result-title').focus();
}

function showJoined(domainId: string, domainName: string) {
  nameOrganisation(domainName);
  render(main, joinedCard(domainId, domainName));
}

/** An answer that says the link no longer works, or never did (a token the API refuses to read). */
const endsLink = (error: unknown): error is ApiError =>
  isPause(error) || (error instanceof ApiError && ((error.code === 'INVALID_REQUEST' && error.field === 'token') || isLinkEnd(error.code, error.text('reason'))));

/** `known`: the link or invitation as this page looked it up before, when it did. */
function handleLinkError(error: unknown, known?: Lookup) {
  if (!endsLink(error)) return showUnavailable(error);
  // Paused, not ended: the token stays, so the same link works again once resumed.
  if (isPause(error)) {
    nameOrganisation(error.text('domainName') ?? known?.domainName);
    return render(main, pausedCard(error, known?.domainName));
  }
  if (error.code === 'INVALID_REQUEST') return showLinkProblem({ code: 'LINK_NOT_FOUND' });
  // An ended invitation answers with a link's codes; its detail, in the API's words, says it was an invitation.
  const invitation = known?.kind === 'invitation' || /^This invitation\b/.test(error.detail) ? { detail: error.detail || undefined } : undefined;
  showLinkProblem({ code: error.code, reason: error.text('reason'), domainName: error.text('domainName') ?? known?.domainName, invitation });
}

/**
 * The link may have ended while the page was open (revoked, all deleted, expired, used up): looked
 * up again before the person leaves to make an account or sign in, so they learn it here, not after.
 * That lookup also tells the link's stats that this browser started to sign in.
 */
async function stillWorks(link: Lookup): Promise<boolean> {
  try {
    await api<Lookup>('POST', '/v1/join/lookup', { token: heldToken() ?? '', step: 'sign-in' });
    return true;
  } catch (error) {
    // Not checked (too many attempts, offline): the join checks the link again anyway.
    if (!endsLink(error)) return true;
    handleLinkError(error, link);
    byId('result-title').focus();
    return false;
  }
}

function showUnavailable(error: unknown) {
  render(main, unavailableCard(error, () => void start()));
}

function showLinkProblem({ code, reason, domainName, invitation }: { code: string; reason?: string; domainName?: string; invitation?: { detail?: string } }) {
  forgetToken();
  nameOrganisation(domainName);
  render(main, linkProblemCard(code, reason, domainName, invitation));
}

// A new link pasted into this same tab changes only the fragment: no page load, so start over.
addEventListener('hashchange', () => void start());
// Back or Forward to a page kept whole in memory shows it as it was left: look again instead.
addEventListener('pageshow', (event) => {
  if (event.persisted) void start();
});
void start();

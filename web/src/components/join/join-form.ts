/**
 * Step 2 of joining, signed in: "Join <domain> as <email>", one press when the account gave names
 * (shown, with a way to change them), else asked for and checked with the API's rule before
 * sending; Enter in a field sends it. Through a link that needs approval it is "Request to join",
 * and the API's 202 is handed to the page. A refusal is said at the form, or at its field;
 * one that leads elsewhere (a member already, removed by an admin, declined, signed out, an email
 * the link does not admit, a link that no longer works or is paused) is handed to the page.
 */
import { api, ApiError, session } from '../../lib/api.ts';
import { h, render, type Child } from '../../lib/dom.ts';
import { namesFromClaims, readIdTokenClaims } from '../../lib/id-token.ts';
import { forgetToken } from '../../lib/join-token.ts';
import { rememberJoined } from '../../lib/joined.ts';
import type { Joined, JoinRequested, Lookup, Me } from '../../lib/model.ts';
import { needsApproval, reviewNotice } from './approval.ts';

/** Where the form hands over, when what happened leads away from it. */
export interface JoinFormWays {
  /** "Not you?": sign in with another account; a sign-in that cannot start is said in `status`. */
  useAnotherAccount(status: HTMLElement): void;
  /** 409: the person is in the domain already. */
  alreadyMember(): void;
  /** 403: an admin removed the person and has not let them back. */
  rejoinBlocked(): void;
  /** 202: the link needs approval, and the request is in. */
  requested(request: JoinRequested): void;
  /** 403: the person asked through this link before and was declined. */
  declined(): void;
  /** 401: the session ended. */
  sessionEnded(): void;
  /** 403: the link does not admit this email, or the invitation is for another address; `link` as looked up again (or as it was, when that fails). */
  notForThisEmail(link: Lookup): void;
  /** 404, 410 or a refused token: the link no longer works. */
  linkEnded(error: ApiError): void;
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

/** Step 2's form: "Join <domain> as <email>", names from the ID token. */
export function joinForm(token: string, link: Lookup, provider: string, me: Me, ways: JoinFormWays): HTMLFormElement {
  const names = namesFromClaims(readIdTokenClaims(session.idToken()));
  // Names the account gave and the API takes are not asked again: Join is one press.
  const named = NAME_FIELDS.every(({ name, label }) => !nameProblem(label, names[name]));
  const formError = h('div', { role: 'alert', class: 'form-error', tabindex: '-1' });
  const fields = new Map<NameField, { input: HTMLInputElement; error: HTMLElement; label: string }>();
  const setError = (name: NameField, message: string | undefined) => {
    const { input, error } = fields.get(name)!;
    if (message) showFields();
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
  const nameFields = h('div', { id: 'join-name-fields', hidden: named }, rows);
  const changeNames = () => {
    showFields();
    fields.get('firstName')!.input.focus();
  };
  const change = h('button', { type: 'button', class: 'link-button', 'aria-label': 'Change your name', onclick: changeNames }, 'Change');
  const nameLine = named
    ? h('p', { class: 'join-names', id: 'join-names' }, 'Your name: ', h('strong', {}, `${names.firstName} ${names.lastName}`), ' ', change)
    : null;
  function showFields() {
    nameFields.hidden = false;
    if (nameLine) nameLine.hidden = true;
  }
  const anotherAccount = (text = 'Use another account') =>
    h('button', { type: 'button', class: 'link-button', onclick: () => ways.useAnotherAccount(formError) }, text);

  const asking = needsApproval(link);
  const submitText = asking ? 'Request to join' : `Join ${link.domainName}`;
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
        submit.textContent = asking ? 'Sending…' : 'Joining…';
        try {
          const joined = await api<Joined | JoinRequested>('POST', '/v1/join', { token, firstName: value('firstName'), lastName: value('lastName') });
          // The token stays in this tab: a reload finds the request pending (GET /v1/me) and says so again.
          if ('status' in joined && joined.status === 'pending') return ways.requested(joined);
          forgetToken();
          rememberJoined({ domainId: joined.domainId, domainName: link.domainName });
          location.replace(`/home?domain=${encodeURIComponent(joined.domainId)}`);
        } catch (error) {
          submit.disabled = false;
          submit.textContent = submitText;
          joinFailed(error);
        }
      },
    },
    h('h2', { id: 'join-step-title' }, `${asking ? 'Ask to join' : 'Join'} ${link.domainName} as ${me.email}`),
    h('p', { class: 'muted small' }, 'Not you? ', anotherAccount(), '.'),
    asking ? reviewNotice(link) : null,
    nameLine,
    nameFields,
    formError,
    submit,
  );

  const joinFailed = (error: unknown) => {
    const say = (...message: Child[]) => {
      render(formError, ...message);
      formError.focus();
    };
    if (!(error instanceof ApiError)) return say('Something went wrong. Try again.');
    if (error.code === 'ALREADY_MEMBER') return ways.alreadyMember();
    if (error.code === 'REJOIN_BLOCKED') return ways.rejoinBlocked();
    if (error.code === 'JOIN_DECLINED') return ways.declined();
    if (error.status === 401) return ways.sessionEnded();
    if (error.code === 'EMAIL_NOT_VERIFIED') {
      return say(`${me.email} is not verified yet at ${provider}. Verify it there (with the code or link they emailed you), then try again, or `, anotherAccount('use another account'), '.');
    }
    if (error.code === 'INVITATION_EMAIL_MISMATCH') return ways.notForThisEmail(link);
    if (error.code === 'EMAIL_DOMAIN_NOT_ALLOWED' && link.kind === 'link') {
      // The domain's list may have changed since the page looked the link up: ask again which emails it admits now.
      return void api<Lookup>('POST', '/v1/join/lookup', { token }).then(
        (fresh) => ways.notForThisEmail(fresh),
        () => ways.notForThisEmail(link),
      );
    }
    const field = error.field as NameField | undefined;
    if (error.code === 'INVALID_REQUEST' && field && fields.has(field)) {
      setError(field, `${fields.get(field)!.label} ${error.fieldMessage}.`);
      return fields.get(field)!.input.focus();
    }
    if (error.status === 404 || error.status === 410 || error.field === 'token') return ways.linkEnded(error);
    if (error.code === 'RATE_LIMITED' || error.code === 'BUSY' || error.status === 503) {
      const wait = error.retryAfterSeconds ? ` Try again in ${error.retryAfterSeconds} second${error.retryAfterSeconds === 1 ? '' : 's'}.` : ' Wait a moment, then try again.';
      return say(`Many people are joining right now.${wait}`);
    }
    say(`${error.title}. ${error.detail}`);
  };

  return form;
}

/**
 * Join page (/join#<token>): what the link grants, account setup, then success, or a kind page
 * when the link no longer works. The token lives only in the fragment (never sent to a server
 * in a URL) and is taken out of the address bar at once; the API gets it in a request body.
 */
import { api, ApiError } from '../lib/api.ts';
import { byId, h, render, type Child } from '../lib/dom.ts';
import { formatDateTime, USER_TYPE_LABEL, type UserType } from '../lib/model.ts';

interface Lookup {
  domainName: string;
  userType: UserType;
  primaryTeamName?: string;
  primaryGroupName?: string;
  additionalTeamNames?: string[];
  roleGroupNames?: string[];
  groupNames?: string[];
  expiresAt: string;
}

const main = byId('main');
const TOKEN_KEY = 'invite-links.join-token';

/** Read once, then gone from the address bar (history, screenshots, shoulder-surfing); kept for this tab so a reload still works. */
function takeToken(): string | undefined {
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  if (fromHash) sessionStorage.setItem(TOKEN_KEY, fromHash);
  return fromHash || (sessionStorage.getItem(TOKEN_KEY) ?? undefined);
}

async function start() {
  const token = takeToken();
  if (!token) return showLinkProblem('LINK_NOT_FOUND');
  render(main, h('p', { class: 'loading' }, 'Checking your invite link…'));
  try {
    const link = await api<Lookup>('POST', '/v1/join/lookup', { token });
    showForm(token, link);
  } catch (error) {
    handleLinkError(error);
  }
}

/** The link's grants as a definition list, in the words the person will see in the product. */
function grants(link: Lookup): HTMLElement {
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

interface Field {
  name: 'email' | 'firstName' | 'lastName';
  label: string;
  type: string;
  autocomplete: string;
  validate(value: string): string | undefined;
}

const nameRule = (label: string) => (value: string) => {
  if (!value.trim()) return `Enter your ${label.toLowerCase()}.`;
  if (value.trim().length > 100) return `${label} must be at most 100 characters.`;
  if (/[<>\p{Cc}]/u.test(value)) return `${label} cannot contain < or >.`;
  return undefined;
};

const FIELDS: Field[] = [
  {
    name: 'email',
    label: 'Email',
    type: 'email',
    autocomplete: 'email',
    validate: (value) => {
      const v = value.trim();
      if (!v) return 'Enter your email address.';
      if (v.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return 'Enter an email address like name@example.com.';
      return undefined;
    },
  },
  { name: 'firstName', label: 'First name', type: 'text', autocomplete: 'given-name', validate: nameRule('First name') },
  { name: 'lastName', label: 'Last name', type: 'text', autocomplete: 'family-name', validate: nameRule('Last name') },
];

function showForm(token: string, link: Lookup) {
  const inputs = new Map<Field['name'], { input: HTMLInputElement; error: HTMLElement; field: Field }>();
  const formError = h('div', { role: 'alert', class: 'form-error' });
  const setError = (name: Field['name'], message: Child | undefined) => {
    const entry = inputs.get(name)!;
    render(entry.error, message ?? '');
    entry.error.hidden = !message;
    if (message) entry.input.setAttribute('aria-invalid', 'true');
    else entry.input.removeAttribute('aria-invalid');
  };
  const check = (name: Field['name']) => {
    const { input, field } = inputs.get(name)!;
    const message = field.validate(input.value);
    setError(name, message);
    return !message;
  };

  const rows = FIELDS.map((field) => {
    const id = `join-${field.name}`;
    const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    const input = h('input', {
      id,
      name: field.name,
      type: field.type,
      autocomplete: field.autocomplete,
      required: true,
      'aria-describedby': `${id}-error`,
      onblur: () => input.value && check(field.name),
      oninput: () => input.hasAttribute('aria-invalid') && check(field.name),
    });
    inputs.set(field.name, { input, error, field });
    return h('div', { class: 'field' }, h('label', { for: id }, field.label), input, error);
  });

  const submit = h('button', { type: 'submit', class: 'button primary wide' }, `Join ${link.domainName}`);
  const form = h(
    'form',
    {
      class: 'join-form',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        render(formError);
        const invalid = FIELDS.filter((f) => !check(f.name));
        if (invalid[0]) return inputs.get(invalid[0].name)!.input.focus();
        const value = (name: Field['name']) => inputs.get(name)!.input.value.trim();
        submit.disabled = true;
        submit.textContent = 'Joining…';
        try {
          await api('POST', '/v1/join', { token, email: value('email'), firstName: value('firstName'), lastName: value('lastName') });
          sessionStorage.removeItem(TOKEN_KEY);
          showSuccess(link, value('email'));
        } catch (error) {
          submit.disabled = false;
          submit.textContent = `Join ${link.domainName}`;
          if (!(error instanceof ApiError)) return render(formError, 'Something went wrong. Try again.');
          if (error.code === 'ALREADY_MEMBER') {
            setError('email', `This email already belongs to a member of ${link.domainName}, so it cannot join again. Sign in with it instead, or use a different email.`);
            return inputs.get('email')!.input.focus();
          }
          const field = error.field as Field['name'] | undefined;
          if (error.code === 'INVALID_REQUEST' && field && inputs.has(field)) {
            setError(field, `${inputs.get(field)!.field.label} ${error.fieldMessage}.`);
            return inputs.get(field)!.input.focus();
          }
          if (error.status === 404 || error.status === 410 || error.field === 'token') return handleLinkError(error);
          render(formError, error.code === 'RATE_LIMITED' ? 'Too many people are joining right now. Wait a moment and try again.' : `${error.title}. ${error.detail}`);
        }
      },
    },
    h('h2', {}, 'Set up your account'),
    rows,
    formError,
    submit,
  );

  render(
    main,
    h(
      'article',
      { class: 'card join' },
      h('p', { class: 'eyebrow' }, 'You are invited'),
      h('h1', {}, `Join ${link.domainName}`),
      h('p', {}, 'This invite link gives you:'),
      grants(link),
      h('p', { class: 'muted small expiry' }, `The link works until ${formatDateTime(link.expiresAt)}.`),
      form,
    ),
  );
}

function showSuccess(link: Lookup, email: string) {
  render(
    main,
    h(
      'article',
      { class: 'card join success-page' },
      h('p', { class: 'eyebrow' }, 'All set'),
      h('h1', { tabindex: '-1', id: 'result-title' }, `Welcome to ${link.domainName}`),
      h('p', {}, `Your account ${email} is now a member of ${link.domainName}:`),
      grants(link),
      h('p', {}, `Sign in with ${email} to get started. The person who shared the link gets an email saying you joined.`),
    ),
  );
  byId('result-title').focus();
}

const PROBLEMS: Record<string, { title: string; body: string[] }> = {
  LINK_EXPIRED: {
    title: 'This invite link has expired',
    body: ['Invite links work for 7 days, and this one has run out.', 'Ask the person who sent it for a new link.'],
  },
  LINK_REVOKED: {
    title: 'This invite link was deleted',
    body: ['Someone at the organisation deleted this link, so it no longer works.', 'If you still mean to join, ask the person who sent it for a new link.'],
  },
  LINKS_DISABLED: {
    title: 'Joining by link is turned off',
    body: [
      'The organisation has turned off invite links, so this link no longer works, even if links are turned on again later.',
      'Ask the person who invited you for a new link or another way in.',
    ],
  },
  LINK_NOT_FOUND: {
    title: 'We can’t find this invite link',
    body: ['The link may be incomplete: check that you opened or copied the whole link.', 'If it still does not work, ask the person who sent it for a new link.'],
  },
};

function handleLinkError(error: unknown) {
  if (error instanceof ApiError && error.code === 'INVALID_REQUEST' && error.field === 'token') return showLinkProblem('LINK_NOT_FOUND');
  if (error instanceof ApiError && PROBLEMS[error.code]) return showLinkProblem(error.code);
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

function showLinkProblem(code: string) {
  sessionStorage.removeItem(TOKEN_KEY);
  const problem = PROBLEMS[code]!;
  render(
    main,
    h(
      'article',
      { class: 'card join problem', 'data-problem': code },
      h('h1', {}, problem.title),
      problem.body.map((text) => h('p', {}, text)),
    ),
  );
}

// A new link pasted into this same tab changes only the fragment: no page load, so start over.
addEventListener('hashchange', () => void start());
void start();

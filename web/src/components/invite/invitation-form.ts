/**
 * "Invite by email": the addresses, pasted as they come (commas, spaces or new lines), what every
 * one of them gets (the link form's choices: grant-fields.ts), then folded away more teams and
 * groups, how long the invitations work and a message; Send invitations stays in view below, and
 * the answer says what became of each address. Works whether invite links are on or off.
 */
import { api, ApiError } from '../../lib/api.ts';
import { h, render } from '../../lib/dom.ts';
import { parseEmailList } from '../../lib/email-list.ts';
import { formatDuration, INVITATION_LIMITS, LINK_LIMITS, plural, type Directory, type InvitationResult, type LinkSettings } from '../../lib/model.ts';
import { errorNotice } from './error-notice.ts';
import { grantFields, moreSettings } from './grant-fields.ts';
import { resultWords } from './invitation-words.ts';
import { describeLink } from './link-words.ts';

/** Lifetimes offered up to the domain's longest; a week (the API's default) is chosen where allowed. */
const LIFETIME_PRESETS = [86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];
const DEFAULT_LIFETIME = 7 * 86_400;

/** `sent` is told once invitations went out, so the pending list shows them. */
export function invitationForm(directory: Directory, settings: LinkSettings, base: string, sent: () => void): HTMLFormElement {
  const { membership } = directory;
  const grantChoice = grantFields(directory, 'invitation-');

  const emailsError = h('p', { class: 'field-error', id: 'invite-emails-error', hidden: true });
  const emails = h('textarea', {
    id: 'invite-emails',
    name: 'emails',
    rows: 4,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    'aria-describedby': 'invite-emails-hint invite-emails-error',
    placeholder: 'pat@example.com, sam@example.com',
  });
  const setEmailsError = (message?: string) => {
    render(emailsError, message ?? '');
    emailsError.hidden = !message;
    if (message) emails.setAttribute('aria-invalid', 'true');
    else emails.removeAttribute('aria-invalid');
  };
  const readEmails = () => {
    const parsed = parseEmailList(emails.value);
    setEmailsError(parsed.ok ? undefined : parsed.problem);
    return parsed.ok ? parsed.emails : undefined;
  };
  // Checked on Send, then as they type once found wrong.
  emails.addEventListener('input', () => emails.getAttribute('aria-invalid') === 'true' && readEmails());

  const longest = settings.maxLinkLifetimeSeconds;
  const chosenByDefault = Math.min(DEFAULT_LIFETIME, longest);
  const lifetimes = [...new Set([...LIFETIME_PRESETS.filter((s) => s >= LINK_LIMITS.minLifetimeSeconds && s < longest), chosenByDefault, longest])].sort((a, b) => a - b);
  const life = h(
    'select',
    { id: 'invitation-life', name: 'expiresInSeconds', 'aria-describedby': 'invitation-life-hint' },
    lifetimes.map((s) => h('option', { value: String(s), selected: s === chosenByDefault }, s === longest ? `${formatDuration(s)} (the longest allowed)` : formatDuration(s))),
  );
  const message = h('textarea', { id: 'invitation-message', name: 'message', rows: 3, maxlength: INVITATION_LIMITS.messageMaxLength, 'aria-describedby': 'invitation-message-hint invitation-message-error' });
  const messageError = h('p', { class: 'field-error', id: 'invitation-message-error', hidden: true });
  const setMessageError = (text?: string) => {
    render(messageError, text ?? '');
    messageError.hidden = !text;
    if (text) message.setAttribute('aria-invalid', 'true');
    else message.removeAttribute('aria-invalid');
  };
  /** The message as the API takes it: one paragraph (line breaks and tabs become spaces), no < or >; undefined when empty, false (said at the field) when it cannot be sent. */
  const readMessage = (): string | undefined | false => {
    const text = message.value.replace(/\s+/g, ' ').trim();
    const problem = /[<>]/.test(text)
      ? 'A message cannot contain < or >.'
      : /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(text)
        ? 'A message cannot contain invisible or control characters.'
        : text.length > INVITATION_LIMITS.messageMaxLength
          ? `A message has at most ${INVITATION_LIMITS.messageMaxLength} characters.`
          : undefined;
    setMessageError(problem);
    return problem ? false : text || undefined;
  };
  message.addEventListener('input', () => message.getAttribute('aria-invalid') === 'true' && readMessage());

  const more = moreSettings(
    'invitation-more-settings',
    'More teams, role groups, legacy groups; how long the invitations work; a message in the email.',
    grantChoice.optional,
    h(
      'div',
      { class: 'rules-grid' },
      h('div', { class: 'field' }, h('label', { for: life.id }, 'Invitations work for'), life, h('p', { class: 'hint', id: 'invitation-life-hint' }, 'Each one works once, for its own address, until then.')),
      h(
        'div',
        { class: 'field' },
        h('label', { for: message.id }, 'Message', h('span', { class: 'optional' }, ' (optional)')),
        message,
        h('p', { class: 'hint', id: 'invitation-message-hint' }, `Added to each email as one paragraph of plain text, up to ${INVITATION_LIMITS.messageMaxLength} characters.`),
        messageError,
      ),
    ),
  );

  const summary = h('p', { class: 'small link-summary', id: 'invitation-summary' });
  const showSummary = () => {
    const parsed = parseEmailList(emails.value);
    const who = parsed.ok ? plural(parsed.emails.length, 'address', 'addresses') : 'No addresses yet';
    render(summary, `${who} · ${describeLink(grantChoice.read(), directory)} · works ${formatDuration(Number(life.value))}`);
  };
  const send = h('button', { type: 'submit', class: 'button primary', id: 'send-invitations' }, 'Send invitations');
  const results = h('div', { class: 'invitation-results', id: 'invitation-results' });

  async function submit() {
    // Busy: aria-disabled, so the focus stays on the button.
    if (send.getAttribute('aria-disabled') === 'true') return;
    const list = readEmails();
    if (!list) return emails.focus();
    const text = readMessage();
    if (text === false) {
      more.open = true;
      return message.focus();
    }
    // Always named: what the summary says is what the invitations get, whatever the API's default.
    const body = { emails: list, ...grantChoice.read(), ...(text ? { message: text } : {}), expiresInSeconds: Number(life.value) };
    send.setAttribute('aria-disabled', 'true');
    send.textContent = 'Sending…';
    render(results);
    try {
      const { items } = await api<{ items: InvitationResult[] }>('POST', `${base}/invitations`, body);
      emails.value = '';
      showSummary();
      showResults(items);
      sent();
    } catch (error) {
      if (!showAtField(error)) render(results, errorNotice(error));
    } finally {
      send.removeAttribute('aria-disabled');
      send.textContent = 'Send invitations';
    }
  }

  /** A 400 naming `emails[i]` or the message is shown at that field; true when it was. */
  function showAtField(error: unknown): boolean {
    if (!(error instanceof ApiError) || error.code !== 'INVALID_REQUEST' || !error.field) return false;
    if (error.field.startsWith('emails')) {
      setEmailsError(`The service says ${error.field === 'emails' ? 'the list' : 'an address'} ${error.fieldMessage}.`);
      emails.focus();
      return true;
    }
    if (error.field === 'message') {
      more.open = true;
      setMessageError(`The service says the message ${error.fieldMessage}.`);
      message.focus();
      return true;
    }
    return false;
  }

  function showResults(items: InvitationResult[]) {
    const count = (status: InvitationResult['status']) => items.filter((i) => i.status === status).length;
    const parts = [
      count('invited') ? `${plural(count('invited'), 'person', 'people')} invited` : null,
      count('already-member') ? `${count('already-member')} already ${count('already-member') === 1 ? 'a member' : 'members'}` : null,
      count('already-invited') ? `${count('already-invited')} already invited` : null,
      count('refused') ? `${count('refused')} not invited` : null,
    ].filter((p) => p !== null);
    const heading = h('h4', { id: 'invitation-results-title', tabindex: '-1' }, parts.join(', '));
    render(
      results,
      h(
        'section',
        { class: count('invited') === items.length ? 'notice success' : 'notice', 'aria-labelledby': heading.id },
        heading,
        h(
          'ul',
          { class: 'result-list' },
          items.map((item) => {
            const words = resultWords(item, membership.domainName);
            return h(
              'li',
              { class: `invitation-result ${item.status}`, 'data-email': item.email },
              h('span', { class: 'result-email' }, item.email),
              ' ',
              h('span', { class: 'result-words' }, h('strong', { class: 'result-status' }, words.status), words.detail ? ` — ${words.detail}` : null),
            );
          }),
        ),
      ),
    );
    heading.focus();
  }

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'invite-form invitation-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        void submit();
      },
      oninput: () => showSummary(),
      onchange: () => showSummary(),
      // Enter on a checkbox or radio is a choice being made, not "send now".
      onkeydown: (event: Event) => {
        const target = event.target;
        if (event instanceof KeyboardEvent && event.key === 'Enter' && target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) {
          event.preventDefault();
        }
      },
    },
    settings.enabled ? null : h('p', { class: 'notice', id: 'links-off-email' }, `Invite links are turned off in ${membership.domainName}, so nobody can join by link. Invitations by email still work: each is for one address, and works once.`),
    // What the last Send did comes first: the focus goes to it, and the form below is ready for more.
    results,
    h(
      'div',
      { class: 'field' },
      h('label', { for: emails.id }, 'Email addresses'),
      emails,
      h('p', { class: 'hint', id: 'invite-emails-hint' }, `Separate them with commas, spaces or new lines; up to ${INVITATION_LIMITS.maxEmails} at a time. Each person gets an email with a link that works only for them.`),
      emailsError,
    ),
    h('h3', {}, 'Everyone invited gets'),
    grantChoice.userType,
    grantChoice.primary,
    more,
    h('div', { class: 'invite-actions' }, summary, h('div', { class: 'actions' }, send)),
  );
  showSummary();
  return form;
}

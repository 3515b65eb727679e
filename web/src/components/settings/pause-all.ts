/**
 * Login Settings' "Pause all links for [N] hours" (1 to 72), confirmed first: every invite link of
 * the domain lets nobody in until then, and nothing is revoked, so they all work again when the
 * time is over. While paused: "All links are paused until <time>", with Resume, which ends it at
 * once. Beside the switch, which ends links for good, this is the gentle stop.
 */
import { api, ApiError } from '../../lib/api.ts';
import { confirmDialog } from '../../lib/dialog.ts';
import { h, render } from '../../lib/dom.ts';
import { PAUSE_LIMITS, plural, type LinkSettings, type Me, type Membership } from '../../lib/model.ts';
import { endMinute, pausedUntil } from '../pause-after.ts';
import '../pauses.css';

/** The hours offered at first: a day. */
const SUGGESTED_HOURS = 24;


export function pauseAllSetting(base: string, me: Me, membership: Membership, settings: LinkSettings): HTMLElement {
  const { domainName } = membership;
  const { minHours: min, maxHours: max } = PAUSE_LIMITS;
  const body = h('div', { id: 'pause-all-body' });
  // What happened, for screen readers; the notice shows it already, so only a failure is also seen.
  const status = h('p', { role: 'status', class: 'visually-hidden', id: 'pause-all-status' });
  const failure = h('p', { class: 'status notice error', id: 'pause-all-failure', hidden: true });
  let current: Pick<LinkSettings, 'pausedUntil' | 'pausedBy'> = settings;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const error = h('p', { class: 'field-error', id: 'pause-hours-error', hidden: true });
  const hours = h('input', {
    type: 'number',
    id: 'pause-hours',
    name: 'hours',
    min,
    max,
    step: 1,
    inputmode: 'numeric',
    value: String(SUGGESTED_HOURS),
    'aria-describedby': 'pause-hours-hint pause-hours-error',
  });
  const setError = (message?: string) => {
    render(error, message ?? '');
    error.hidden = !message;
    if (message) hours.setAttribute('aria-invalid', 'true');
    else hours.removeAttribute('aria-invalid');
  };
  /** The hours asked for, or undefined with the mistake at the box. */
  const readHours = (): number | undefined => {
    const text = hours.value.trim();
    const n = Number(text);
    const fine = /^\d+$/.test(text) && n >= min && n <= max;
    setError(fine ? undefined : `Hours: enter a whole number from ${min} to ${max}.`);
    return fine ? n : undefined;
  };
  hours.addEventListener('input', () => hours.getAttribute('aria-invalid') === 'true' && readHours());
  let asked = SUGGESTED_HOURS;

  const confirm = confirmDialog({
    id: 'confirm-pause-all',
    title: 'Pause all invite links?',
    body: () => [
      `Nobody can join ${domainName} through any invite link for ${plural(asked, 'hour')}, until ${endMinute(new Date(Date.now() + asked * 3_600_000).toISOString())}, or until an admin resumes them.`,
      'No link is revoked: when the pause ends every link works again. Invitations by email still work, and new links can still be made.',
    ],
    confirm: 'Pause all links',
    onConfirm: async () => {
      const saved = await api<LinkSettings>('POST', `${base}/settings/invite-links/pause`, { hours: asked });
      showState(saved, saved.pausedUntil ? `All links are paused. Nobody can join through a link until ${endMinute(saved.pausedUntil)}.` : undefined);
      document.getElementById('resume-all-links')?.focus();
    },
    failureMessage: (error) => messageOf(error),
  });

  const pauseButton = h('button', { type: 'submit', class: 'button danger', id: 'pause-all-links', 'aria-haspopup': 'dialog' }, 'Pause all links');
  /** Enter in the box or the button: the hours checked, then the confirmation. */
  const askToPause = (event: Event) => {
    event.preventDefault();
    const n = readHours();
    if (n === undefined) return hours.focus();
    asked = n;
    render(status);
    confirm.open();
  };

  const resumeButton = h('button', { type: 'button', class: 'button primary', id: 'resume-all-links' }, 'Resume all links');
  resumeButton.addEventListener('click', async () => {
    // aria-disabled while busy, not disabled: that would drop the focus to the page.
    if (resumeButton.getAttribute('aria-disabled') === 'true') return;
    resumeButton.setAttribute('aria-disabled', 'true');
    try {
      const saved = await api<LinkSettings>('POST', `${base}/settings/invite-links/resume`);
      showState(saved, `Resumed: every invite link of ${domainName} that was working before lets people join again.`);
      pauseButton.focus();
    } catch (error) {
      render(failure, messageOf(error));
      failure.hidden = false;
    } finally {
      resumeButton.removeAttribute('aria-disabled');
    }
  });

  const byWhom = (userId?: string) => (userId === me.userId ? ' by you' : userId ? ' by an admin' : '');

  function showState(next: Pick<LinkSettings, 'pausedUntil' | 'pausedBy'>, said?: string) {
    current = next;
    clearTimeout(timer);
    const until = pausedUntil(current);
    if (until) {
      render(
        body,
        h(
          'div',
          { class: 'notice paused-all', id: 'links-paused' },
          h('p', { class: 'paused-until' }, 'All links are paused until ', h('time', { datetime: until }, endMinute(until)), '.'),
          h('p', { class: 'small' }, `Paused${byWhom(current.pausedBy)}. Nobody can join ${domainName} through an invite link until then; no link was revoked.`),
          h('div', { class: 'actions start' }, resumeButton),
        ),
      );
      // The pause ends by itself: the page says so when it does.
      timer = setTimeout(() => showState({}, 'The pause is over: invite links let people join again.'), Date.parse(until) - Date.now() + 500);
    } else {
      render(
        body,
        h(
          'form',
          { novalidate: true, 'aria-labelledby': 'pause-all-title', onsubmit: askToPause },
          h('div', { class: 'pause-hours' }, h('label', { for: 'pause-hours' }, 'Pause all links for'), hours, h('span', {}, 'hours')),
          error,
          h('p', { class: 'hint', id: 'pause-hours-hint' }, `From ${min} to ${max} hours. You can resume them earlier.`),
          h('div', { class: 'actions start' }, pauseButton),
        ),
      );
    }
    status.textContent = said ?? '';
    failure.hidden = true;
  }
  showState(current);

  return h(
    'section',
    { class: 'card setting', 'aria-labelledby': 'pause-all-title' },
    h('h2', { id: 'pause-all-title' }, 'Pause all links'),
    h(
      'p',
      { class: 'hint' },
      'For a weekend, or while you find out where a link went: every invite link stops letting people in for a while. Unlike turning links off, nothing ends; when the pause is over, every link works again.',
    ),
    body,
    failure,
    status,
  );
}

const messageOf = (error: unknown) => (error instanceof ApiError ? `${error.title}. ${error.detail}` : 'Something went wrong. Try again.');

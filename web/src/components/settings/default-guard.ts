/**
 * Login Settings' guard for new links: whether a link made from now on pauses itself when more
 * people join at once than it should see ("more than 20 within 10 minutes"), or not at all. A link
 * takes it when made (the invite form starts from its numbers); links made before keep theirs.
 */
import { api, ApiError } from '../../lib/api.ts';
import { h } from '../../lib/dom.ts';
import type { LinkSettings, Membership, PauseAfter } from '../../lib/model.ts';
import { radio } from '../invite/choices.ts';
import { pauseAfterFields, pauseAfterWords, SUGGESTED_PAUSE } from '../pause-after.ts';
import '../pauses.css';

export function defaultGuardSetting(base: string, membership: Membership, settings: LinkSettings): HTMLElement {
  const { domainName } = membership;
  const status = h('p', { role: 'status', class: 'status', id: 'default-guard-status' });
  const numbers = pauseAfterFields('default-pause', settings.defaultPauseAfter ?? SUGGESTED_PAUSE);
  const choices = h(
    'fieldset',
    { class: 'choices', onchange: () => sync() },
    h('legend', {}, 'New links'),
    radio('defaultGuard', 'none', !settings.defaultPauseAfter, 'Don’t pause by themselves'),
    radio('defaultGuard', 'pause', Boolean(settings.defaultPauseAfter), 'Pause when many people join at once'),
    numbers.element,
  );
  const guarded = () => choices.querySelector<HTMLInputElement>('input[name=defaultGuard]:checked')?.value === 'pause';
  const sync = () => numbers.setEnabled(guarded());
  const current = h('p', { class: 'muted small', id: 'default-guard-current' });
  const showCurrent = (value: PauseAfter | null | undefined) =>
    (current.textContent = value ? `Now: a new link pauses if ${pauseAfterWords(value)}.` : 'Now: new links don’t pause by themselves.');

  const save = h('button', { type: 'submit', class: 'button primary', id: 'save-default-guard' }, 'Save the default');
  const form = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'default-guard-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (save.getAttribute('aria-disabled') === 'true') return;
        status.textContent = '';
        let defaultPauseAfter: PauseAfter | null = null;
        if (guarded()) {
          const { value, invalid } = numbers.read();
          if (!value) return invalid?.focus();
          defaultPauseAfter = value;
        }
        save.setAttribute('aria-disabled', 'true');
        try {
          const saved = await api<LinkSettings>('PUT', `${base}/settings/invite-links`, { defaultPauseAfter });
          showCurrent(saved.defaultPauseAfter);
          status.textContent = saved.defaultPauseAfter
            ? `Saved. Links made in ${domainName} from now on pause if ${pauseAfterWords(saved.defaultPauseAfter)}.`
            : `Saved. Links made in ${domainName} from now on don’t pause by themselves.`;
        } catch (failure) {
          if (!numbers.showApiError(failure, 'defaultPauseAfter')) status.textContent = failure instanceof ApiError ? `${failure.title}. ${failure.detail}` : 'Something went wrong. Try again.';
        } finally {
          save.removeAttribute('aria-disabled');
        }
      },
    },
    choices,
    h(
      'p',
      { class: 'hint', id: 'default-guard-hint' },
      'Every link made from now on gets it; whoever makes one may change the numbers for their link. Links made before keep theirs. A paused link lets nobody in until its maker or an admin resumes it, and its maker is emailed who joined.',
    ),
    current,
    h('div', { class: 'actions start' }, save),
  );
  sync();
  showCurrent(settings.defaultPauseAfter);
  return h(
    'section',
    { class: 'card setting', 'aria-labelledby': 'default-guard-title' },
    h('h2', { id: 'default-guard-title' }, 'Links that pause themselves'),
    form,
    status,
  );
}

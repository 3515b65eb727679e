/**
 * "Pause if more than [N] people join within [M] minutes": the two numbers of a link's guard, as
 * the invite form asks them for one link and Login Settings for every new link. Checked with the
 * API's limits first, so a mistake shows at its box, naming it; a refusal the API names one of
 * them for is shown there too. Beside them, how a pause of every link is said.
 */
import { ApiError } from '../lib/api.ts';
import { h, render } from '../lib/dom.ts';
import { formatDateTime, PAUSE_LIMITS, plural, type LinkSettings, type PauseAfter } from '../lib/model.ts';
import './pauses.css';

/** What the boxes hold before anyone chose: the example the product gives, "more than 20 within 10 minutes". */
export const SUGGESTED_PAUSE: PauseAfter = { joins: 20, withinMinutes: 10 };

/** "more than 20 people join within 10 minutes". */
export const pauseAfterWords = ({ joins, withinMinutes }: PauseAfter) => `more than ${plural(joins, 'person', 'people')} ${joins === 1 ? 'joins' : 'join'} within ${plural(withinMinutes, 'minute')}`;

const count = (n: number) => n.toLocaleString('en-GB');

/** When every link of the domain is paused until, or undefined when it is not (a time passed counts as not). */
export const pausedUntil = (settings: Pick<LinkSettings, 'pausedUntil'>): string | undefined =>
  settings.pausedUntil && Date.parse(settings.pausedUntil) > Date.now() ? settings.pausedUntil : undefined;

/** The minute a pause ends, rounded up (as the join page says it): never a minute that is still paused. */
export const endMinute = (iso: string) => formatDateTime(new Date(Math.ceil(Date.parse(iso) / 60_000) * 60_000).toISOString());

export function pauseAfterFields(prefix: string, initial: PauseAfter = SUGGESTED_PAUSE) {
  const box = (field: keyof PauseAfter, label: string, limits: { min: number; max: number }, value: number) => {
    const error = h('p', { class: 'field-error', id: `${prefix}-${field}-error`, hidden: true });
    const input = h('input', {
      type: 'number',
      id: `${prefix}-${field}`,
      name: field,
      min: limits.min,
      max: limits.max,
      step: 1,
      inputmode: 'numeric',
      value: String(value),
      'aria-label': label,
      'aria-describedby': error.id,
    });
    const setError = (message?: string) => {
      render(error, message ?? '');
      error.hidden = !message;
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    };
    /** The whole number in the box, or undefined with the mistake said under the sentence. */
    const read = (): number | undefined => {
      const text = input.value.trim();
      const n = Number(text);
      const fine = /^\d+$/.test(text) && n >= limits.min && n <= limits.max;
      setError(fine ? undefined : `${label}: enter a whole number from ${count(limits.min)} to ${count(limits.max)}.`);
      return fine ? n : undefined;
    };
    // Checked when asked, then as they type once found wrong.
    input.addEventListener('input', () => input.getAttribute('aria-invalid') === 'true' && read());
    return { input, error, setError, read };
  };
  const joins = box('joins', 'How many people', { min: PAUSE_LIMITS.minJoins, max: PAUSE_LIMITS.maxJoins }, initial.joins);
  const minutes = box('withinMinutes', 'Within how many minutes', { min: PAUSE_LIMITS.minWithinMinutes, max: PAUSE_LIMITS.maxWithinMinutes }, initial.withinMinutes);

  const sentence = h(
    'div',
    { class: 'pause-after' },
    h('span', {}, 'Pause if more than'),
    // Each number keeps its words on its line when the sentence wraps.
    h('span', { class: 'together' }, joins.input, h('span', {}, 'people join')),
    h('span', { class: 'together' }, h('span', {}, 'within'), minutes.input, h('span', {}, 'minutes')),
  );
  const element = h('div', { class: 'pause-after-field', id: `${prefix}-field` }, sentence, joins.error, minutes.error);

  /** Both numbers, or undefined with each mistake shown (the first box found wrong is returned to focus). */
  function read(): { value?: PauseAfter; invalid?: HTMLInputElement } {
    const j = joins.read();
    const m = minutes.read();
    if (j === undefined || m === undefined) return { invalid: j === undefined ? joins.input : minutes.input };
    return { value: { joins: j, withinMinutes: m } };
  }

  /** Shown enabled or not (a guard switched off keeps its numbers, greyed). */
  function setEnabled(enabled: boolean) {
    joins.input.disabled = !enabled;
    minutes.input.disabled = !enabled;
    element.classList.toggle('off', !enabled);
    if (!enabled) {
      joins.setError();
      minutes.setError();
    }
  }

  /** A 400 naming `<bodyField>.joins` or `<bodyField>.withinMinutes` is shown at that box; true when it was. */
  function showApiError(error: unknown, bodyField: string): boolean {
    if (!(error instanceof ApiError) || error.code !== 'INVALID_REQUEST' || !error.field?.startsWith(bodyField)) return false;
    const which = error.field.endsWith('withinMinutes') ? minutes : joins;
    which.setError(`The service says ${error.field === bodyField ? 'this' : 'this number'} ${error.fieldMessage}.`);
    which.input.focus();
    return true;
  }

  /** The numbers as typed so far, unchecked, for a summary: undefined while either is not a number. */
  function peek(): PauseAfter | undefined {
    const j = Number(joins.input.value);
    const m = Number(minutes.input.value);
    return Number.isInteger(j) && j > 0 && Number.isInteger(m) && m > 0 ? { joins: j, withinMinutes: m } : undefined;
  }

  return { element, read, setEnabled, showApiError, peek };
}

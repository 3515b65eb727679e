/** A refusal or failure inside the invite modal, in words: the API's title and detail, or "try again". */
import { ApiError } from '../../lib/api.ts';
import { h, type Child } from '../../lib/dom.ts';

export function errorNotice(error: unknown): HTMLElement {
  const text: Child =
    error instanceof ApiError
      ? error.code === 'LINKS_DISABLED'
        ? 'Invite links are turned off for this domain. An admin can turn them on in Login Settings.'
        : `${error.title}. ${error.detail}`
      : 'Something went wrong. Try again.';
  return h('div', { class: 'notice error', role: 'alert' }, h('p', {}, text));
}

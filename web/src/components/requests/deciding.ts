/**
 * Deciding requests, one or a hundred in one press: each approval or decline is its own request to
 * the API (each counts a use or writes a decision of its own), sent a few at a time so a hundred
 * finish quickly without a hundred requests in flight, each answer reported as it comes. Decline
 * first asks for an optional reason, which the declined person's email carries.
 */
import { api, ApiError } from '../../lib/api.ts';
import { modalDialog } from '../../lib/dialog.ts';
import { h, render } from '../../lib/dom.ts';
import { plural, type JoinRequest } from '../../lib/model.ts';
import { linkEndedText, type Outcome } from './requests-table.ts';

/** Requests in flight at once: enough that 100 approvals take seconds, few enough to stay clear of the API's throttle. */
export const DECISIONS_AT_ONCE = 6;
/** The API's ceiling on a decline's reason. */
const REASON_MAX_LENGTH = 500;

export type Decision = 'approve' | 'decline';

/** Runs `work` on every item, at most `limit` at a time, starting them in the list's order. */
export async function eachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What a refusal means for the row; `linkEnded` when the link died meanwhile (it can still be declined). */
export function refusal(decision: Decision, error: unknown): Outcome {
  const not = decision === 'approve' ? 'Not approved' : 'Not declined';
  if (!(error instanceof ApiError)) return { kind: 'refused', text: `${not}: the service could not be reached. Try again.`, settled: false };
  if (error.code === 'REQUEST_DECIDED') return { kind: 'refused', text: 'Already decided by someone else.', settled: true };
  if (error.status === 404) return { kind: 'refused', text: `${not}: this request is no longer there.`, settled: true };
  if (error.status === 410) return { kind: 'refused', text: `${not}: ${linkEndedText(error.code)}.`, settled: false, linkEnded: error.code };
  return { kind: 'refused', text: `${not}: ${error.detail || error.title}`, settled: false };
}

/**
 * Sends the decision for each request, a few at a time; `reported` gets each request's outcome as
 * its answer arrives.
 */
export async function decideAll(
  base: string,
  requests: readonly JoinRequest[],
  decision: Decision,
  reason: string | undefined,
  reported: (request: JoinRequest, outcome: Outcome) => void,
): Promise<void> {
  await eachAtMost(requests, DECISIONS_AT_ONCE, async (request) => {
    const path = `${base}/join-requests/${encodeURIComponent(request.requestId)}/${decision}`;
    try {
      await api('POST', path, decision === 'decline' ? (reason ? { reason } : {}) : undefined);
      reported(request, decision === 'approve' ? { kind: 'approved', text: 'Approved: a member now.', settled: true } : { kind: 'declined', text: 'Declined.', settled: true });
    } catch (error) {
      reported(request, refusal(decision, error));
    }
  });
}

/** The reason as the API takes it: one paragraph, no < or >, nothing invisible; a problem to say at the field, or the text (undefined when empty). */
function readReason(value: string): { problem?: string; reason?: string } {
  const text = value.replace(/\s+/g, ' ').trim();
  if (/[<>]/.test(text)) return { problem: 'A reason cannot contain < or >.' };
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(text)) return { problem: 'A reason cannot contain invisible or control characters.' };
  if (text.length > REASON_MAX_LENGTH) return { problem: `A reason has at most ${REASON_MAX_LENGTH} characters.` };
  return { reason: text || undefined };
}

/**
 * Asks before declining, with an optional reason: resolves with the reason (undefined for none)
 * when confirmed, or null when the person closed the dialog.
 */
export function askDeclineReason(requests: readonly JoinRequest[], domainName: string): Promise<string | undefined | null> {
  return new Promise((resolve) => {
    let answer: string | undefined | null = null;
    const one = requests.length === 1 ? requests[0] : undefined;
    const reasonField = h('textarea', { id: 'decline-reason', name: 'reason', rows: 3, maxlength: REASON_MAX_LENGTH, 'aria-describedby': 'decline-reason-hint decline-reason-error' });
    const error = h('p', { class: 'field-error', id: 'decline-reason-error', hidden: true });
    const cancel = h('button', { type: 'button', class: 'button', onclick: () => modal.close() }, 'Cancel');
    const confirm = h('button', { type: 'submit', class: 'button danger' }, one ? 'Decline request' : `Decline ${plural(requests.length, 'request')}`);
    const form = h(
      'form',
      {
        novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          const { problem, reason } = readReason(reasonField.value);
          render(error, problem ?? '');
          error.hidden = !problem;
          if (problem) {
            reasonField.setAttribute('aria-invalid', 'true');
            return reasonField.focus();
          }
          answer = reason;
          modal.close();
        },
      },
      h('h2', { id: 'decline-title' }, one ? `Decline ${one.firstName} ${one.lastName}'s request?` : `Decline ${plural(requests.length, 'request')}?`),
      h(
        'p',
        { id: 'decline-body' },
        `${one ? 'They get' : 'Each gets'} an email saying the request to join ${domainName} was declined, with your reason if you give one. Asking again through the same link is refused.`,
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'decline-reason' }, 'Reason ', h('span', { class: 'optional' }, '(optional)')),
        reasonField,
        h('p', { class: 'hint', id: 'decline-reason-hint' }, `Up to ${REASON_MAX_LENGTH} characters, sent in the email.`),
        error,
      ),
      h('div', { class: 'actions' }, cancel, confirm),
    );
    const modal = modalDialog(
      {
        id: 'decline-requests',
        labelledBy: 'decline-title',
        describedBy: 'decline-body',
        className: 'modal confirm',
        onClose: () => {
          modal.dialog.remove();
          resolve(answer);
        },
      },
      form,
    );
    modal.open(reasonField);
  });
}

/**
 * What makes a link safe to paste where others may find it, in the invite form: "Needs approval"
 * (people who open it ask to join, and its maker or an admin decides), and a guard that pauses the
 * link when more people join at once than it should see. Where the domain's admins set a guard for
 * every new link, the link has one, starting from theirs (the API gives a link without its own the
 * domain's); elsewhere it is a choice.
 */
import { h } from '../../lib/dom.ts';
import type { LinkSettings, Membership, PauseAfter } from '../../lib/model.ts';
import { pauseAfterFields, pauseAfterWords, SUGGESTED_PAUSE } from '../pause-after.ts';

/** The link's safety options as the request body takes them; what is left out is the API's default. */
export interface ChosenSafety {
  requireApproval?: true;
  pauseAfter?: PauseAfter;
}

export function linkSafety(settings: LinkSettings, membership: Membership) {
  const domainDefault = settings.defaultPauseAfter ?? undefined;

  const approval = h('input', { type: 'checkbox', id: 'link-approval', name: 'requireApproval', 'aria-describedby': 'link-approval-hint' });
  const approvalRow = h(
    'div',
    { class: 'safety-row' },
    h('div', { class: 'choice' }, approval, h('label', { for: 'link-approval' }, 'Needs approval')),
    h('p', { class: 'hint', id: 'link-approval-hint' }, 'People who open the link ask to join; you or an admin approve them.'),
  );

  // With a domain default every new link has a guard: no box to leave it off, only its numbers.
  const guard = domainDefault ? undefined : h('input', { type: 'checkbox', id: 'link-pause', name: 'pauseAfterOn', 'aria-describedby': 'link-pause-hint' });
  const guarded = () => !guard || guard.checked;
  const numbers = pauseAfterFields('link-pause', domainDefault ?? SUGGESTED_PAUSE);
  const guardRow = h(
    'div',
    { class: 'safety-row' },
    guard
      ? h('div', { class: 'choice' }, guard, h('label', { for: 'link-pause' }, 'Pause this link if many people join at once'))
      : h('p', { class: 'safety-title' }, 'Pauses if many people join at once'),
    h(
      'p',
      { class: 'hint', id: 'link-pause-hint' },
      domainDefault
        ? `${membership.domainName}’s admins set this for every new link; you can change the numbers for this one. A paused link lets nobody in until you or an admin resume it.`
        : 'A paused link lets nobody in until you or an admin resume it; you get an email saying who joined.',
    ),
    numbers.element,
  );
  const sync = () => numbers.setEnabled(guarded());
  guard?.addEventListener('change', sync);
  sync();

  /** The options for the request body, or undefined with the mistakes shown at their boxes. */
  function read(): ChosenSafety | undefined {
    let pauseAfter: PauseAfter | undefined;
    if (guarded()) {
      const { value } = numbers.read();
      if (!value) return undefined;
      pauseAfter = value;
    }
    return { ...(approval.checked ? { requireApproval: true } : {}), ...(pauseAfter ? { pauseAfter } : {}) };
  }

  /** "needs approval · pauses if more than 20 people join within 10 minutes", as chosen so far. */
  function describe(): string | null {
    const chosen = guarded() ? numbers.peek() : undefined;
    return [approval.checked ? 'needs approval' : null, chosen ? `pauses if ${pauseAfterWords(chosen)}` : null].filter((part) => part !== null).join(' · ') || null;
  }

  const section = h(
    'section',
    { class: 'link-safety', 'aria-labelledby': 'link-safety-title' },
    h('h3', { id: 'link-safety-title' }, 'Approval and pausing'),
    approvalRow,
    guardRow,
  );
  return { section, read, describe, showApiError: (error: unknown) => numbers.showApiError(error, 'pauseAfter') };
}

/**
 * The invite form, Copy first: what everyone joining through the new link gets (user type, primary
 * team or legacy group), then the optional settings, folded away (more teams, role groups, legacy
 * groups; the link's rules, link-rules.ts; approval and pausing, link-safety.ts), offering only
 * what the person may hand out; Copy link (and Share, where the browser has a share sheet) stays
 * in view below them. Pressed again with the same settings, it hands over the same link instead
 * of making another.
 */
import { api } from '../../lib/api.ts';
import { h, render } from '../../lib/dom.ts';
import type { CreatedLink, Directory, LinkSettings } from '../../lib/model.ts';
import { canShare, type MakeAndCopy, type Obtained } from './copying.ts';
import { grantFields, moreSettings } from './grant-fields.ts';
import { describeLink } from './link-words.ts';
import { linkRules } from './link-rules.ts';
import { linkSafety } from './link-safety.ts';
import { endMinute, pausedUntil } from '../pause-after.ts';

/** What the form needs of the links panel: making and handing over a link, and whether a link is still on the active list. */
export interface FormLinks {
  makeAndCopy: MakeAndCopy;
  isActive(linkId: string): Promise<boolean>;
}

/** The last link each person made from this form in each domain, with its settings: the same settings hand it over again while it is active. */
const lastMade = new Map<string, { settings: string; link: CreatedLink }>();

/** The link's configuration: user type, primary team or legacy group, the optional extras, and its rules. */
export function linkForm(directory: Directory, settings: LinkSettings, base: string, links: FormLinks): HTMLElement {
  const { me, membership } = directory;
  const grantChoice = grantFields(directory);

  const rules = linkRules(settings, membership);
  const safety = linkSafety(settings, membership);
  const more = moreSettings(
    'more-settings',
    'More teams, role groups, legacy groups; a label, how many people, how long it works, which email domains, signup emails; approval, pausing.',
    grantChoice.optional,
    rules.section,
    safety.section,
  );
  const result = h('div', { class: 'copy-result', role: 'status', 'aria-live': 'polite' });
  const copyButton = h('button', { type: 'submit', class: 'button primary', id: 'copy-link' }, 'Copy link');
  const shareButton = canShare() ? h('button', { type: 'button', class: 'button', id: 'share-link', onclick: () => hand(shareButton!, true) }, 'Share link') : null;
  const summary = h('p', { class: 'small link-summary', id: 'link-summary' });
  // Links can be made while every link is paused: they work once the pause ends.
  const until = pausedUntil(settings);
  const pausedNotice = until
    ? h('p', { class: 'notice paused-all', id: 'links-paused-notice' }, `Every invite link of ${membership.domainName} is paused until ${endMinute(until)}: a link made now works once the pause ends or an admin resumes links.`)
    : null;

  /** What the link gives, as the request body takes it. */
  const grant = grantChoice.read;
  const showSummary = (): void => render(summary, `New link: ${[describeLink(grant(), directory), rules.describe(), safety.describe()].filter(Boolean).join(' · ')}`);

  /** Makes the link and copies (or shares) it; the same settings as the last link made here hand that link over again. */
  function hand(button: HTMLButtonElement, share: boolean) {
    const chosenRules = rules.read();
    const chosenSafety = safety.read();
    if (!chosenRules || !chosenSafety) {
      more.open = true;
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const body = { ...grant(), ...chosenRules, ...chosenSafety };
    const settingsKey = JSON.stringify(body);
    const whose = `${me.userId} ${membership.domainId}`;
    const obtain = async (): Promise<Obtained> => {
      const before = lastMade.get(whose);
      if (before?.settings === settingsKey && Date.parse(before.link.expiresAt) > Date.now() && (await links.isActive(before.link.id))) return { link: before.link, again: true };
      const link = await api<CreatedLink>('POST', `${base}/invite-links`, body);
      lastMade.set(whose, { settings: settingsKey, link });
      return { link, again: false };
    };
    const showAtField = (error: unknown) => {
      const wasOpen = more.open;
      more.open = true;
      const shown = rules.showApiError(error) || safety.showApiError(error);
      more.open = shown || wasOpen;
      return shown;
    };
    void links.makeAndCopy(button, result, obtain, { share, showAtField });
  }

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'invite-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        hand(copyButton, false);
      },
      oninput: () => showSummary(),
      onchange: () => showSummary(),
      // Enter on a checkbox or radio is a choice being made, not "make the link now".
      onkeydown: (event: Event) => {
        const target = event.target;
        if (event instanceof KeyboardEvent && event.key === 'Enter' && target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) {
          event.preventDefault();
        }
      },
    },
    h('h3', {}, 'Link settings'),
    pausedNotice,
    h('p', { class: 'hint' }, 'Everyone who joins through this link gets these settings. Links cannot be changed; to change settings, make a new link.'),
    grantChoice.userType,
    grantChoice.primary,
    more,
    h('div', { class: 'invite-actions' }, summary, h('div', { class: 'actions' }, copyButton, shareButton)),
    result,
  );
  showSummary();
  return form;
}

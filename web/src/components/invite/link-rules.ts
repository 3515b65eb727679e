/**
 * The link's rules in the invite form, within what the domain allows: a label, how long it works,
 * how many people can join, which email domains may join, and whether to email its maker at each
 * signup. Checked here first, with the API's limits, so mistakes show at their field; a refusal
 * the API names a field for is shown there too.
 */
import { ApiError } from '../../lib/api.ts';
import { h, render } from '../../lib/dom.ts';
import { formatEmailDomainsInput, parseEmailDomains } from '../../lib/email-domains.ts';
import { atDomains, formatDuration, LINK_LIMITS, MEMBERSHIP_LIMITS, plural, type LinkSettings, type Membership } from '../../lib/model.ts';
import { radio } from './choices.ts';

type RuleField = 'label' | 'expiresInSeconds' | 'maxUses' | 'allowedEmailDomains' | 'membershipDays';
/** The rules as the request body takes them; what is left out is the API's default. */
export interface ChosenRules {
  label?: string;
  expiresInSeconds?: number;
  maxUses?: number;
  allowedEmailDomains?: string[];
  notifyCreator: boolean;
  membershipDays?: number;
}

/** Lifetimes offered when shorter than the domain's longest; the longest is always offered, and chosen (it is the API's default). */
const LIFETIME_PRESETS = [3_600, 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export /** The link's rules, within what the domain allows: label, life, uses, email domains, signup emails. */
function linkRules(settings: LinkSettings, membership: Membership) {
  const longest = settings.maxLinkLifetimeSeconds;
  const domainWide = settings.allowedEmailDomains;
  const fields = new Map<RuleField, { control: HTMLElement; setError: (message?: string) => void }>();

  /** A labelled control with its hint and its error, both read out with it. */
  const fieldRow = (field: RuleField, control: HTMLInputElement | HTMLSelectElement, label: string, hint?: string, optional = false) => {
    const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
    control.setAttribute('aria-describedby', [hint ? `${control.id}-hint` : '', error.id].filter(Boolean).join(' '));
    const setError = (message?: string) => {
      render(error, message ?? '');
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    };
    fields.set(field, { control, setError });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: control.id }, label, optional ? h('span', { class: 'optional' }, ' (optional)') : null),
      control,
      hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null,
      error,
    );
  };

  const labelInput = h('input', { type: 'text', id: 'link-label', name: 'label', maxlength: LINK_LIMITS.labelMaxLength, autocomplete: 'off' });
  const labelRow = fieldRow('label', labelInput, 'Label', 'Shown in the active links and in the email you get when someone joins, like “Spring interns”.', true);

  const lifetimes = [...LIFETIME_PRESETS.filter((s) => s >= LINK_LIMITS.minLifetimeSeconds && s < longest), longest];
  const lifeSelect = h(
    'select',
    { id: 'link-life', name: 'expiresInSeconds' },
    lifetimes.map((s) => h('option', { value: String(s), selected: s === longest }, s === longest ? `${formatDuration(s)} (the longest allowed)` : formatDuration(s))),
  );
  const lifeRow = fieldRow('expiresInSeconds', lifeSelect, 'Link works for', 'It stops working after this, however many people joined.');

  const maxUsesInput = h('input', { type: 'number', id: 'max-uses', name: 'maxUses', min: 1, max: LINK_LIMITS.maxUses, step: 1, inputmode: 'numeric', value: '10' });
  const maxUsesRow = fieldRow('maxUses', maxUsesInput, 'How many people can join', `From 1 to ${LINK_LIMITS.maxUses.toLocaleString('en-GB')}.`);
  const usesField = h(
    'fieldset',
    { class: 'choices', onchange: () => syncUses() },
    h('legend', {}, 'Uses'),
    radio('uses', 'unlimited', true, 'Unlimited', 'until the link expires'),
    radio('uses', 'limited', false, 'A set number of people'),
    maxUsesRow,
  );
  const limited = () => usesField.querySelector<HTMLInputElement>('input[name=uses]:checked')?.value === 'limited';
  const syncUses = () => {
    maxUsesRow.hidden = !limited();
    if (!limited()) fields.get('maxUses')!.setError();
  };

  const domainsInput = h('input', { type: 'text', id: 'link-email-domains', name: 'allowedEmailDomains', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', inputmode: 'email' });
  const domainsRow = fieldRow(
    'allowedEmailDomains',
    domainsInput,
    'Only for emails at',
    domainWide.length
      ? `${membership.domainName} admits only ${atDomains(domainWide)} emails. Name some of them to narrow this link, or leave it empty for all of them.`
      : 'Email domains, separated by commas, like example.com, example.org. Leave it empty for anyone with the link.',
    true,
  );
  const daysInput = h('input', { type: 'number', id: 'link-membership-days', name: 'membershipDays', min: MEMBERSHIP_LIMITS.minDays, max: MEMBERSHIP_LIMITS.maxDays, step: 1, inputmode: 'numeric' });
  const daysRow = fieldRow(
    'membershipDays',
    daysInput,
    'Membership ends after N days',
    `For contractors and guests: each person who joins is removed that many days later (${MEMBERSHIP_LIMITS.minDays} to ${MEMBERSHIP_LIMITS.maxDays}), and emailed three days before. Leave it empty for memberships that do not end.`,
    true,
  );
  const notify = h('input', { type: 'checkbox', id: 'link-notify', name: 'notifyCreator', checked: true, 'aria-describedby': 'link-notify-hint' });
  const notifyRow = h(
    'div',
    { class: 'notify-row' },
    h('div', { class: 'choice' }, notify, h('label', { for: 'link-notify' }, 'Email me when someone joins')),
    h('p', { class: 'hint', id: 'link-notify-hint' }, 'One email for each person, naming the address they joined with.'),
  );

  function readDomains(tidy = true): string[] | undefined {
    const parsed = parseEmailDomains(domainsInput.value);
    const setError = fields.get('allowedEmailDomains')!.setError;
    if (!parsed.ok) return void setError(parsed.problem);
    const outside = domainWide.length ? parsed.domains.filter((d) => !domainWide.includes(d)) : [];
    if (outside.length) return void setError(`${membership.domainName} admits only ${atDomains(domainWide)} emails, so ${atDomains(outside)} cannot join. Leave it out.`);
    setError();
    if (tidy) domainsInput.value = formatEmailDomainsInput(parsed.domains);
    return parsed.domains;
  }
  function checkLabel(): string {
    const label = labelInput.value.trim();
    fields.get('label')!.setError(
      label.length > LINK_LIMITS.labelMaxLength
        ? `A label has at most ${LINK_LIMITS.labelMaxLength} characters.`
        : /[<>]/.test(label) || INVISIBLE_OR_CONTROL.test(label)
          ? 'A label cannot contain < or >, or invisible characters.'
          : undefined,
    );
    return label;
  }
  function checkUses(): number {
    const maxUses = Number(maxUsesInput.value);
    const fine = !limited() || (/^\d+$/.test(maxUsesInput.value.trim()) && maxUses >= 1 && maxUses <= LINK_LIMITS.maxUses);
    fields.get('maxUses')!.setError(fine ? undefined : `Enter a whole number from 1 to ${LINK_LIMITS.maxUses.toLocaleString('en-GB')}.`);
    return maxUses;
  }
  function checkDays(): number | undefined {
    const text = daysInput.value.trim();
    const days = Number(text);
    const fine = text === '' || (/^\d+$/.test(text) && days >= MEMBERSHIP_LIMITS.minDays && days <= MEMBERSHIP_LIMITS.maxDays);
    fields.get('membershipDays')!.setError(fine ? undefined : `Enter a whole number of days from ${MEMBERSHIP_LIMITS.minDays} to ${MEMBERSHIP_LIMITS.maxDays}, or leave it empty.`);
    return text === '' ? undefined : days;
  }
  // Checked on Copy, then as they type once found wrong; not on blur, which would move the Copy button away from a pointer about to press it.
  const recheck = (control: HTMLElement, check: () => unknown) =>
    control.addEventListener('input', () => control.getAttribute('aria-invalid') === 'true' && check());
  recheck(labelInput, checkLabel);
  recheck(maxUsesInput, checkUses);
  recheck(daysInput, checkDays);
  recheck(domainsInput, () => readDomains(false));

  /** The rules for the request body, or undefined (with the mistakes shown at their fields, the first focused). */
  function read(): ChosenRules | undefined {
    const label = checkLabel();
    const maxUses = checkUses();
    const domains = readDomains();
    const membershipDays = checkDays();
    const invalid = (['label', 'maxUses', 'allowedEmailDomains', 'membershipDays'] as const).find((f) => fields.get(f)!.control.getAttribute('aria-invalid') === 'true');
    if (invalid) {
      fields.get(invalid)!.control.focus();
      return undefined;
    }
    const life = Number(lifeSelect.value);
    return {
      ...(label ? { label } : {}),
      // The longest is the API's default: left out, so a link never asks for more than the domain allows now.
      ...(life !== longest ? { expiresInSeconds: life } : {}),
      ...(limited() ? { maxUses } : {}),
      ...(domains?.length ? { allowedEmailDomains: domains } : {}),
      notifyCreator: notify.checked,
      ...(membershipDays !== undefined ? { membershipDays } : {}),
    };
  }

  /** A 400 naming one of these fields is shown at it; true when it was. */
  function showApiError(error: unknown): boolean {
    if (!(error instanceof ApiError) || error.code !== 'INVALID_REQUEST' || !error.field) return false;
    const field = fields.get(error.field.replace(/[[.].*$/, '') as RuleField);
    if (!field) return false;
    field.setError(`The service says this ${error.fieldMessage}.`);
    field.control.focus();
    return true;
  }

  /** The rules in a few words, as chosen so far (not checked): "works 7 days · unlimited uses". */
  function describe(): string {
    const label = labelInput.value.trim();
    const uses = Number(maxUsesInput.value);
    const domains = parseEmailDomains(domainsInput.value);
    return [
      label ? `“${label}”` : null,
      `works ${formatDuration(Number(lifeSelect.value))}`,
      !limited() ? 'unlimited uses' : Number.isInteger(uses) && uses >= 1 ? `${plural(uses, 'person', 'people')} at most` : null,
      domains.ok && domains.domains.length ? `only ${atDomains(domains.domains)} emails` : null,
      notify.checked ? null : 'no signup emails',
      /^\d+$/.test(daysInput.value.trim()) ? `memberships end after ${plural(Number(daysInput.value.trim()), 'day')}` : null,
    ]
      .filter((part) => part !== null)
      .join(' · ');
  }

  const section = h(
    'section',
    { class: 'link-rules', 'aria-labelledby': 'link-rules-title' },
    h('h3', { id: 'link-rules-title' }, 'Limits and emails'),
    h('div', { class: 'rules-grid' }, labelRow, lifeRow, usesField, domainsRow, daysRow),
    notifyRow,
  );
  syncUses();
  return { section, read, describe, showApiError };
}

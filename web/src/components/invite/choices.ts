/** The invite form's choices: a radio button, and a fieldset of optional checkboxes; each input with a label of its own. */
import { h, uid, type Child } from '../../lib/dom.ts';

export function radio(name: string, value: string, checked: boolean, label: string, hint?: string): HTMLElement {
  const id = uid(name);
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', id, name, value, checked }),
    h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, ` — ${hint}`) : null),
  );
}

export function checkboxes(name: string, legend: string, items: { id: string; name: string }[], note?: string): HTMLElement {
  const children: Child[] = items.map((item) => {
    const id = uid(name);
    return h('div', { class: 'choice' }, h('input', { type: 'checkbox', id, name, value: item.id }), h('label', { for: id }, item.name));
  });
  return h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, legend, ' ', h('span', { class: 'optional' }, '(optional)')),
    items.length === 0 ? h('p', { class: 'muted small' }, 'None to choose from.') : children,
    note ? h('p', { class: 'hint' }, note) : null,
  );
}

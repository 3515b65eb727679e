/**
 * Modal dialogs on the native <dialog>: showModal() makes the page behind inert and Escape closes
 * it; on top of that Tab and Shift+Tab wrap inside the dialog (instead of leaving for the browser's
 * own controls), a click or tap on the backdrop closes it, and closing gives focus back to whatever
 * opened it.
 */
import { h, render, type Child } from './dom.ts';

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** What Tab can reach inside `root`, in order: enabled, shown, and for a radio group only its checked (or first) radio. */
export function tabbables(root: Element): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => {
    if ((el as HTMLInputElement).disabled || el.closest('[hidden], [inert]') || el.getClientRects().length === 0) return false;
    if (el instanceof HTMLInputElement && el.type === 'radio' && el.name) {
      const group = Array.from(root.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${CSS.escape(el.name)}"]`)).filter((r) => !r.disabled);
      const checked = group.find((r) => r.checked);
      return checked ? checked === el : group[0] === el;
    }
    return true;
  });
}

/** Keeps Tab and Shift+Tab inside the dialog, wrapping at either end. */
export function trapFocus(dialog: HTMLDialogElement): void {
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = tabbables(dialog);
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return event.preventDefault();
    const active = document.activeElement;
    const inside = active instanceof Node && dialog.contains(active) && active !== dialog;
    if (event.shiftKey && (active === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });
}

/** A click or tap outside the dialog's box (on its backdrop, which belongs to the dialog) closes it. */
export function closeOnOutsideClick(dialog: HTMLDialogElement): void {
  dialog.addEventListener('click', (event) => {
    // A click from the keyboard (Enter or Space on a control) targets the control and has no position.
    if (event.target !== dialog || (event.clientX === 0 && event.clientY === 0 && event.detail === 0)) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close();
  });
}

export interface DialogOptions {
  id: string;
  /** The id of the element naming the dialog (its heading). */
  labelledBy: string;
  describedBy?: string;
  className?: string;
  /** After the dialog closed and focus went back. */
  onClose?: () => void;
}

export interface ModalDialog {
  dialog: HTMLDialogElement;
  /** Opens the dialog and focuses `focus`, or else its first control. */
  open(focus?: HTMLElement): void;
  close(): void;
}

export function modalDialog(options: DialogOptions, ...children: Child[]): ModalDialog {
  let opener: Element | null = null;
  const dialog = h(
    'dialog',
    { id: options.id, class: options.className ?? 'modal', 'aria-labelledby': options.labelledBy, 'aria-describedby': options.describedBy },
    ...children,
  );
  trapFocus(dialog);
  closeOnOutsideClick(dialog);
  dialog.addEventListener('close', () => {
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    opener = null;
    options.onClose?.();
  });
  return {
    dialog,
    open(focus) {
      opener = document.activeElement;
      if (!dialog.isConnected) document.body.append(dialog);
      dialog.showModal();
      (focus ?? tabbables(dialog)[0])?.focus();
    },
    close: () => dialog.close(),
  };
}

export interface ConfirmOptions {
  id: string;
  title: string;
  /** What the dialog says; a function is asked again each time the dialog opens. */
  body: Child[] | (() => Child[]);
  confirm: string;
  /** `primary` for a confirmation that gives something back rather than taking it away. */
  tone?: 'danger' | 'primary';
  /** Throwing keeps the dialog open and shows `failureMessage(error)` in it. */
  onConfirm: () => Promise<void>;
  failureMessage?: (error: unknown) => Child;
  onClose?: () => void;
}

/** A modal confirmation: Cancel is focused first, so Enter never destroys anything by accident. */
export function confirmDialog(options: ConfirmOptions): ModalDialog {
  const failure = h('div', { class: 'form-error', role: 'alert', id: `${options.id}-error` });
  const cancel = h('button', { type: 'button', class: 'button', onclick: () => modal.close() }, 'Cancel');
  const confirm = h('button', { type: 'button', class: `button ${options.tone ?? 'danger'}` }, options.confirm);
  confirm.addEventListener('click', async () => {
    if (confirm.disabled) return;
    confirm.disabled = true;
    render(failure);
    try {
      await options.onConfirm();
      modal.close();
    } catch (error) {
      render(failure, options.failureMessage?.(error) ?? 'Something went wrong. Try again.');
    } finally {
      confirm.disabled = false;
    }
  });
  const body = h('div', { id: `${options.id}-body` });
  const say = () => {
    const parts = typeof options.body === 'function' ? options.body() : options.body;
    render(body, parts.map((text) => (typeof text === 'string' ? h('p', {}, text) : text)));
  };
  say();
  const modal = modalDialog(
    { id: options.id, labelledBy: `${options.id}-title`, describedBy: `${options.id}-body`, className: 'modal confirm', onClose: options.onClose },
    h('h2', { id: `${options.id}-title` }, options.title),
    body,
    failure,
    h('div', { class: 'actions' }, cancel, confirm),
  );
  return {
    ...modal,
    open: () => {
      render(failure);
      say();
      modal.open(cancel);
    },
  };
}

/**
 * The Users page's "Removed, can't rejoin" section, for domain admins only: the people an admin
 * removed who may not join again through a link, a page at a time, each with when and by whom, and
 * "Allow to rejoin" behind a short confirmation, after which their row goes. Shown only once
 * someone is kept out; emptied while on show, it says so quietly.
 */
import { api, ApiError } from '../lib/api.ts';
import { confirmDialog } from '../lib/dialog.ts';
import { h, render } from '../lib/dom.ts';
import { pagedList, type PagedList } from '../lib/paging.ts';
import { formatDate, formatDateTime, type Membership, type Page, type RemovedMember } from '../lib/model.ts';

export interface RemovedMembers {
  section: HTMLElement;
  /** Shows the list from its first page (or `firstPage`, already on its way). */
  refresh(firstPage?: Promise<Page<RemovedMember>>): Promise<void>;
  /** Names the admins who removed people again, once more of the users list is in. */
  nameAdmins(): void;
}

export interface RemovedMembersOptions {
  /** `/v1/domains/{domainId}` */
  base: string;
  membership: Membership;
  /** The email of the admin with this userId, where the page knows it. */
  adminEmail: (userId: string) => string | undefined;
  announce: (text: string) => void;
}

const fullName = (m: RemovedMember) => `${m.firstName} ${m.lastName}`;

export function removedMembers({ base, membership, adminEmail, announce }: RemovedMembersOptions): RemovedMembers {
  const { domainName } = membership;
  const title = h('h2', { id: 'removed-members-title', tabindex: '-1' }, 'Removed, can’t rejoin');
  const body = h('div', { id: 'removed-members-list' });
  const section = h(
    'section',
    { class: 'removed-members', id: 'removed-members', 'aria-labelledby': 'removed-members-title', hidden: true },
    title,
    h('p', { class: 'muted' }, `They can’t join ${domainName} again through an invite link until an admin allows it.`),
    body,
  );
  let list: PagedList<RemovedMember> = { items: [], more: null };
  let showing = 0;

  // The remover's email as it was then, else as the page knows them now.
  const byWhom = (userId: string, then?: string) => then ?? adminEmail(userId) ?? 'an admin';
  const show = () => {
    const { items, more } = list;
    // Nobody kept out when the page opened: nothing to say. Emptied on this page: the heading stays, to land on.
    if (items.length === 0 && !more && section.hidden) return;
    section.hidden = false;
    render(body, items.length ? h('div', { class: 'table-wrap' }, table(items)) : h('p', { class: 'muted', id: 'removed-members-none' }, `Nobody is kept out of ${domainName} now.`), more);
  };

  const table = (items: RemovedMember[]) =>
    h(
      'table',
      { class: 'users removed' },
      h('caption', { class: 'visually-hidden' }, `People removed from ${domainName} who can’t rejoin`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Removed'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h(
        'tbody',
        {},
        items.map((m) =>
          h(
            'tr',
            { 'data-removed-email': m.email },
            h('th', { scope: 'row' }, h('span', { class: 'name' }, fullName(m)), h('span', { class: 'email' }, m.email)),
            h(
              'td',
              { 'data-label': 'Removed' },
              h('time', { datetime: m.removedAt, title: formatDateTime(m.removedAt) }, formatDate(m.removedAt)),
              m.removedBy === undefined
                ? ' when their membership ended'
                : [' by ', h('span', { class: 'removed-by', 'data-user-id': m.removedBy, ...(m.removedByEmail ? { 'data-removed-by-email': m.removedByEmail } : {}) }, byWhom(m.removedBy, m.removedByEmail))],
            ),
            h(
              'td',
              { class: 'row-actions' },
              h('button', { type: 'button', class: 'button small allow-rejoin', 'aria-haspopup': 'dialog', 'aria-label': `Allow to rejoin: ${fullName(m)}`, onclick: () => allow(m) }, 'Allow to rejoin'),
            ),
          ),
        ),
      ),
    );

  function allow(person: RemovedMember) {
    const name = fullName(person);
    let allowed = false;
    const confirm = confirmDialog({
      id: 'allow-rejoin',
      title: `Let ${name} join ${domainName} again?`,
      body: [`${name} (${person.email}) can then join ${domainName} through any invite link that works, like anyone else who has one. They are not added back until they do.`],
      confirm: 'Allow to rejoin',
      tone: 'primary',
      onConfirm: async () => {
        await api('POST', `${base}/removed-members/allow-rejoin`, { email: person.email });
        allowed = true;
      },
      failureMessage: (error) => refusal(error, name),
      onClose: () => {
        confirm.dialog.remove();
        if (allowed) dropRow(person, name);
      },
    });
    confirm.open();
  }

  function dropRow(person: RemovedMember, name: string) {
    const at = list.items.findIndex((m) => m.email === person.email);
    const next = list.items[at + 1] ?? list.items[at - 1];
    if (at >= 0) list.items.splice(at, 1);
    show();
    const button = next ? body.querySelector<HTMLElement>(`tr[data-removed-email="${CSS.escape(next.email)}"] .allow-rejoin`) : null;
    (button ?? title).focus();
    announce(`${name} can join ${domainName} again through an invite link.`);
  }

  function refusal(error: unknown, name: string): string {
    if (!(error instanceof ApiError)) return 'Something went wrong. Try again.';
    if (error.code === 'NOT_FOUND') return `${name} is no longer kept out of ${domainName}: another admin may have allowed them already. Reload the page for the current list.`;
    if (error.code === 'FORBIDDEN') return `Only admins of ${domainName} can let people rejoin, and the service says you are not one now. Reload the page to see what you can do.`;
    return `${error.title}. ${error.detail}`.trim();
  }

  return {
    section,
    async refresh(firstPage) {
      const mine = ++showing;
      try {
        await pagedList<RemovedMember>(
          `${base}/removed-members`,
          (next) => {
            if (mine !== showing) return; // a newer refresh has taken over
            list = next;
            show();
          },
          firstPage,
        );
      } catch {
        if (mine !== showing) return;
        section.hidden = false;
        render(body, h('p', { class: 'muted' }, 'Who is kept out could not be loaded just now. Reload the page to see them.'));
      }
    },
    nameAdmins() {
      for (const span of Array.from(body.querySelectorAll<HTMLElement>('.removed-by'))) span.textContent = byWhom(span.dataset.userId ?? '', span.dataset.removedByEmail);
    },
  };
}

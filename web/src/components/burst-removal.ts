/**
 * The Users page filtered by a link (`?inviteLinkId=`, where the email about a paused link
 * points): whose list it is, and for admins the one action that undoes a burst, "Remove everyone
 * who joined through this link since <time>". It ticks those rows (the time starts where the
 * burst began: the link's pause less its window, or the address's `since`), asks once, then
 * removes each person with the ordinary removal and says in each row what became of them.
 */
import { api, ApiError } from '../lib/api.ts';
import { confirmDialog } from '../lib/dialog.ts';
import { h, render } from '../lib/dom.ts';
import { formatDateTime, plural, type Directory, type InviteLink, type Member, type Page } from '../lib/model.ts';
import { pauseAfterWords } from './pause-after.ts';
import { fullName, type RowSelection } from './users-table.ts';
import './pauses.css';

/** Removals sent at once: enough to be quick, few enough not to crowd the API. */
const AT_ONCE = 4;

/** The link this page is filtered by, when the address names one for this domain; otherwise the address forgets it. */
export function linkFilter(domainId: string): string | undefined {
  const url = new URL(location.href);
  const linkId = url.searchParams.get('inviteLinkId') ?? undefined;
  const forDomain = url.searchParams.get('domain');
  if (!linkId || !forDomain || forDomain === domainId) return linkId;
  url.searchParams.delete('inviteLinkId');
  url.searchParams.delete('since');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return undefined;
}

export interface BurstRemovalOptions {
  base: string;
  directory: Directory;
  linkId: string;
  /** The users listed now. */
  listed(): Member[];
  /** Every user of the filtered list, shown at once (the action needs them all). */
  showAll(members: Member[]): void;
  /** The table drawn again, with the ticks and results as they are now. */
  redraw(): void;
  lastAdmin(m: Member): boolean;
  /** Someone was removed (and is kept out): the page's other lists may show them. */
  removedSome(): void;
  announce(text: string): void;
}

type Outcome = { removed: boolean; text: string };

export function burstRemoval(options: BurstRemovalOptions) {
  const { base, directory, linkId } = options;
  const { me, membership } = directory;
  const usersPath = `${base}/users?inviteLinkId=${encodeURIComponent(linkId)}`;
  const selected = new Set<string>();
  const outcomes = new Map<string, Outcome>();
  let link: InviteLink | undefined;
  let busy = false;

  const selection: RowSelection = {
    selectable: (m) => membership.isAdmin && m.userId !== me.userId && !options.lastAdmin(m) && !outcomes.get(m.userId)?.removed,
    isSelected: (m) => selected.has(m.userId),
    toggle(m, on) {
      if (on) selected.add(m.userId);
      else selected.delete(m.userId);
      showSelected();
    },
    outcome: (m) => outcomes.get(m.userId),
  };

  const sinceInput = h('input', { type: 'datetime-local', id: 'burst-since', name: 'since', step: 60, 'aria-describedby': 'burst-since-hint' });
  const removeSince = h('button', { type: 'button', class: 'button danger', id: 'remove-burst', 'aria-haspopup': 'dialog' }, 'Remove everyone who joined through this link');
  const removeSelected = h('button', { type: 'button', class: 'button', id: 'remove-selected', 'aria-haspopup': 'dialog', hidden: true });
  const status = h('p', { role: 'status', class: 'status', id: 'burst-status' });
  const about = h('p', { class: 'muted', id: 'burst-link' });

  const linkName = () => (link?.label ? `“${link.label}”` : 'this link');
  const since = (): Date | undefined => (sinceInput.value ? new Date(sinceInput.value) : undefined);
  const sinceWords = () => {
    const at = since();
    return at && !Number.isNaN(at.getTime()) ? ` since ${formatDateTime(at.toISOString())}` : '';
  };
  const showSince = () => (removeSince.textContent = `Remove everyone who joined through this link${sinceWords()}`);
  sinceInput.addEventListener('input', showSince);
  function showSelected() {
    removeSelected.hidden = selected.size === 0;
    removeSelected.textContent = `Remove the ${plural(selected.size, 'person', 'people')} ticked`;
  }

  const confirm = confirmDialog({
    id: 'confirm-remove-burst',
    title: 'Remove these people?',
    body: () => {
      const people = options.listed().filter((m) => selected.has(m.userId));
      return [
        `${plural(people.length, 'person', 'people')} who joined ${membership.domainName} through ${linkName()}${sinceWords()} ${people.length === 1 ? 'is' : 'are'} removed, one by one:`,
        h('ul', { class: 'burst-people' }, people.slice(0, 8).map((m) => h('li', {}, `${fullName(m)} (${m.email})`)), people.length > 8 ? h('li', {}, `and ${plural(people.length - 8, 'more')}`) : null),
        'They can’t join again through a link until an admin allows it. Their accounts stay; only their membership here ends.',
      ];
    },
    confirm: 'Remove them',
    onConfirm: async () => {
      void removeTicked();
    },
  });


  /** Ticks everyone listed who joined at or after the time (all pages of the list first), then asks. */
  async function pickSince() {
    if (busy) return;
    const at = since();
    if (at && Number.isNaN(at.getTime())) return sinceInput.focus();
    busy = true;
    try {
      options.showAll(await everyone());
    } catch (error) {
      status.textContent = messageOf(error);
      return;
    } finally {
      busy = false;
    }
    selected.clear();
    for (const m of options.listed()) {
      const joined = m.joinedVia?.at ? Date.parse(m.joinedVia.at) : NaN;
      if (selection.selectable(m) && (!at || joined >= at.getTime())) selected.add(m.userId);
    }
    showSelected();
    options.redraw();
    if (selected.size === 0) return void (status.textContent = `Nobody who can be removed joined through ${linkName()}${sinceWords()}.`);
    status.textContent = `${plural(selected.size, 'person', 'people')} ticked.`;
    confirm.open();
  }

  async function everyone(): Promise<Member[]> {
    const all: Member[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<Member> = await api<Page<Member>>('GET', `${usersPath}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** Removes the ticked people, a few at a time, each row saying what became of its person. */
  async function removeTicked() {
    const queue = options.listed().filter((m) => selected.has(m.userId));
    let removed = 0;
    busy = true;
    status.textContent = `Removing ${plural(queue.length, 'person', 'people')}…`;
    const next = async (): Promise<void> => {
      const m = queue.shift();
      if (!m) return;
      const outcome = await removeOne(m);
      outcomes.set(m.userId, outcome);
      if (outcome.removed) removed += 1;
      selected.delete(m.userId);
      options.redraw();
      return next();
    };
    const total = queue.length;
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, total) }, next));
    busy = false;
    showSelected();
    if (removed) options.removedSome();
    const said = removed === total ? `Removed ${plural(removed, 'person', 'people')} from ${membership.domainName}.` : `Removed ${removed} of ${total}: the rows say why the others were not.`;
    status.textContent = said;
    options.announce(said);
  }

  async function removeOne(m: Member): Promise<Outcome> {
    try {
      await api('DELETE', `${base}/users/${encodeURIComponent(m.userId)}`);
      return { removed: true, text: 'Removed' };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NOT_FOUND') return { removed: true, text: 'Removed already' };
      if (error instanceof ApiError && error.code === 'LAST_ADMIN') return { removed: false, text: 'Not removed: the only admin' };
      return { removed: false, text: `Not removed: ${error instanceof ApiError ? error.title : 'something went wrong, try again'}` };
    }
  }

  removeSince.addEventListener('click', () => void pickSince());
  removeSelected.addEventListener('click', () => {
    status.textContent = '';
    confirm.open();
  });

  const section = h(
    'section',
    { class: 'card burst', id: 'burst', 'aria-labelledby': 'burst-title' },
    h('h2', { id: 'burst-title' }, 'People who joined through one link'),
    about,
    h('p', { class: 'small' }, h('a', { href: `/users?domain=${encodeURIComponent(membership.domainId)}` }, 'Show everyone')),
    membership.isAdmin
      ? h(
          'div',
          { class: 'burst-actions' },
          h('div', { class: 'field' }, h('label', { for: 'burst-since' }, 'Joined since'), sinceInput),
          h('p', { class: 'hint', id: 'burst-since-hint' }, 'Your own time. Leave it empty for everyone who joined through the link.'),
          h('div', { class: 'actions start' }, removeSince, removeSelected),
        )
      : h('p', { class: 'hint' }, `Only an admin of ${membership.domainName} can remove them: ask one if they should not be here.`),
    status,
  );

  /** What the page knows of the link: its label, and when it paused, which is where the burst's time starts. */
  async function load(): Promise<void> {
    link = await findLink().catch(() => undefined);
    const fromAddress = new URLSearchParams(location.search).get('since');
    const start = fromAddress && !Number.isNaN(Date.parse(fromAddress)) ? fromAddress : burstStart(link);
    if (start) sinceInput.value = localInput(start);
    render(
      about,
      link ? ['Through ', h('strong', {}, linkName()), ` from ${link.createdByEmail}`] : 'Through a link that no longer works (revoked, expired or used up)',
      link?.pausedAt ? [' · paused ', h('time', { datetime: link.pausedAt }, formatDateTime(link.pausedAt)), link.pauseAfter ? ` (it pauses when ${pauseAfterWords(link.pauseAfter)})` : null] : null,
      '.',
    );
    showSince();
  }

  /** The active links, a page at a time, until this one (a paused link is still among them). */
  async function findLink(): Promise<InviteLink | undefined> {
    let cursor: string | undefined;
    do {
      const page: Page<InviteLink> = await api<Page<InviteLink>>('GET', `${base}/invite-links?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const found = page.items.find((l) => l.id === linkId);
      if (found) return found;
      cursor = page.nextCursor;
    } while (cursor);
    return undefined;
  }

  showSelected();
  return { section, selection, load };
}

/** Where a burst began: the link's pause less the window its guard watches. */
function burstStart(link?: InviteLink): string | undefined {
  if (!link?.pausedAt) return undefined;
  const windowMs = (link.pauseAfter?.withinMinutes ?? 0) * 60_000;
  return new Date(Date.parse(link.pausedAt) - windowMs).toISOString();
}

/** An ISO time as a datetime-local box holds it: the reader's own time, to the minute (rounded down, so the burst's first joiner is in). */
function localInput(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

const messageOf = (error: unknown) => (error instanceof ApiError ? `${error.title}. ${error.detail}` : 'Something went wrong. Try again.');

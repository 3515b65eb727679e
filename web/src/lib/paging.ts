/**
 * Lists come a page at a time: "Load more" fetches the next page, and does so by itself when the
 * button scrolls into view, so people who scroll never have to press it and keyboard users can.
 */
import { api } from './api.ts';
import { h } from './dom.ts';
import type { Page } from './model.ts';

export interface PagedList<T> {
  items: T[];
  /** The "Load more" button, or nothing once the last page is in. */
  more: HTMLElement | null;
}

/**
 * Loads the first page of `path` (or takes `firstPage`, already on its way), then calls `show` with
 * everything loaded so far each time another page arrives. `path` may carry a query; the cursor is
 * added to it.
 */
export async function pagedList<T>(path: string, show: (list: PagedList<T>) => void, firstPage?: Promise<Page<T>>): Promise<void> {
  const items: T[] = [];
  const withCursor = (cursor?: string) => (cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path);
  let observer: IntersectionObserver | undefined;
  const load = async (cursor?: string, given?: Promise<Page<T>>) => {
    const page = await (given ?? api<Page<T>>('GET', withCursor(cursor)));
    items.push(...page.items);
    observer?.disconnect();
    if (!page.nextCursor) return show({ items, more: null });
    const button = h('button', { type: 'button', class: 'button load-more' }, 'Load more');
    button.addEventListener('click', () => {
      if (button.disabled) return;
      button.disabled = true;
      button.textContent = 'Loading…';
      void load(page.nextCursor).catch(() => {
        button.disabled = false;
        button.textContent = 'Load more (that did not work: try again)';
      });
    });
    show({ items, more: h('div', { class: 'load-more-row' }, button) });
    if ('IntersectionObserver' in window) {
      observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && button.click(), { rootMargin: '200px' });
      observer.observe(button);
    }
  };
  await load(undefined, firstPage);
}

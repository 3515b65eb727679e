/** One session for the browser (web/src/lib/session.ts): tokens per tab, only ids shared, a sign-out that ends every tab. */
import { describe, expect, it } from 'vitest';
import { BROWSER_MARKS_KEY, tabSession } from '../../web/src/lib/session.ts';

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

/** A browser: one localStorage, and as many tabs (each its own sessionStorage) as asked for. */
function browser() {
  const shared = new MemoryStorage();
  let ids = 0;
  const tab = () => {
    const own = new MemoryStorage();
    return { own, session: tabSession(() => own, () => shared, () => `id-${++ids}`) };
  };
  return { shared, tab };
}

describe('one session for the browser', () => {
  it('keeps the tokens in the tab that signed in; the shared storage holds only ids', () => {
    const { shared, tab } = browser();
    const one = tab();
    one.session.signIn('TOKEN', 'ID-TOKEN');
    expect(one.session.token()).toBe('TOKEN');
    expect(one.session.idToken()).toBe('ID-TOKEN');
    expect([...shared.items.values()].join()).not.toMatch(/TOKEN/);
    expect(JSON.parse(shared.items.get(BROWSER_MARKS_KEY)!)).toEqual({ signIn: 'id-1', signOut: null });
    expect(tab().session.token()).toBeUndefined();
  });

  it('hands the latest sign-in to a new tab, and nothing once another sign-in came after it', () => {
    const { tab } = browser();
    const [one, two, fresh] = [tab(), tab(), tab()];
    one.session.signIn('A', 'A-ID');
    expect(fresh.session.adopt(one.session.shareable()!)).toBe(true);
    expect(fresh.session.token()).toBe('A');

    two.session.signIn('B', 'B-ID');
    expect(one.session.shareable()).toBeUndefined();
    expect(one.session.token()).toBe('A');
    const late = tab();
    expect(late.session.adopt({ token: 'A', idToken: 'A-ID', marks: { signIn: 'id-1', signOut: null } })).toBe(false);
    expect(late.session.adopt(two.session.shareable()!)).toBe(true);
    expect(late.session.token()).toBe('B');
  });

  it('signs every tab out at once, and signs nobody in silently until someone signs in', () => {
    const { tab } = browser();
    const [one, two, three] = [tab(), tab(), tab()];
    expect(one.session.maySignInSilently()).toBe(true);
    one.session.signIn('A', 'A-ID');
    three.session.adopt(one.session.shareable()!);
    const handedBefore = one.session.shareable()!;

    two.session.signOutEverywhere();
    for (const t of [one, two, three]) {
      expect(t.session.token()).toBeUndefined();
      expect(t.session.idToken()).toBeUndefined();
      expect(t.own.items.size).toBe(0);
    }
    expect(one.session.maySignInSilently()).toBe(false);
    expect(tab().session.adopt(handedBefore)).toBe(false);

    two.session.signIn('B', 'B-ID');
    expect(one.session.maySignInSilently()).toBe(true);
    expect(two.session.token()).toBe('B');
  });

  it('forgets one tab’s sign-in without touching the others', () => {
    const { tab } = browser();
    const [one, two] = [tab(), tab()];
    one.session.signIn('A', 'A-ID');
    two.session.adopt(one.session.shareable()!);
    one.session.signOut();
    expect(one.session.token()).toBeUndefined();
    expect(two.session.token()).toBe('A');
    expect(one.session.maySignInSilently()).toBe(true);
  });

  it('counts a session kept without its marks as current, and refuses a malformed hand-over', () => {
    const { tab } = browser();
    const one = tab();
    one.own.setItem('invite-links.token', 'KEPT');
    expect(one.session.token()).toBe('KEPT');
    expect(one.session.shareable()).toBeUndefined();
    expect(tab().session.adopt(JSON.parse('{"token":1}'))).toBe(false);
    expect(tab().session.adopt(JSON.parse('null'))).toBe(false);
  });
});

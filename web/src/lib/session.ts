/**
 * This tab's sign-in, and what the browser's tabs know of each other's. The tokens live in this
 * tab's sessionStorage only (and, for a moment, in the memory of a tab handing them to a new tab of
 * the same origin: lib/session-share.ts). localStorage, which every tab of this origin shares,
 * holds no token: only two random ids, the browser's latest sign-in and latest sign-out. A tab that
 * signed in before the latest sign-out is signed out; a browser whose latest event is a sign-out
 * does not sign anyone in silently until someone signs in.
 */

const TOKEN_KEY = 'invite-links.token';
const ID_TOKEN_KEY = 'invite-links.id-token';
/** sessionStorage: which sign-in this tab holds, and the latest sign-out when it got it. */
const MARKS_KEY = 'invite-links.session-marks';
/** localStorage: the browser's latest sign-in and latest sign-out. */
export const BROWSER_MARKS_KEY = 'invite-links.browser-session';

/** Random ids, never tokens: which sign-in, and the sign-out that came before it. */
export interface Marks {
  signIn: string | null;
  signOut: string | null;
}

/** What one tab hands another: its tokens and their marks. */
export interface HeldSession {
  token: string;
  idToken: string;
  marks: Marks;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** localStorage refused (storage off, quota): this tab's own sign-in still works, only the other tabs do not hear of it. */
function quietly<T>(use: () => T): T | null {
  try {
    return use();
  } catch {
    return null;
  }
}

function readMarks(raw: string | null): Marks | undefined {
  try {
    const value = raw ? (JSON.parse(raw) as Partial<Marks>) : undefined;
    if (!value || typeof value !== 'object') return undefined;
    const id = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return { signIn: id(value.signIn), signOut: id(value.signOut) };
  } catch {
    return undefined;
  }
}

/** The session over two stores, read when used: this tab's (sessionStorage) and the browser's (localStorage). */
export function tabSession(tab: () => Store, browser: () => Store, newId: () => string = () => crypto.randomUUID()) {
  const browserMarks = (): Marks => readMarks(quietly(() => browser().getItem(BROWSER_MARKS_KEY))) ?? { signIn: null, signOut: null };
  const setBrowserMarks = (marks: Marks) => quietly(() => browser().setItem(BROWSER_MARKS_KEY, JSON.stringify(marks)));
  const forget = () => {
    for (const key of [TOKEN_KEY, ID_TOKEN_KEY, MARKS_KEY]) tab().removeItem(key);
  };
  const keep = ({ token, idToken, marks }: HeldSession) => {
    tab().setItem(TOKEN_KEY, token);
    tab().setItem(ID_TOKEN_KEY, idToken);
    tab().setItem(MARKS_KEY, JSON.stringify(marks));
  };
  /** False once a sign-out happened after this tab signed in; its tokens are then forgotten. */
  const current = (): boolean => {
    const mine = readMarks(tab().getItem(MARKS_KEY));
    // A session kept without marks (put there by hand, or before marks existed) counts as current.
    if (!mine || mine.signOut === browserMarks().signOut) return true;
    forget();
    return false;
  };

  return {
    token: (): string | undefined => (current() ? (tab().getItem(TOKEN_KEY) ?? undefined) : undefined),
    idToken: (): string | undefined => (current() ? (tab().getItem(ID_TOKEN_KEY) ?? undefined) : undefined),
    /** A sign-in finished in this tab: its tokens are kept here, and it becomes the browser's latest sign-in. */
    signIn(token: string, idToken: string): void {
      const marks: Marks = { signIn: newId(), signOut: browserMarks().signOut };
      setBrowserMarks(marks);
      keep({ token, idToken, marks });
    },
    /** Forgets this tab's sign-in only (a sign-in that failed, "use another account"). */
    signOut: forget,
    /** Signs out every tab of this browser: the others find out at once (a storage event) or at their next request. */
    signOutEverywhere(): void {
      forget();
      setBrowserMarks({ signIn: null, signOut: newId() });
    },
    /** Whether a sign-in may happen without the person: not since a sign-out, until someone signs in again. */
    maySignInSilently(): boolean {
      const marks = browserMarks();
      return marks.signIn !== null || marks.signOut === null;
    },
    /** This tab's session for a new tab, when it is the browser's latest sign-in. */
    shareable(): HeldSession | undefined {
      const marks = readMarks(tab().getItem(MARKS_KEY));
      const token = this.token();
      const idToken = this.idToken();
      if (!marks || !token || !idToken || marks.signIn === null || marks.signIn !== browserMarks().signIn) return undefined;
      return { token, idToken, marks };
    },
    /** Takes a session another tab handed over, if it is still the browser's latest sign-in. */
    adopt(held: HeldSession): boolean {
      const marks = browserMarks();
      if (typeof held?.token !== 'string' || typeof held.idToken !== 'string' || !held.marks) return false;
      if (held.marks.signIn === null || held.marks.signIn !== marks.signIn || held.marks.signOut !== marks.signOut) return false;
      keep(held);
      return true;
    },
  };
}

export type Session = ReturnType<typeof tabSession>;

/** This tab's session. */
export const session: Session = tabSession(
  () => sessionStorage,
  () => localStorage,
);

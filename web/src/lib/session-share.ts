/**
 * Tabs of this origin helping each other: a signed-in tab hands its session to a new tab that asks
 * (a BroadcastChannel, which only this origin's pages can join), so a new tab opens signed in at
 * once; and every signed-in tab leaves as soon as another tab signs out.
 */
import { readIdTokenClaims } from './id-token.ts';
import { BROWSER_MARKS_KEY, session, type HeldSession } from './session.ts';

const CHANNEL = 'invite-links.session';
/** Held (shared) by every tab that can hand its session over, so a new tab knows whether anyone can answer. */
const HOLDER_LOCK = 'invite-links.session-holder';
/** How long a new tab waits for a tab that holds a session, when one does (a frozen tab may never answer). */
const ANSWER_CEILING_MS = 1000;
/** A session about to expire is not worth handing over: the new tab would have to sign in again at once. */
const MIN_LIFE_MS = 60_000;

type Message = { type: 'ask'; id: string } | { type: 'session'; to: string; held: HeldSession };

const canShare = () => typeof BroadcastChannel === 'function' && typeof navigator.locks?.request === 'function';

function stillFresh(held: HeldSession): boolean {
  const exp = readIdTokenClaims(held.token).exp;
  return typeof exp === 'number' && exp * 1000 > Date.now() + MIN_LIFE_MS;
}

let sharing = false;

/** This tab is signed in: it answers new tabs of this browser that ask for the session. */
export function shareSessionWithNewTabs(): void {
  if (sharing || !canShare()) return;
  sharing = true;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = ({ data }: MessageEvent<Message>) => {
    if (data?.type !== 'ask' || typeof data.id !== 'string') return;
    const held = session.shareable();
    if (held && stillFresh(held)) channel.postMessage({ type: 'session', to: data.id, held } satisfies Message);
  };
  // Released when this tab goes away, whatever way it goes.
  void navigator.locks.request(HOLDER_LOCK, { mode: 'shared' }, () => new Promise<never>(() => undefined));
}

/** Asks the other open tabs for their session; true once one was handed over, false at once when no tab holds one. */
export async function sessionFromOpenTabs(): Promise<boolean> {
  if (!canShare() || !session.maySignInSilently()) return false;
  const { held = [] } = await navigator.locks.query();
  if (!held.some((lock) => lock.name === HOLDER_LOCK)) return false;
  return new Promise<boolean>((resolve) => {
    const channel = new BroadcastChannel(CHANNEL);
    const id = crypto.randomUUID();
    const done = (adopted: boolean) => {
      clearTimeout(timer);
      channel.close();
      resolve(adopted);
    };
    const timer = setTimeout(() => done(false), ANSWER_CEILING_MS);
    channel.onmessage = ({ data }: MessageEvent<Message>) => {
      if (data?.type === 'session' && data.to === id && stillFresh(data.held) && session.adopt(data.held)) done(true);
    };
    channel.postMessage({ type: 'ask', id } satisfies Message);
  });
}

/** Calls `then` as soon as this tab's session has ended in another tab: a sign-out there, or this page coming back from the back/forward cache. */
export function whenSignedOutElsewhere(then: () => void): void {
  let ended = false;
  const check = () => {
    if (ended || session.token()) return;
    ended = true;
    then();
  };
  addEventListener('storage', (event) => {
    if (event.key === BROWSER_MARKS_KEY || event.key === null) check();
  });
  addEventListener('pageshow', (event) => {
    if (event.persisted) check();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
}

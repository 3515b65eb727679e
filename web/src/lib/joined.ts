/**
 * "This tab joined domain X": the join page consumes the link's token, so a reload, Back or
 * Forward afterwards has no token to look up. The join page remembers the join here (this tab
 * only) and shows it again instead of "can't find this link"; Home greets the newcomer with it
 * once: on the Home they arrive at (and that same page reloaded, or met again by Back or Forward),
 * until they dismiss it, and not on later visits to Home.
 */

const KEY = 'invite-links.joined';

export interface JoinedHere {
  domainId: string;
  domainName: string;
  at: string;
  /** Home has greeted this join: later visits to Home do not. */
  welcomed?: boolean;
  /** The newcomer closed the greeting. */
  dismissed?: boolean;
}

const save = (joined: JoinedHere) => sessionStorage.setItem(KEY, JSON.stringify(joined));

export function rememberJoined(joined: Pick<JoinedHere, 'domainId' | 'domainName'>): void {
  save({ ...joined, at: new Date().toISOString() });
}

/** The domain this tab last joined, if any. */
export function lastJoined(): JoinedHere | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<JoinedHere> | null;
    return value?.domainId && value.domainName && value.at ? (value as JoinedHere) : undefined;
  } catch {
    return undefined;
  }
}

/** The history entry Home greeted on: it keeps the greeting when that page is reloaded or met again by Back or Forward. */
const greetedHere = (joined: JoinedHere) => (history.state as { welcome?: string } | null)?.welcome === joined.at;
/** A link to the page one is on is a new visit, though the browser keeps the entry's state: only a reload or Back/Forward is the same visit. */
const sameVisit = () => ['reload', 'back_forward'].includes((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type ?? 'navigate');
const markEntry = (welcome: string | undefined) => history.replaceState({ ...(history.state as object | null), welcome }, '', location.href);

/** Whether Home greets the person for joining this domain now; the first time marks the join greeted, on this history entry. */
export function welcomeOnHome(domainId: string): boolean {
  const joined = lastJoined();
  if (joined?.domainId !== domainId || joined.dismissed) return false;
  if (!joined.welcomed) {
    save({ ...joined, welcomed: true });
    markEntry(joined.at);
    return true;
  }
  if (!greetedHere(joined)) return false;
  if (sameVisit()) return true;
  markEntry(undefined);
  return false;
}

/** The newcomer closed the greeting: Home does not show it again. */
export function dismissWelcome(): void {
  const joined = lastJoined();
  if (joined) save({ ...joined, dismissed: true });
}

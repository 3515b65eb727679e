/**
 * "This tab joined domain X": the join page consumes the link's token, so a reload, Back or
 * Forward afterwards has no token to look up. The join page remembers the join here (this tab
 * only) and shows it again instead of "can't find this link"; Home greets the newcomer with it.
 */

const KEY = 'invite-links.joined';

export interface JoinedHere {
  domainId: string;
  domainName: string;
  at: string;
}

export function rememberJoined(joined: Omit<JoinedHere, 'at'>): void {
  sessionStorage.setItem(KEY, JSON.stringify({ ...joined, at: new Date().toISOString() }));
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

/** Whether this tab joined this domain. */
export const joinedHere = (domainId: string) => lastJoined()?.domainId === domainId;

/**
 * The time the service goes by: every rule that compares with now (a link's expiry, when something
 * happened) reads it here. In AWS nothing moves it; the local stack lets its tests move it forward
 * (`advanceClock`), so a link expires without anyone waiting for it.
 */
let aheadMs = 0;

export const now = (): Date => new Date(Date.now() + aheadMs);

/** Local stack and tests only: from now on the service's time runs `ms` further ahead of the machine's. */
export function advanceClock(ms: number): void {
  aheadMs += ms;
}

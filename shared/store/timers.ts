/**
 * The timers' port: timers due by now (shared/domain/timers.ts), done once fired, and what firing a
 * link's timer needs: the link as it stands, and one write that notes something about it once
 * (with its activity entry and, for its creator, an email). shared/store/dynamodb/timers.ts
 * implements it on the table.
 */
import type { ActivityEntry } from '../contract/event-schemas.ts';
import type { Timer } from '../domain/timers.ts';
import type { Domain, InviteLink, LinkEndingEmail, LinkMark } from '../domain/types.ts';

/** A due timer and where it is kept, to be deleted once fired. */
export interface DueTimer {
  timer: Timer;
  key: Record<string, string>;
}

/** A link as it stands: its item, its domain and its uses so far (strongly consistent). */
export interface LinkState {
  link: InviteLink;
  domain: Domain;
  useCount: number;
}

export interface TimerStore {
  /** Every timer due at `now` or before, oldest first within each partition, at most `limit` in all. */
  due(now: Date, limit: number): Promise<DueTimer[]>;
  /** The timer has done its work. */
  done(key: Record<string, string>): Promise<void>;
  /** The link and its domain, if both are still kept. */
  linkState(linkId: string, domainId: string): Promise<LinkState | undefined>;
  /** Notes `mark` on the link with its activity entry and its email, if any, in one write; 'already' when it was noted before. */
  markLink(linkId: string, mark: LinkMark, at: string, activity?: ActivityEntry, email?: LinkEndingEmail): Promise<'marked' | 'already'>;
}

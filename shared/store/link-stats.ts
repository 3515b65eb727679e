/**
 * The port of a link's stats (shared/domain/link-stats.ts): the marks a lookup and a refused join
 * leave, each its own new item, which the events feed reads from the stream and adds to the link's
 * one stats item. shared/store/dynamodb/link-stats.ts implements it on the table.
 */
import type { LinkStats, VisitStep } from '../domain/link-stats.ts';

/** What a mark says of its link: which one, and until when it works (its stats are kept a while after). */
export interface MarkedLink {
  linkId: string;
  expiresAt: string;
}

/** A batch's counts for one link, as the events feed adds them. */
export interface StatsIncrement {
  views: number;
  signInsStarted: number;
  joins: number;
  refusals: Record<string, number>;
}

export interface LinkStatsStore {
  /** The random salt of a UTC day's visitor hashes, made by whichever caller asks first that day; gone two days later. */
  daySalt(day: string): Promise<Buffer>;
  /** Marks that a browser (`visitor`, its salted hash) reached `step` of the link on `day`: true the first time that day, false after. */
  markVisit(link: MarkedLink, step: VisitStep, day: string, visitor: string): Promise<boolean>;
  /** Marks one join through the link refused with `code`. */
  markRefusal(link: MarkedLink, code: string, at: Date): Promise<void>;
  /** Adds a batch's counts to the link's stats in one write. */
  add(link: MarkedLink, increment: StatsIncrement): Promise<void>;
  /** The stats of these links; a link nothing was counted for yet has none here. */
  statsOf(linkIds: readonly string[]): Promise<Map<string, LinkStats>>;
}

/**
 * A link's join-rate guard, run by the events feed on the join records of guarded links (a record
 * carries its link's pauseAfter, so an unguarded link costs no read). The events feed never waits on
 * email, so neither does the guard. A batch's joins through one link are taken together, in the
 * order they happened: counted in their seconds' buckets, the buckets of their windows read once,
 * and at the first join whose window passes the threshold the link is paused, with its
 * InviteLinkPaused entry naming the burst and, in the same transaction, the outbox item the
 * notifier emails the creator from. Nothing is added to the join itself; the joins committed while
 * the stream catches up are the overshoot (docs/notifications.md gives the measured figure).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { activity } from '../../contract/activity.ts';
import type { InviteLink, JoinRecord, LinkPausedEmail, PauseAfter } from '../../domain/types.ts';
import type { LinkGuardCounts } from '../../store/link-guard.ts';
import type { Store } from '../../store/store.ts';
import { logger } from '../../observability/logger.ts';
import { startPerLink } from '../per-link.ts';
import { bucketOf, countWindow, entryOf, markOf, passesThreshold, windowOf } from './window.ts';

/** Who paused a link, when its guard did: no person. */
export const PAUSED_BY_GUARD = 'guard';
/** The burst an event and an email list at most (its size is said beside it): an event stays far below EventBridge's 256 KB. */
export const BURST_LISTED = 100;

export interface GuardDeps {
  store: Store;
  counts: LinkGuardCounts;
}

type GuardedJoin = JoinRecord & { linkId: string; linkPauseAfter: PauseAfter };
/** A join a person approved is no burst through a leaked link: approving many at once must not pause the link under the approver. */
const isGuarded = (join: JoinRecord): join is GuardedJoin => join.linkPauseAfter !== undefined && join.linkId !== undefined && join.approvedBy === undefined;

/**
 * Starts the guard for every guarded link among a batch's join records at once, and gives each of
 * their records what its handler awaits: done, or the error its record fails with.
 */
export function startGuards(records: readonly DynamoDBRecord[], deps: GuardDeps): Map<string | undefined, () => Promise<void>> {
  return startPerLink(records, isGuarded, (joins, log) => guardLink(joins, deps, log));
}

/** One link's joins of a batch (the link's rule is on each, links being immutable). */
async function guardLink(batch: GuardedJoin[], deps: GuardDeps, log: Record<string, unknown>): Promise<void> {
  const joins = [...batch].sort((a, b) => Date.parse(a.joinedAt) - Date.parse(b.joinedAt));
  const { linkId, linkPauseAfter: rule } = joins[0]!;
  const seconds = Map.groupBy(joins, (join) => bucketOf(join.joinedAt));
  await Promise.all([...seconds].map(([second, inSecond]) => deps.counts.countJoins(linkId, second, inSecond.map(entryOf))));
  const buckets = await deps.counts.between(linkId, windowOf(joins[0]!.joinedAt, rule.withinMinutes).firstBucket, bucketOf(joins.at(-1)!.joinedAt));
  const marks = [...buckets.marks];
  const windowOfJoin = (join: GuardedJoin) => countWindow(buckets.joins, marks, join.joinedAt, rule.withinMinutes);
  /** Who joined in the burst a join's window passed with: the window's joins and those after it the guard knows of yet (the batch's). */
  const burstOf = (join: GuardedJoin) => countWindow(buckets.joins, marks, join.joinedAt, rule.withinMinutes, joins.at(-1)!.joinedAt).joins;

  /** Marks the pause in its bucket: a later fresh start is measured from it. */
  const markPause = (pausedAt: string) => deps.counts.mark(linkId, bucketOf(pausedAt), markOf({ paused: pausedAt }));

  /** Pauses the link at the join that passed the threshold, naming its burst, and marks the pause. */
  const pause = async (link: InviteLink, join: GuardedJoin) => {
    const inBurst = burstOf(join);
    const burst = await deps.counts.joinersOf(link.domainId, inBurst.slice(0, BURST_LISTED));
    const email: LinkPausedEmail = {
      link: { linkId, ...(link.label !== undefined ? { label: link.label } : {}), createdBy: link.createdBy },
      domainId: link.domainId,
      pauseAfter: rule,
      pausedAt: join.joinedAt,
      joinsInBurst: inBurst.length,
      burst,
    };
    const paused = await deps.store.pauseInviteLink(link, join.joinedAt, PAUSED_BY_GUARD, activity.linkPaused(link, rule, burst, join.joinedAt), email);
    if (paused === 'unchanged' && link.pausedAt !== join.joinedAt) return;
    if (paused === 'paused') logger.info('the link\'s guard paused it', { ...log, joinId: join.joinId, joins: inBurst.length, rule });
    await markPause(join.joinedAt);
  };

  let link: InviteLink | undefined;
  for (const join of joins) {
    let window = windowOfJoin(join);
    if (window.superseded || !passesThreshold(window.joins.length, rule)) continue;
    link ??= await deps.store.getInviteLink(linkId);
    if (!link || link.revokedAt !== undefined) return;
    if (link.pausedAt !== undefined) {
      // Paused already: by one of these joins on an earlier attempt (its counters and mark perhaps still owed), or by someone else.
      const pauser = link.pausedBy === PAUSED_BY_GUARD ? joins.find((j) => j.joinedAt === link!.pausedAt) : undefined;
      if (pauser) await pause(link, pauser);
      return;
    }
    if (window.pausedSince) {
      // Resumed since the guard paused it: the burst that paused it never pauses it again; counting starts afresh with this join.
      const restart = markOf({ restarted: join.joinedAt });
      await deps.counts.mark(linkId, bucketOf(join.joinedAt), restart);
      marks.push(restart);
      window = windowOfJoin(join);
      if (!passesThreshold(window.joins.length, rule)) continue;
    }
    await pause(link, join);
    return;
  }
}

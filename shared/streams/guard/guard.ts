/**
 * A link's join-rate guard, run by the notifier on the join records of guarded links (a record
 * carries its link's pauseAfter, so an unguarded link costs no read). A batch's joins through one
 * link are taken together, in the order they happened: counted in their minutes' buckets, the
 * buckets of their windows read once, and at the first join whose window passes the threshold the
 * link is paused, with its InviteLinkPaused entry naming the burst, and its creator emailed at
 * once. Nothing is added to the join itself; the joins committed while the stream catches up are
 * the overshoot (docs/notifications.md gives the measured figure).
 */
import { activity } from '../../contract/activity.ts';
import type { InviteLink, JoinRecord, PauseAfter } from '../../domain/types.ts';
import type { BurstJoiner, LinkGuardCounts } from '../../store/link-guard.ts';
import type { NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { logger } from '../../observability/logger.ts';
import { appPageUrl } from '../notifier/mailer.ts';
import { sendOnce, type Composed } from '../notifier/send-once.ts';
import { pausedEmail } from './paused-email.ts';
import { countWindow, entryOf, markOf, minuteOf, passesThreshold, windowOf, type CountedJoin } from './window.ts';

/** Who paused a link, when its guard did: no person. */
export const PAUSED_BY_GUARD = 'guard';
/** The burst an event and an email list at most (its size is said beside it): an event stays far below EventBridge's 256 KB. */
export const BURST_LISTED = 100;

export interface GuardDeps {
  store: Store;
  counts: LinkGuardCounts;
  claims: NotificationClaims;
  now: () => Date;
}

type GuardedJoin = JoinRecord & { linkId: string; linkPauseAfter: PauseAfter };
/** A join a person approved is no burst through a leaked link: approving many at once must not pause the link under the approver. */
const isGuarded = (join: JoinRecord): join is GuardedJoin => join.linkPauseAfter !== undefined && join.linkId !== undefined && join.approvedBy === undefined;

/**
 * Starts the guard for every guarded link among a batch's joins at once, and gives each of their
 * records what its handler awaits before the join's emails: done, or the error its record fails with.
 */
export function startGuards(joins: readonly { sequenceNumber?: string; join: JoinRecord }[], deps: GuardDeps): Map<string | undefined, () => Promise<void>> {
  const links = new Map<string, { sequenceNumber?: string; join: GuardedJoin }[]>();
  for (const { sequenceNumber, join } of joins) if (isGuarded(join)) links.set(join.linkId, [...(links.get(join.linkId) ?? []), { sequenceNumber, join }]);
  const handlers = new Map<string | undefined, () => Promise<void>>();
  for (const [linkId, records] of links) {
    // Never rejects: each record's handler reports the error.
    const done = guardLink(records.map((r) => r.join), deps, { linkId, domainId: records[0]!.join.domainId }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    for (const { sequenceNumber } of records) {
      handlers.set(sequenceNumber, async () => {
        const error = await done;
        if (error) throw error;
      });
    }
  }
  return handlers;
}

/** One link's joins of a batch (the link's rule is on each, links being immutable). */
async function guardLink(batch: GuardedJoin[], deps: GuardDeps, log: Record<string, unknown>): Promise<void> {
  const joins = [...batch].sort((a, b) => Date.parse(a.joinedAt) - Date.parse(b.joinedAt));
  const { linkId, linkPauseAfter: rule } = joins[0]!;
  const minutes = Map.groupBy(joins, (join) => minuteOf(join.joinedAt));
  await Promise.all([...minutes].map(([minute, inMinute]) => deps.counts.countJoins(linkId, minute, inMinute.map(entryOf))));
  const buckets = await deps.counts.between(linkId, windowOf(joins[0]!.joinedAt, rule.withinMinutes).firstMinute, minuteOf(joins.at(-1)!.joinedAt));
  const marks = [...buckets.marks];
  const windowOfJoin = (join: GuardedJoin) => countWindow(buckets.joins, marks, join.joinedAt, rule.withinMinutes);
  /** Who joined in the burst a join's window passed with: the window's joins and those after it the guard knows of yet (the batch's). */
  const burstOf = (join: GuardedJoin) => countWindow(buckets.joins, marks, join.joinedAt, rule.withinMinutes, joins.at(-1)!.joinedAt).joins;

  let link: InviteLink | undefined;
  for (const join of joins) {
    let window = windowOfJoin(join);
    if (window.superseded || !passesThreshold(window.joins.length, rule)) continue;
    link ??= await deps.store.getInviteLink(linkId);
    if (!link || link.revokedAt !== undefined) return;
    if (link.pausedAt !== undefined) {
      // Paused already: by one of these joins on an earlier attempt, its email perhaps still owed; else none of theirs to tell.
      const pauser = link.pausedBy === PAUSED_BY_GUARD ? joins.find((j) => j.joinedAt === link!.pausedAt) : undefined;
      if (pauser) await afterPause(pauser, link, burstOf(pauser), deps, log);
      return;
    }
    if (window.pausedSince) {
      // Resumed since the guard paused it: the burst that paused it never pauses it again; counting starts afresh with this join.
      const restart = markOf({ restarted: join.joinedAt });
      await deps.counts.mark(linkId, minuteOf(join.joinedAt), restart);
      marks.push(restart);
      window = windowOfJoin(join);
      if (!passesThreshold(window.joins.length, rule)) continue;
    }
    const inBurst = burstOf(join);
    const burst = await deps.counts.joinersOf(link.domainId, inBurst.slice(0, BURST_LISTED));
    const paused = await deps.store.pauseInviteLink(link, join.joinedAt, PAUSED_BY_GUARD, activity.linkPaused(link, rule, burst, join.joinedAt));
    if (paused === 'unchanged') return;
    logger.info('the link\'s guard paused it', { ...log, joinId: join.joinId, joins: inBurst.length, rule });
    await afterPause(join, { ...link, pausedAt: join.joinedAt, pausedBy: PAUSED_BY_GUARD }, inBurst, deps, log, burst);
    return;
  }
}

/** Marks the pause in its bucket (a later fresh start is measured from it) and emails the link's creator, once per pause. */
async function afterPause(join: GuardedJoin, link: InviteLink, joins: CountedJoin[], deps: GuardDeps, log: Record<string, unknown>, burst?: BurstJoiner[]): Promise<void> {
  const pausedAt = link.pausedAt!;
  await deps.counts.mark(link.linkId, minuteOf(pausedAt), markOf({ paused: pausedAt }));
  const compose = async (): Promise<Composed> => {
    const [{ membership: creator, directory }, listed] = await Promise.all([
      deps.store.getAccess(link.createdBy, link.domainId),
      burst ?? deps.counts.joinersOf(link.domainId, joins.slice(0, BURST_LISTED)),
    ]);
    if (!directory) return { none: 'the domain no longer exists' };
    if (!creator) return { none: 'the link creator is no longer a member of the domain' };
    const links = { joinedThroughLink: appPageUrl('users', link.domainId, { inviteLinkId: link.linkId }), users: appPageUrl('users', link.domainId) };
    return { to: creator.email, email: pausedEmail(link, join.linkPauseAfter, { domainName: directory.domain.name, pausedAt, burst: listed, joinsInBurst: joins.length }, creator, links) };
  };
  await sendOnce(deps.claims, { linkId: link.linkId, pausedAt }, 'link paused email', compose, deps.now, { ...log, joinId: join.joinId });
}

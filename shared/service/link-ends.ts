/**
 * What the service notes, once, as a link nears or reaches its end: the warning a day before it
 * expires, the warning at 80 % of its uses (each an email to its creator unless the link says not
 * to, and the first also an event), its last use taken, and its expiry. Each reads the link as it
 * stands and acts only if it still applies; the mark on the link makes each happen once however
 * often it is asked (a timer fired twice, a batch of joins delivered again).
 */
import { activity } from '../contract/activity.ts';
import { isUsedUp, linkStatus } from '../domain/invite-link.ts';
import { reachedUsesWarning } from '../domain/timers.ts';
import type { InviteLink, LinkEndingEmail } from '../domain/types.ts';
import type { LinkState, TimerStore } from '../store/timers.ts';

export type LinkEndDeps = { timers: TimerStore; now: () => Date };

/** Working at `at` and with uses left: what a warning or an expiry is about. */
const isWorkingAt = ({ link, domain, useCount }: LinkState, at: Date) => linkStatus(link, domain, at) === 'ACTIVE' && !isUsedUp(link, useCount);

const endingEmail = (kind: LinkEndingEmail['kind'], { link, useCount }: LinkState, writtenAt: string): LinkEndingEmail | undefined =>
  link.notifyCreator
    ? {
        kind,
        link: { linkId: link.linkId, ...(link.label !== undefined ? { label: link.label } : {}), createdBy: link.createdBy, expiresAt: link.expiresAt, ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}) },
        domainId: link.domainId,
        useCount,
        writtenAt,
      }
    : undefined;

/** A day before the end (its timer): InviteLinkExpiring and the creator's email, if it still works then and has uses left. */
export async function noteLinkExpiring(deps: LinkEndDeps, linkId: string, domainId: string): Promise<'noted' | 'not-applicable' | 'already'> {
  const state = await deps.timers.linkState(linkId, domainId);
  const now = deps.now();
  if (!state || !isWorkingAt(state, now)) return 'not-applicable';
  const at = now.toISOString();
  const marked = await deps.timers.markLink(linkId, 'expiringNotedAt', at, activity.linkExpiring(state.link, state.useCount, at), endingEmail('expiring', state, at));
  return marked === 'marked' ? 'noted' : 'already';
}

/** At its end (its timer): InviteLinkExpired, if it was still working, with uses left, the moment before. */
export async function noteLinkExpired(deps: LinkEndDeps, linkId: string, domainId: string): Promise<'noted' | 'not-applicable' | 'already'> {
  const state = await deps.timers.linkState(linkId, domainId);
  if (!state) return 'not-applicable';
  const end = Date.parse(state.link.expiresAt);
  // A re-issue with revokeOld, a delete-all or the switch after its end changes nothing: it had expired.
  if (deps.now().getTime() < end || !isWorkingAt(state, new Date(end - 1))) return 'not-applicable';
  const marked = await deps.timers.markLink(linkId, 'expiredNotedAt', new Date(end).toISOString(), activity.linkExpired(state.link, state.useCount));
  return marked === 'marked' ? 'noted' : 'already';
}

/**
 * After joins through a link with a use limit (the events feed, from the join records): its
 * creator's warning at 80 %, and InviteLinkUsedUp when the last use is taken (at `lastJoinAt`,
 * the latest of those joins).
 */
export async function noteLinkUses(deps: LinkEndDeps, link: Pick<InviteLink, 'linkId' | 'domainId' | 'maxUses'>, lastJoinAt: string): Promise<('uses-warned' | 'used-up')[]> {
  if (link.maxUses === undefined) return [];
  const state = await deps.timers.linkState(link.linkId, link.domainId);
  if (!state || state.link.maxUses === undefined) return [];
  const { maxUses } = state.link;
  const noted: ('uses-warned' | 'used-up')[] = [];
  const at = deps.now().toISOString();
  // Only a link that still works warns: one revoked at 80 % has nothing left to warn about. One that went past 80 % to full in
  // one batch gets the same email, saying it is used up.
  if (reachedUsesWarning(maxUses, state.useCount) && linkStatus(state.link, state.domain, deps.now()) === 'ACTIVE' && !state.link.usesNotedAt) {
    const email = endingEmail('uses', state, at);
    // The warning is an email only; its mark keeps it once.
    if (email && (await deps.timers.markLink(link.linkId, 'usesNotedAt', at, undefined, email)) === 'marked') noted.push('uses-warned');
  }
  if (state.useCount >= maxUses && !state.link.usedUpNotedAt) {
    if ((await deps.timers.markLink(link.linkId, 'usedUpNotedAt', lastJoinAt, activity.linkUsedUp({ ...state.link, maxUses }, lastJoinAt))) === 'marked') noted.push('used-up');
  }
  return noted;
}

/**
 * Pauses, which end nothing: every link of a domain for a few hours (its admins pause and resume
 * them), and a link its guard paused (its creator or an admin resumes it). Each is one write.
 */
import { linkTtlSeconds } from '../config.ts';
import { activity, type Actor } from '../contract/activity.ts';
import { inviteLinkView, linkSettingsView } from '../contract/views.ts';
import { notFound } from '../domain/errors.ts';
import { assertMayResume, pausedUntilAfter } from '../domain/invite-link.ts';
import { assertStillShareable } from '../domain/reveal.ts';
import type { Store } from '../store/store.ts';
import { asMember } from './access.ts';
import { assertAdminWriteDone } from './admin-write.ts';

/** "Pause all links for `hours`": from now, whatever the number of links; the admin check rides in the write. */
export async function pauseAllLinks(store: Store, actor: Actor, domainId: string, hours: number, now: Date) {
  const until = pausedUntilAfter(hours, now);
  assertAdminWriteDone(await store.pauseAllInviteLinks(domainId, until, actor.userId, activity.linksPaused(domainId, until, hours, actor, now.toISOString())));
  return settingsAt(store, domainId, now);
}

/** Ends a pause of all links now; with none running, changes (and records) nothing. */
export async function resumeAllLinks(store: Store, actor: Actor, domainId: string, now: Date) {
  const at = now.toISOString();
  assertAdminWriteDone(await store.resumeAllInviteLinks(domainId, actor.userId, at, activity.linksResumed(domainId, actor, at)));
  return settingsAt(store, domainId, now);
}

/** The settings as the write left them. */
async function settingsAt(store: Store, domainId: string, now: Date) {
  const domain = await store.getDomain(domainId);
  if (!domain) throw notFound('The domain');
  return linkSettingsView(domain, now, linkTtlSeconds());
}

/** A paused link admits people again; a link that no longer works says why, as reveal does; one not paused is answered as it is. */
export async function resumeLink(store: Store, actor: Actor, domainId: string, linkId: string, now: Date) {
  // Authorize before reading: a caller who is not a member costs the caller check and nothing more.
  const { member, directory } = await asMember(store, actor.userId, domainId);
  const link = await store.getInviteLink(linkId);
  if (!link || link.domainId !== domainId) throw notFound('The invite link');
  assertMayResume(member, link);
  // Its use count is not read: resuming a used-up link admits nobody, and changes nothing that matters.
  assertStillShareable(link, 0, directory.domain, now);
  if (link.pausedAt === undefined) return inviteLinkView(link);
  await store.resumeInviteLink(link, activity.linkResumed(link, actor, now.toISOString()));
  const { pausedAt: _at, pausedBy: _by, ...resumed } = link;
  return inviteLinkView(resumed);
}

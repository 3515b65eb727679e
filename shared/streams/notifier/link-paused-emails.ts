/**
 * The emails telling a link's creator and the domain's admins that its guard paused it: the outbox
 * item the events feed wrote in the pause's own transaction, read here from the stream, sent once
 * to each (one claim per pause and person) at their address now, then deleted.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { LinkPausedEmail } from '../../domain/types.ts';
import type { LinkPauseSending, NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { imageOf } from './join-image.ts';
import { pausedEmail } from './link-paused-email.ts';
import { appPageUrl } from './mailer.ts';
import { logger } from '../../observability/logger.ts';
import { linkAudienceOf } from './recipients.ts';
import { sendOnce, type Composed } from './send-once.ts';

export interface LinkPausedDeps {
  store: Store;
  claims: NotificationClaims;
  now: () => Date;
}

const isoInstant = z.iso.datetime({ offset: true });
const required = z.string().check(z.minLength(1));
const count = z.number().check(z.int(), z.positive());

const linkPausedEmail = z.object({
  link: z.object({ linkId: required, label: z.optional(z.string()), createdBy: required }),
  domainId: required,
  pauseAfter: z.object({ joins: count, withinMinutes: count }),
  pausedAt: isoInstant,
  joinsInBurst: count,
  burst: z.array(z.object({ userId: required, email: z.string().check(z.minLength(3)), joinedAt: isoInstant })),
}) satisfies z.ZodMiniType<LinkPausedEmail>;

export const linkPausedEmailOf = (record: DynamoDBRecord): LinkPausedEmail => imageOf(record, linkPausedEmail, 'a link-paused email');

/** One email to each who hears of the pause (the creator while a member, and each admin), each sent once; settled when all are. */
export async function notifyLinkPaused(record: DynamoDBRecord, deps: LinkPausedDeps, log: Record<string, unknown>): Promise<void> {
  const paused = linkPausedEmailOf(record);
  const { link, domainId } = paused;
  const outbox: LinkPauseSending = { linkId: link.linkId, pausedAt: paused.pausedAt };
  const audience = await linkAudienceOf(deps.store, domainId, link.createdBy, () => true);
  if (!audience) logger.info('no link paused email: the domain no longer exists', { ...log, ...outbox, domainId });
  const links = { joinedThroughLink: appPageUrl('users', domainId, { inviteLinkId: link.linkId }), users: appPageUrl('users', domainId) };
  const results = await Promise.allSettled(
    (audience?.people ?? []).map(({ member, role }) =>
      sendOnce(
        deps.claims,
        { ...outbox, to: member.userId },
        'link paused email',
        async (): Promise<Composed> => ({
          to: member.email,
          email: pausedEmail(link, paused.pauseAfter, { domainName: audience!.domainName, ...paused }, member, { role, creatorName: audience!.creatorName }, links),
        }),
        deps.now,
        { ...log, ...outbox, domainId, to: member.userId },
      ),
    ),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  // Settled for everyone (now or by an earlier attempt): the outbox item has done its work.
  await deps.claims.clearOutbox(outbox);
}

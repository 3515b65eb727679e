/**
 * The email telling a link's creator that its guard paused it: the outbox item the events feed wrote
 * in the pause's own transaction, read here from the stream, sent once (one claim per pause) to the
 * creator at their address now, then deleted.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { LinkPausedEmail } from '../../domain/types.ts';
import type { LinkPauseSending, NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { MalformedRecord } from './join-image.ts';
import { pausedEmail } from './link-paused-email.ts';
import { appPageUrl } from './mailer.ts';
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

export function linkPausedEmailOf(record: DynamoDBRecord): LinkPausedEmail {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new MalformedRecord(`record ${record.dynamodb?.SequenceNumber} has no new image`);
  const parsed = linkPausedEmail.safeParse(unmarshall(image as Record<string, AttributeValue>));
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new MalformedRecord(`record ${record.dynamodb?.SequenceNumber} is not a link-paused email: ${fields}`);
  }
  return parsed.data;
}

/** The creator's email, if they are still a member of the domain, to their address now. */
async function compose(paused: LinkPausedEmail, deps: LinkPausedDeps): Promise<Composed> {
  const { link, domainId } = paused;
  const { membership: creator, directory } = await deps.store.getAccess(link.createdBy, domainId);
  if (!directory) return { none: 'the domain no longer exists' };
  if (!creator) return { none: 'the link creator is no longer a member of the domain' };
  const links = { joinedThroughLink: appPageUrl('users', domainId, { inviteLinkId: link.linkId }), users: appPageUrl('users', domainId) };
  return { to: creator.email, email: pausedEmail(link, paused.pauseAfter, { domainName: directory.domain.name, ...paused }, creator, links) };
}

export async function notifyLinkPaused(record: DynamoDBRecord, deps: LinkPausedDeps, log: Record<string, unknown>): Promise<void> {
  const paused = linkPausedEmailOf(record);
  const sending: LinkPauseSending = { linkId: paused.link.linkId, pausedAt: paused.pausedAt };
  await sendOnce(deps.claims, sending, 'link paused email', () => compose(paused, deps), deps.now, { ...log, ...sending, domainId: paused.domainId });
  // Settled (now or by an earlier attempt): the outbox item has done its work.
  await deps.claims.clearOutbox(sending);
}

/**
 * The warning to a link's creator that it ends soon: the outbox item written with the link's mark
 * (shared/service/link-ends.ts), read here from the stream, sent once to the creator at their
 * address now (none if they have left the domain), then deleted.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { LinkEndingEmail } from '../../domain/types.ts';
import type { LinkEndingSending, NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { imageOf } from './join-image.ts';
import { endingEmail } from './link-ending-email.ts';
import { appPageUrl } from './mailer.ts';
import { sendOnce, type Composed } from './send-once.ts';

export interface LinkEndingDeps {
  store: Store;
  claims: NotificationClaims;
  now: () => Date;
}

const required = z.string().check(z.minLength(1));
const isoInstant = z.iso.datetime({ offset: true });
const count = z.number().check(z.int(), z.nonnegative());

const linkEndingEmail = z.object({
  kind: z.enum(['expiring', 'uses']),
  link: z.object({ linkId: required, label: z.optional(z.string()), createdBy: required, expiresAt: isoInstant, maxUses: z.optional(count) }),
  domainId: required,
  useCount: count,
  writtenAt: isoInstant,
}) satisfies z.ZodMiniType<LinkEndingEmail>;

export const linkEndingEmailOf = (record: DynamoDBRecord): LinkEndingEmail => imageOf(record, linkEndingEmail, 'a link-ending email');

export async function notifyLinkEnding(record: DynamoDBRecord, deps: LinkEndingDeps, log: Record<string, unknown>): Promise<void> {
  const ending = linkEndingEmailOf(record);
  const { link, domainId } = ending;
  const which: LinkEndingSending = { linkId: link.linkId, ending: ending.kind };
  await sendOnce(
    deps.claims,
    which,
    'link ending email',
    async (): Promise<Composed> => {
      const { membership: creator, directory } = await deps.store.getAccess(link.createdBy, domainId);
      if (!directory) return { none: 'the domain no longer exists' };
      if (!creator) return { none: 'the link\'s creator has left the domain' };
      const links = {
        reissue: appPageUrl('users', domainId, { reissue: link.linkId }),
        joinedThroughLink: appPageUrl('users', domainId, { inviteLinkId: link.linkId }),
      };
      return { to: creator.email, email: endingEmail(ending, directory.domain.name, creator, links) };
    },
    deps.now,
    { ...log, ...which, domainId },
  );
  await deps.claims.clearOutbox(which);
}

/**
 * The warning that a membership ends in three days: the outbox item the membership's timer wrote
 * (shared/service/membership-end.ts), read here from the stream and sent once to the member and once
 * to the creator of the link they joined through (while the creator is still a member), each at
 * their address now. Nobody is told once the membership is gone or ends at another time. The item
 * stays (its TTL removes it): it is the mark that this warning was written.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { MembershipEndingEmail } from '../../domain/types.ts';
import type { MembershipEndingSending, NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { imageOf } from './join-image.ts';
import { appPageUrl } from './mailer.ts';
import { membershipEndingEmail } from './membership-ending-email.ts';
import { sendOnce, type Composed } from './send-once.ts';

export interface MembershipEndingDeps {
  store: Store;
  claims: NotificationClaims;
  now: () => Date;
}

const required = z.string().check(z.minLength(1));
const isoInstant = z.iso.datetime({ offset: true });

const outboxItem = z.object({
  domainId: required,
  member: z.object({ userId: required, email: z.string().check(z.minLength(3)), firstName: z.string(), lastName: z.string() }),
  memberUntil: isoInstant,
  linkCreatedBy: z.optional(required),
  writtenAt: isoInstant,
}) satisfies z.ZodMiniType<MembershipEndingEmail>;

export const membershipEndingEmailOf = (record: DynamoDBRecord): MembershipEndingEmail => imageOf(record, outboxItem, 'a membership-ending email');

/** One email to the member and one to the link's creator, each sent once; settled when both are. */
export async function notifyMembershipEnding(record: DynamoDBRecord, deps: MembershipEndingDeps, log: Record<string, unknown>): Promise<void> {
  const ending = membershipEndingEmailOf(record);
  const { domainId, member, memberUntil, linkCreatedBy } = ending;
  // Read once for both: the member as they are now (still ending then?), the creator, the domain's name.
  const [{ membership: now, directory }, creator] = await Promise.all([
    deps.store.getAccess(member.userId, domainId),
    linkCreatedBy !== undefined && linkCreatedBy !== member.userId ? deps.store.getMembership(linkCreatedBy, domainId) : undefined,
  ]);
  const why = !directory ? 'the domain no longer exists' : now?.memberUntil !== memberUntil ? 'the membership is gone or ends at another time now' : undefined;
  const about = { domainName: directory?.domain.name ?? domainId, member: now ?? member, memberUntil, usersPage: appPageUrl('users', domainId) };
  const sending = (to: string): MembershipEndingSending => ({ domainId, userId: member.userId, memberUntil, to });
  const results = await Promise.allSettled([
    sendOnce(
      deps.claims,
      sending(member.userId),
      'membership ending email',
      async (): Promise<Composed> => (why ? { none: why } : { to: now!.email, email: membershipEndingEmail(about, { role: 'member' }) }),
      deps.now,
      { ...log, domainId, userId: member.userId, memberUntil, to: 'member' },
    ),
    ...(linkCreatedBy !== undefined && linkCreatedBy !== member.userId
      ? [
          sendOnce(
            deps.claims,
            sending(linkCreatedBy),
            'membership ending email',
            async (): Promise<Composed> =>
              why ? { none: why } : !creator ? { none: 'the link\'s creator has left the domain' } : { to: creator.email, email: membershipEndingEmail(about, { role: 'link creator', recipient: creator }) },
            deps.now,
            { ...log, domainId, userId: member.userId, memberUntil, to: 'link creator' },
          ),
        ]
      : []),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The join-request emails of one stream batch. Requests for the same approver become ONE email
 * listing them all (each still claimed on its own, so a redelivery sends none of them twice); a
 * decline is one email to the person who asked. The outbox item goes once its email is settled.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { mayInvite } from '../../domain/permissions.ts';
import type { JoinRequestEmail } from '../../domain/types.ts';
import type { JoinRequestSending, NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { declinedEmail, requestsEmail } from './join-request-email.ts';
import { joinRequestEmailOf } from './join-request-image.ts';
import { appPageUrl } from './mailer.ts';
import { sendOnce, sendOnceTogether, type Composed } from './send-once.ts';

export interface JoinRequestDeps {
  store: Store;
  claims: NotificationClaims;
  now: () => Date;
}

const sendingOf = ({ requestId, kind, writtenAt }: JoinRequestEmail): JoinRequestSending => ({ requestId, kind, writtenAt });

/** The approver's email, if they are still a member who may invite (as the directory says now), to their address now. */
async function composeRequests(requests: JoinRequestEmail[], deps: JoinRequestDeps): Promise<Composed> {
  const { domainId, to } = requests[0]!;
  const { membership, directory } = await deps.store.getAccess(to.userId, domainId);
  if (!directory) return { none: 'the domain no longer exists' };
  if (!membership || !mayInvite(membership, directory.roleGroups)) return { none: 'the link\'s creator is no longer a member who may invite' };
  return { to: membership.email, email: requestsEmail(requests, membership, appPageUrl('requests', domainId)) };
}

/**
 * Starts the `requested` emails among a batch's join-request email records at once, grouped by
 * approver, and gives each of their records what its handler awaits: settled, or the error its
 * record fails with. A decline, or an image that does not parse, is left to its handler.
 */
export function startRequestEmails(records: readonly DynamoDBRecord[], deps: JoinRequestDeps): Map<string | undefined, () => Promise<void>> {
  const groups = new Map<string, { record: DynamoDBRecord; email: JoinRequestEmail }[]>();
  for (const record of records) {
    let email: JoinRequestEmail;
    try {
      email = joinRequestEmailOf(record);
    } catch {
      continue;
    }
    if (email.kind !== 'requested') continue;
    const approver = `${email.domainId}\n${email.to.userId}`;
    groups.set(approver, [...(groups.get(approver) ?? []), { record, email }]);
  }
  /** By the record's sequence number. */
  const handlers = new Map<string | undefined, () => Promise<void>>();
  for (const group of groups.values()) {
    const emails = group.map((g) => g.email);
    const log = { domainId: emails[0]!.domainId, approver: emails[0]!.to.userId, requestIds: emails.map((e) => e.requestId) };
    // Never rejects: each record's outcome is in the list, for its own handler to report.
    const sent = sendOnceTogether(deps.claims, emails.map(sendingOf), 'join request email', (held) => composeRequests(held.map((i) => emails[i]!), deps), deps.now, log).catch(
      (error: unknown) => emails.map(() => ({ settled: false as const, error: error as Error })),
    );
    group.forEach(({ record, email }, i) =>
      handlers.set(record.dynamodb?.SequenceNumber, async () => {
        const outcome = (await sent)[i]!;
        if (!outcome.settled) throw outcome.error;
        // Settled (now or by an earlier attempt): the outbox item has done its work.
        await deps.claims.clearOutbox(sendingOf(email));
      }),
    );
  }
  return handlers;
}

/** A declined request: one email to the person who asked, naming the domain and the reason given (a `requested` one here did not parse, and throws why). */
export async function notifyDeclined(record: DynamoDBRecord, deps: JoinRequestDeps, log: Record<string, unknown>): Promise<void> {
  const declined = joinRequestEmailOf(record);
  if (declined.kind !== 'declined') throw new Error(`record ${record.dynamodb?.SequenceNumber}: a ${declined.kind} email is sent with its batch`);
  const sending = sendingOf(declined);
  await sendOnce(deps.claims, sending, 'declined email', async () => ({ to: declined.to.email, email: declinedEmail(declined) }), deps.now, { ...log, requestId: declined.requestId });
  await deps.claims.clearOutbox(sending);
}

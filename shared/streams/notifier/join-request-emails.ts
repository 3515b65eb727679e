/**
 * The join-request emails of one stream batch. Each request goes to every approver: the link's
 * creator while a member who may invite, and each admin of the domain. Requests for the same
 * approver become ONE email listing them all (each still claimed on its own, per approver, so a
 * redelivery sends none of them twice); a decline is one email to the person who asked. The outbox
 * item goes once every approver's email of it is settled.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { mayInvite } from '../../domain/permissions.ts';
import type { JoinRequestEmail, Membership } from '../../domain/types.ts';
import type { JoinRequestSending, NotificationClaims } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { declinedEmail, requestsEmail } from './join-request-email.ts';
import { joinRequestEmailOf } from './join-request-image.ts';
import { appPageUrl } from './mailer.ts';
import { linkAudienceOf, type LinkAudience } from './recipients.ts';
import { sendOnce, sendOnceTogether, type TogetherOutcome } from './send-once.ts';

export interface JoinRequestDeps {
  store: Store;
  claims: NotificationClaims;
  now: () => Date;
}

const sendingOf = ({ requestId, kind, writtenAt }: JoinRequestEmail, to?: string): JoinRequestSending => ({ requestId, kind, writtenAt, ...(to ? { to } : {}) });

/** Each request's approvers, as the directory says now: one read per link creator in the batch, the admins once per domain. */
async function approversOf(emails: readonly JoinRequestEmail[], store: Store): Promise<(LinkAudience | undefined)[]> {
  const admins = new Map<string, Promise<Membership[]>>();
  const audiences = new Map<string, Promise<LinkAudience | undefined>>();
  const adminsOf = (domainId: string) => {
    if (!admins.has(domainId)) admins.set(domainId, store.listAdmins(domainId));
    return admins.get(domainId)!;
  };
  return Promise.all(
    emails.map(({ domainId, link }) => {
      const key = `${domainId}\n${link.createdBy}`;
      if (!audiences.has(key)) audiences.set(key, linkAudienceOf(store, domainId, link.createdBy, (creator, directory) => mayInvite(creator, directory.roleGroups), adminsOf(domainId)));
      return audiences.get(key)!;
    }),
  );
}

/** Every approver's emails of the batch: per approver, one email of the requests they may decide; for each request, how each of its emails ended. */
async function sendToApprovers(emails: readonly JoinRequestEmail[], deps: JoinRequestDeps): Promise<TogetherOutcome[][]> {
  const audiences = await approversOf(emails, deps.store);
  const creatorNames = new Map<string, string>();
  const groups = new Map<string, { approver: Membership; indexes: number[] }>();
  emails.forEach((email, i) => {
    const audience = audiences[i];
    if (audience?.creatorName) creatorNames.set(email.link.createdBy, audience.creatorName);
    for (const { member } of audience?.people ?? []) {
      const key = `${email.domainId}\n${member.userId}`;
      const group = groups.get(key) ?? { approver: member, indexes: [] };
      group.indexes.push(i);
      groups.set(key, group);
    }
  });
  const outcomes: TogetherOutcome[][] = emails.map(() => []);
  await Promise.all(
    [...groups.values()].map(async ({ approver, indexes }) => {
      const mine = indexes.map((i) => emails[i]!);
      const log = { domainId: approver.domainId, approver: approver.userId, requestIds: mine.map((e) => e.requestId) };
      const compose = async (held: number[]) => ({
        to: approver.email,
        email: requestsEmail(held.map((h) => mine[h]!), approver, creatorNames, appPageUrl('requests', approver.domainId)),
      });
      const sent = await sendOnceTogether(deps.claims, mine.map((e) => sendingOf(e, approver.userId)), 'join request email', compose, deps.now, log).catch(
        (error: unknown) => mine.map(() => ({ settled: false as const, error: error as Error })),
      );
      sent.forEach((outcome, k) => outcomes[indexes[k]!]!.push(outcome));
    }),
  );
  return outcomes;
}

/**
 * Starts the `requested` emails among a batch's join-request email records at once and gives each
 * of their records what its handler awaits: settled (every approver's email of it), or the error
 * its record fails with. A decline, or an image that does not parse, is left to its handler.
 */
export function startRequestEmails(records: readonly DynamoDBRecord[], deps: JoinRequestDeps): Map<string | undefined, () => Promise<void>> {
  const requested: { record: DynamoDBRecord; email: JoinRequestEmail }[] = [];
  for (const record of records) {
    let email: JoinRequestEmail;
    try {
      email = joinRequestEmailOf(record);
    } catch {
      continue;
    }
    if (email.kind === 'requested') requested.push({ record, email });
  }
  const handlers = new Map<string | undefined, () => Promise<void>>();
  if (requested.length === 0) return handlers;
  // Never rejects: a failed read fails every record of the batch, to be retried.
  const sent = sendToApprovers(
    requested.map((r) => r.email),
    deps,
  ).catch((error: unknown) => requested.map(() => [{ settled: false as const, error: error as Error }]));
  /** By the record's sequence number. */
  requested.forEach(({ record, email }, i) =>
    handlers.set(record.dynamodb?.SequenceNumber, async () => {
      const failed = (await sent)[i]!.find((outcome) => !outcome.settled);
      if (failed && !failed.settled) throw failed.error;
      // Settled for every approver (now or by an earlier attempt): the outbox item has done its work.
      await deps.claims.clearOutbox(sendingOf(email));
    }),
  );
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

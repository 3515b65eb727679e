/**
 * A join request, decided: joining through a link that needs approval records a request and admits
 * nobody; approving it is the join itself (the use counted, the gate, the membership, the email,
 * the record) with the request's decision, in one transaction; declining it only decides. Each is a
 * list of writes named for what their conditions stand for, as a join's are (join.ts), and beside
 * them what a refused write means for the person. The store commits; nothing here reads or writes.
 */
import { createHash } from 'node:crypto';
import { normalizeEmail } from './email.ts';
import { alreadyMember, joinDeclined, notFound, rejoinBlocked, requestDecided, type ErrorKind, type ServiceError } from './errors.ts';
import { isUsedUp, linkStatus } from './invite-link.ts';
import { countersIf, planJoin, type Joiner, type JoinWrite, type RefusedJoinWrite } from './join.ts';
import { mayInvite } from './permissions.ts';
import type { Domain, InviteLink, JoinRecord, JoinRequest, JoinRequestEmail, Membership, MyJoinRequest, RoleGroup } from './types.ts';

/** One request per person per link: asking twice meets the same request. */
export const requestIdOf = (linkId: string, email: string) => createHash('sha256').update(`${linkId}\n${normalizeEmail(email)}`, 'utf8').digest('base64url').slice(0, 22);

export interface Approver {
  userId: string;
  email: string;
}

/** One write of a request, an approval or a decline beyond a join's own, in the product's words. */
export type JoinRequestWrite =
  /** The link still works, on one of its counters: there, not expired, revoked or paused. No use is counted: used-up is the approval's to say. */
  | { write: 'check-link'; linkId: string; counters?: number; at: string }
  /** The person has no membership in the domain yet. */
  | { write: 'check-not-member'; domainId: string; userId: string }
  /** The domain does not hold the email: not a member's, not one an admin keeps out. */
  | { write: 'check-email-free'; domainId: string; email: string }
  /** The request, new, or over one approved before (the person was removed and let back in since); a pending or declined one stays. */
  | { write: 'put-request'; request: JoinRequest }
  /** The requester's copy, beside their memberships, as the request now stands. */
  | { write: 'put-request-copy'; userId: string; copy: MyJoinRequest; linkExpiresAt: string }
  /** The JoinRequested activity entry. */
  | { write: 'record-request'; eventId: string; request: JoinRequest }
  /** The request decided: from pending, as read (by when it was made), to `request.status`. */
  | { write: 'decide-request'; request: JoinRequest }
  /** The JoinApproved (with the join it made) or JoinDeclined activity entry. */
  | { write: 'record-decision'; eventId: string; request: JoinRequest; join?: JoinRecord }
  /** An email about the request, for the notifier to send (the outbox). */
  | { write: 'email-request'; email: JoinRequestEmail };

/** What a request, an approval or a decline commits: a join's writes and a request's. */
export type RequestFlowWrite = JoinWrite | JoinRequestWrite;

/** The request write whose condition refused, with what the store found there. */
export type RefusedRequestWrite =
  /** `found` absent: the link's counters are gone (TTL removed an expired link). */
  | { write: 'check-link'; found?: { expiresAt: string; revokedAt?: string; pausedAt?: string } }
  | { write: 'check-not-member' }
  | { write: 'check-email-free'; found?: { rejoinBlocked?: boolean } }
  /** The person's request as it stands: pending (then it is the answer) or declined. */
  | { write: 'put-request'; found?: Pick<JoinRequest, 'requestId' | 'status' | 'requestedAt'> }
  /** `found` absent: no such request any more (TTL). */
  | { write: 'decide-request'; found?: Pick<JoinRequest, 'status' | 'requestedAt'> };

export interface JoinRequestPlan {
  request: JoinRequest;
  writes: RequestFlowWrite[];
}

const copyOf = (r: JoinRequest): MyJoinRequest => ({
  requestId: r.requestId,
  domainId: r.domainId,
  domainName: r.domainName,
  status: r.status,
  requestedAt: r.requestedAt,
  ...(r.decidedAt !== undefined ? { decidedAt: r.decidedAt } : {}),
});
const copyWrite = (r: JoinRequest): JoinRequestWrite => ({ write: 'put-request-copy', userId: r.userId, copy: copyOf(r), linkExpiresAt: r.linkExpiresAt });

/**
 * The writes asking to join through `link` takes: every check a join makes before admitting (the
 * link works, the gate, not a member, not kept out), then the request, its copy, its entry and the
 * email to the link's creator. The link's own email domains refuse before any write, as a join's do.
 */
export function planJoinRequest(link: InviteLink, joiner: Joiner, now: Date, { domainName, isNewUser, eventId }: { domainName: string; isNewUser: boolean; eventId: string }): JoinRequestPlan {
  // The join's own plan says what it checks: the gate and the profile are taken from it as they are.
  const join = planJoin(link, joiner, now, { joinId: eventId, isNewUser });
  const at = now.toISOString();
  const email = normalizeEmail(joiner.email);
  const request: JoinRequest = {
    requestId: requestIdOf(link.linkId, email),
    domainId: link.domainId,
    domainName,
    linkId: link.linkId,
    ...(link.label !== undefined ? { linkLabel: link.label } : {}),
    linkCreatedBy: link.createdBy,
    linkCreatedByEmail: link.createdByEmail,
    linkExpiresAt: link.expiresAt,
    userId: joiner.userId,
    email,
    firstName: joiner.firstName,
    lastName: joiner.lastName,
    status: 'pending',
    requestedAt: at,
  };
  const writes: RequestFlowWrite[] = [
    { write: 'check-link', linkId: link.linkId, ...countersIf(link), at },
    ...join.writes.filter((w) => w.write === 'pass-gate'),
    { write: 'check-not-member', domainId: link.domainId, userId: joiner.userId },
    { write: 'check-email-free', domainId: link.domainId, email },
    { write: 'put-request', request },
    copyWrite(request),
    { write: 'record-request', eventId, request },
    { write: 'email-request', email: requestEmail(request, 'requested', { userId: link.createdBy, email: link.createdByEmail }, at) },
    ...join.writes.filter((w) => w.write === 'create-user'),
  ];
  return { request, writes };
}

/** A pending request, decided now by `approver`; anything else is decided already. */
function decided(request: JoinRequest, status: 'approved' | 'declined', approver: Approver, now: Date, reason?: string): JoinRequest {
  if (request.status !== 'pending') throw requestDecided(request.status);
  return { ...request, status, decidedAt: now.toISOString(), decidedBy: { userId: approver.userId, email: approver.email }, ...(reason !== undefined ? { reason } : {}) };
}

/**
 * Approving: the join through the request's link, as the person who asked (its use counted, so
 * `maxUses` stays exact), the request decided first (so of two approvals at once one is told it was
 * decided), its copy and its entry. The join record names the approver and sends the creator no
 * signup email: they had the request's.
 */
export function planApproval(request: JoinRequest, link: InviteLink, now: Date, { joinId, eventId, approver }: { joinId: string; eventId: string; approver: Approver }) {
  const after = decided(request, 'approved', approver, now);
  const joiner: Joiner = { userId: request.userId, email: request.email, firstName: request.firstName, lastName: request.lastName };
  const plan = planJoin(link, joiner, now, { joinId, isNewUser: false });
  const join: JoinRecord = { ...plan.join, approvedBy: after.decidedBy!, notifyCreator: false };
  const writes: RequestFlowWrite[] = [
    { write: 'decide-request', request: after },
    ...plan.writes.map((w): JoinWrite => (w.write === 'record-join' ? { ...w, join } : w)),
    copyWrite(after),
    { write: 'record-decision', eventId, request: after, join },
  ];
  return { membership: plan.membership, join, request: after, writes };
}

/** Declining: the request decided, its copy, its entry, and the email to the person who asked. */
export function planDecline(request: JoinRequest, now: Date, { eventId, approver, reason }: { eventId: string; approver: Approver; reason?: string }): JoinRequestPlan {
  const after = decided(request, 'declined', approver, now, reason);
  return {
    request: after,
    writes: [
      { write: 'decide-request', request: after },
      copyWrite(after),
      { write: 'record-decision', eventId, request: after },
      { write: 'email-request', email: requestEmail(after, 'declined', { userId: after.userId, email: after.email }, after.decidedAt!) },
    ],
  };
}

function requestEmail(r: JoinRequest, kind: JoinRequestEmail['kind'], to: JoinRequestEmail['to'], writtenAt: string): JoinRequestEmail {
  return {
    kind,
    requestId: r.requestId,
    domainId: r.domainId,
    domainName: r.domainName,
    to,
    requester: { userId: r.userId, email: r.email, firstName: r.firstName, lastName: r.lastName },
    link: { linkId: r.linkId, ...(r.linkLabel !== undefined ? { label: r.linkLabel } : {}), createdBy: r.linkCreatedBy },
    requestedAt: r.requestedAt,
    ...(r.decidedAt !== undefined ? { decidedAt: r.decidedAt } : {}),
    ...(r.decidedBy !== undefined ? { decidedBy: r.decidedBy } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    writtenAt,
  };
}

/** Who decides a request: a domain admin, or the link's creator while they may invite. */
export function mayDecide(member: Membership, roleGroups: readonly RoleGroup[], request: Pick<JoinRequest, 'linkCreatedBy'>): boolean {
  return member.isAdmin || (request.linkCreatedBy === member.userId && mayInvite(member, roleGroups));
}

/**
 * Refusals of a request's writes about the person or the request itself: already a member, kept
 * out, declined before, decided before, gone. A pending request met again is no refusal (undefined,
 * as for the link's writes, which linkRefusal in join.ts explains).
 */
export function requestRefusal(refused: RefusedRequestWrite, domainName: string): ServiceError | undefined {
  switch (refused.write) {
    case 'check-not-member':
      return alreadyMember();
    case 'check-email-free':
      return refused.found?.rejoinBlocked ? rejoinBlocked() : alreadyMember();
    case 'put-request':
      return refused.found?.status === 'declined' ? joinDeclined(domainName) : undefined;
    case 'decide-request':
      return refused.found ? requestDecided(refused.found.status === 'pending' ? 'approved' : refused.found.status) : notFound('The join request');
    case 'check-link':
      return undefined;
  }
}

/** The check-link refusal as the use count's, which says what ended the link. */
export const asUseRefusal = (refused: Extract<RefusedRequestWrite, { write: 'check-link' }>): Extract<RefusedJoinWrite, { write: 'count-use' }> => ({
  write: 'count-use',
  ...(refused.found ? { found: refused.found } : {}),
});

/**
 * The error a join through a pending request's link would get now, if the link no longer works:
 * gone (TTL removed it long after it expired), off, revoked or ended, expired, used up. A paused
 * link still works once resumed, so it has not ended.
 */
export function linkEndOf(link: InviteLink | undefined, useCount: number, domain: Domain, now: Date): ErrorKind | undefined {
  if (!link) return 'LinkExpired';
  switch (linkStatus(link, domain, now)) {
    case 'DISABLED':
      return 'LinksDisabled';
    case 'REVOKED':
      return 'LinkRevoked';
    case 'EXPIRED':
      return 'LinkExpired';
    case 'ACTIVE':
      return isUsedUp(link, useCount) ? 'LinkUsedUp' : undefined;
  }
}

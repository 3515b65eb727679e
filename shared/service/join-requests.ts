/**
 * Join requests: asking to join through a link that needs approval, and deciding. Read, let the
 * domain plan the writes (shared/domain/join-request.ts), commit them as a join is committed, and
 * when a write's condition refused, let the domain say what that means.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../contract/activity.ts';
import { busy, forbidden, linkExpired, linkNotFound, notFound, type ErrorKind } from '../domain/errors.ts';
import { linkRefusal, personRefusal, type Joiner, type RefusedJoinWrite } from '../domain/join.ts';
import {
  asUseRefusal, linkEndOf, mayDecide, planApproval, planDecline, planJoinRequest, requestRefusal, type RefusedRequestWrite,
} from '../domain/join-request.ts';
import type { Directory, InviteLink, JoinRequest, JoinRequestStatus, Membership } from '../domain/types.ts';
import type { JoinRequestCommit, Page, PageRequest, Store } from '../store/store.ts';
import { now as timeNow } from '../clock.ts';
import { asInviter, asMember } from './access.ts';
import { goneLinkError } from './gone-link.ts';

/** What asking to join answers (202): the pending request, the same one each time the person asks again. */
export interface PendingJoin {
  status: 'pending';
  requestId: string;
  domainId: string;
  domainName: string;
  requestedAt: string;
}

const pending = (r: Pick<JoinRequest, 'requestId' | 'domainId' | 'domainName' | 'requestedAt'>): PendingJoin => ({
  status: 'pending',
  requestId: r.requestId,
  domainId: r.domainId,
  domainName: r.domainName,
  requestedAt: r.requestedAt,
});

/** Through a link that needs approval: everything a join checks, then the request instead of the membership. */
export async function requestToJoin(store: Store, link: InviteLink, joiner: Joiner, now: Date, isNewUser: boolean): Promise<PendingJoin> {
  // The request and its copy name the organisation; a domain gone takes its links with it.
  const domain = await store.getDomain(link.domainId);
  if (!domain) throw await goneLinkError(store, link.linkId, now);
  const plan = planJoinRequest(link, joiner, now, { domainName: domain.name, isNewUser, eventId: randomUUID() });
  const commit = await store.commitJoinRequest(plan.writes);
  if ('done' in commit) return pending(plan.request);
  const { refused } = commit;
  if (refused.write === 'put-request' && refused.found?.status === 'pending') return pending({ ...plan.request, ...refused.found });
  throw await refusalOf(store, refused, link, domain.name);
}

/** What a refused request, approval or decline means for the person: about them or the request, else about the link. */
async function refusalOf(store: Store, refused: Extract<JoinRequestCommit, { refused: unknown }>['refused'], link: InviteLink, domainName: string) {
  const aboutTheRequest = isRequestWrite(refused) ? requestRefusal(refused, domainName) : personRefusal(refused);
  if (aboutTheRequest) return aboutTheRequest;
  const onLink = refused.write === 'check-link' ? asUseRefusal(refused) : refused;
  if (onLink.write !== 'count-use' && onLink.write !== 'pass-gate') return new Error(`a join request write that cannot refuse did: ${onLink.write}`);
  // A link without counters any more was removed by TTL after it expired; a domain gone takes its links with it.
  if (onLink.write === 'count-use' && !onLink.usedUp && !onLink.found) return linkExpired(domainName);
  const domain = await store.getDomain(link.domainId);
  return domain ? linkRefusal(onLink, link, domain) : linkNotFound();
}

const REQUEST_WRITES = new Set<string>(['check-link', 'check-not-member', 'check-email-free', 'put-request', 'decide-request'] satisfies RefusedRequestWrite['write'][]);
const isRequestWrite = (refused: RefusedJoinWrite | RefusedRequestWrite): refused is RefusedRequestWrite => REQUEST_WRITES.has(refused.write);

/** One of the domain's requests, for whoever may decide it: an admin, or the link's creator while they may invite. */
async function requestToDecide(store: Store, actor: Actor, domainId: string, requestId: string): Promise<{ member: Membership; directory: Directory; request: JoinRequest }> {
  // Authorize before reading: a caller who is not a member costs the caller check and nothing more.
  const { member, directory } = await asMember(store, actor.userId, domainId);
  const request = await store.getJoinRequest(requestId);
  if (!request || request.domainId !== domainId) throw notFound('The join request');
  if (!mayDecide(member, directory.roleGroups, request)) throw forbidden('Only the link’s creator (while they may invite) or a domain admin may decide this request.');
  return { member, directory, request };
}

/** Approves it: the person joins with the link's grant and the link's use is counted, in one transaction with the decision. */
export async function approveJoinRequest(store: Store, actor: Actor, domainId: string, requestId: string): Promise<Membership> {
  const { request } = await requestToDecide(store, actor, domainId, requestId);
  const now = timeNow();
  const link = await store.getInviteLink(request.linkId);
  // TTL removes a link only long after it expired.
  if (!link) throw linkExpired(request.domainName);
  const plan = planApproval(request, link, now, { joinId: randomUUID(), eventId: randomUUID(), approver: actor });
  const commit = await store.commitJoinRequest(plan.writes);
  if ('done' in commit) return plan.membership;
  throw await refusalOf(store, commit.refused, link, request.domainName);
}

/** Declines it: the person is told (by email), and asking again through that link is refused. */
export async function declineJoinRequest(store: Store, actor: Actor, domainId: string, requestId: string, reason?: string): Promise<JoinRequest> {
  const { request } = await requestToDecide(store, actor, domainId, requestId);
  const plan = planDecline(request, timeNow(), { eventId: randomUUID(), approver: actor, ...(reason !== undefined ? { reason } : {}) });
  const commit = await store.commitJoinRequest(plan.writes);
  if ('done' in commit) return plan.request;
  const { refused } = commit;
  throw (isRequestWrite(refused) ? requestRefusal(refused, request.domainName) : undefined) ?? busy();
}

export interface ListedJoinRequest {
  request: JoinRequest;
  /** A pending request's link that no longer works: the error a join through it would get. */
  linkEnded?: ErrorKind;
}

/** A page of the domain's requests with one status, newest first: an admin sees all, any other inviter those through the links they made. */
export async function listJoinRequests(
  store: Store,
  callerId: string,
  domainId: string,
  page: PageRequest & { status: JoinRequestStatus; inviteLinkId?: string },
): Promise<Page<ListedJoinRequest>> {
  const { member, directory } = await asInviter(store, callerId, domainId);
  const found = await store.listJoinRequests(domainId, { ...page, ...(member.isAdmin ? {} : { linkCreatedBy: member.userId }) });
  const pendingOnes = found.items.filter((r) => r.status === 'pending');
  const links = await store.getLinksWithUses([...new Set(pendingOnes.map((r) => r.linkId))]);
  const now = timeNow();
  return {
    items: found.items.map((request) => {
      if (request.status !== 'pending') return { request };
      const state = links.get(request.linkId);
      const linkEnded = linkEndOf(state?.link, state?.useCount ?? 0, directory.domain, now);
      return { request, ...(linkEnded ? { linkEnded } : {}) };
    }),
    ...(found.next ? { next: found.next } : {}),
  };
}

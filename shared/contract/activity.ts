/**
 * The domain's activity: each change of state is written, in the same transaction as the change,
 * as one entry (an event's detail with its type). The events feed publishes each entry from the
 * table's stream, and the Activity list reads them back. A join's record is its MemberJoined entry.
 */
import { randomUUID } from 'node:crypto';
import { membershipFromGrant, pickGrant } from '../domain/invite-link.ts';
import { isInvitationJoin, type InvitationJoinRecord } from '../domain/join.ts';
import type { Invitation, InviteLink, JoinRecord, JoinRequest, Membership, PauseAfter } from '../domain/types.ts';
import { inviteLinkView } from './views.ts';
import type { ActivityEntry, EventDetail } from './event-schemas.ts';
import { EVENT_VERSION, type EventType } from './event-types.ts';

export interface Actor {
  userId: string;
  email: string;
}

/** The caller as the token names them (the email is the token's verified one). */
export const actorOf = (callerId: string, claims: Readonly<Record<string, string | undefined>>): Actor => ({ userId: callerId, email: (claims.email ?? '').toLowerCase() });

type Fields<T extends EventType> = Omit<EventDetail<T>, 'version' | 'eventId' | 'occurredAt' | 'domainId' | 'actor'>;

function entry<T extends EventType>(type: T, domainId: string, actor: Actor | undefined, occurredAt: string, fields: Fields<T>): ActivityEntry {
  return { type, version: EVENT_VERSION, eventId: randomUUID(), occurredAt, domainId, ...(actor ? { actor } : {}), ...fields } as ActivityEntry;
}

const grantOf = (m: Membership) => ({ userType: m.userType, isAdmin: m.isAdmin, teamIds: m.teamIds, roleGroupIds: m.roleGroupIds, groupIds: m.groupIds });
const stateOf = (m: Membership) => ({ ...grantOf(m), ...(m.memberUntil !== undefined ? { memberUntil: m.memberUntil } : {}) });
const linkRefOf = (link: Pick<InviteLink, 'linkId' | 'label' | 'createdBy' | 'createdByEmail'>) => ({
  id: link.linkId,
  ...(link.label !== undefined ? { label: link.label } : {}),
  createdBy: link.createdBy,
  ...(link.createdByEmail !== undefined ? { createdByEmail: link.createdByEmail } : {}),
});

const invitationRefOf = (invitation: Invitation) => ({ id: invitation.invitationId, email: invitation.email, createdBy: invitation.createdBy, createdByEmail: invitation.createdByEmail });

export const activity = {
  linkCreated: (link: InviteLink, actor: Actor, reissuedFrom?: InviteLink) =>
    entry('InviteLinkCreated', link.domainId, actor, link.createdAt, { link: inviteLinkView(link), ...(reissuedFrom ? { reissuedFrom: linkRefOf(reissuedFrom) } : {}) }),
  linkRevoked: (link: InviteLink, actor: Actor, at: string, replacedBy?: InviteLink) =>
    entry('InviteLinkRevoked', link.domainId, actor, at, { link: linkRefOf(link), ...(replacedBy ? { replacedBy: linkRefOf(replacedBy) } : {}) }),
  linkRevealed: (link: InviteLink, actor: Actor, at: string) => entry('InviteLinkRevealed', link.domainId, actor, at, { link: linkRefOf(link) }),
  allRevoked: (domainId: string, actor: Actor, at: string, createdBy?: { userId: string; email?: string }) =>
    entry('InviteLinksRevokedAll', domainId, actor, at, createdBy ? { createdBy: createdBy.userId, ...(createdBy.email !== undefined ? { createdByEmail: createdBy.email } : {}) } : {}),
  linksSwitched: (domainId: string, enabled: boolean, actor: Actor, at: string) =>
    entry(enabled ? 'InviteLinksEnabled' : 'InviteLinksDisabled', domainId, actor, at, {}),
  /** No actor: the service changed it (the last admin's memberUntil cleared). */
  memberUpdated: (before: Membership, after: Membership, actor: Actor | undefined, at: string) =>
    entry('MemberUpdated', before.domainId, actor, at, { member: { userId: before.userId, email: before.email }, before: stateOf(before), after: stateOf(after) }),
  /** No actor, reason `expired`: the membership reached its memberUntil. */
  memberRemoved: (member: Membership, actor: Actor | undefined, at: string, rejoinBlocked: boolean, reason?: 'expired') =>
    entry('MemberRemoved', member.domainId, actor, at, { member: { userId: member.userId, email: member.email, ...grantOf(member) }, rejoinBlocked, ...(reason ? { reason } : {}) }),
  rejoinAllowed: (domainId: string, member: { userId: string; email: string }, actor: Actor, at: string) =>
    entry('MemberRejoinAllowed', domainId, actor, at, { member: { userId: member.userId, email: member.email } }),
  invitationCreated: (invitation: Invitation, actor: Actor) =>
    entry('InvitationCreated', invitation.domainId, actor, invitation.createdAt, {
      invitation: {
        ...invitationRefOf(invitation),
        ...pickGrant(invitation),
        expiresAt: invitation.expiresAt,
      },
    }),
  invitationRevoked: (invitation: Invitation, actor: Actor, at: string) => entry('InvitationRevoked', invitation.domainId, actor, at, { invitation: invitationRefOf(invitation) }),
  invitationResent: (invitation: Invitation, actor: Actor) =>
    entry('InvitationResent', invitation.domainId, actor, invitation.lastSentAt, { invitation: { ...invitationRefOf(invitation), expiresAt: invitation.expiresAt, sendCount: invitation.sendCount } }),
  invitationsRevokedAll: (domainId: string, revoked: number, actor: Actor, at: string) => entry('InvitationsRevokedAll', domainId, actor, at, { revoked }),
  linksPaused: (domainId: string, pausedUntil: string, hours: number, actor: Actor, at: string) => entry('InviteLinksPaused', domainId, actor, at, { pausedUntil, hours }),
  linksResumed: (domainId: string, actor: Actor, at: string) => entry('InviteLinksResumed', domainId, actor, at, {}),
  /** The guard paused the link (no actor), or a person did: the rule that tripped and who joined in its window. */
  linkPaused: (link: InviteLink, rule: PauseAfter, burst: readonly { userId: string; email: string; joinedAt: string }[], at: string, actor?: Actor) =>
    entry('InviteLinkPaused', link.domainId, actor, at, { link: linkRefOf(link), joins: rule.joins, withinMinutes: rule.withinMinutes, burst: burst.map(({ userId, email, joinedAt }) => ({ userId, email, joinedAt })) }),
  linkResumed: (link: InviteLink, actor: Actor, at: string) => entry('InviteLinkResumed', link.domainId, actor, at, { link: linkRefOf(link) }),
  /** The service noticed, on time (shared/domain/timers.ts): no actor. */
  linkExpiring: (link: InviteLink, useCount: number, at: string) =>
    entry('InviteLinkExpiring', link.domainId, undefined, at, { link: linkRefOf(link), expiresAt: link.expiresAt, useCount, ...(link.maxUses !== undefined ? { maxUses: link.maxUses } : {}) }),
  linkUsedUp: (link: InviteLink & { maxUses: number }, at: string) => entry('InviteLinkUsedUp', link.domainId, undefined, at, { link: linkRefOf(link), maxUses: link.maxUses }),
  linkExpired: (link: InviteLink, useCount: number) => entry('InviteLinkExpired', link.domainId, undefined, link.expiresAt, { link: linkRefOf(link), useCount }),
};

/** A join's record as its MemberJoined entry: the eventId is the join's id, so it is the same on every read. */
export function memberJoined(join: JoinRecord): ActivityEntry {
  return {
    type: 'MemberJoined',
    version: EVENT_VERSION,
    eventId: join.joinId,
    occurredAt: join.joinedAt,
    domainId: join.domainId,
    actor: { userId: join.userId, email: join.email },
    member: joinerOf(join),
    ...(isInvitationJoin(join)
      ? { invitation: invitationOfJoin(join) }
      : { link: { id: String(join.linkId), ...(join.linkLabel !== undefined ? { label: join.linkLabel } : {}), createdBy: join.linkCreatedBy } }),
  };
}

/** An invitation join's InvitationAccepted entry, written beside its MemberJoined one under its own id. */
export const invitationAccepted = (join: InvitationJoinRecord, eventId: string): ActivityEntry => ({
  ...entry('InvitationAccepted', join.domainId, { userId: join.userId, email: join.email }, join.joinedAt, { member: joinerOf(join), invitation: invitationOfJoin(join) }),
  eventId,
});

const joinRequestRefOf = (r: JoinRequest) => ({ id: r.requestId, linkId: r.linkId, userId: r.userId, email: r.email, firstName: r.firstName, lastName: r.lastName });

/** A join request's entries, each under the event id its plan gave it (shared/domain/join-request.ts). */
export const joinRequested = (r: JoinRequest, eventId: string): ActivityEntry => ({
  ...entry('JoinRequested', r.domainId, { userId: r.userId, email: r.email }, r.requestedAt, { request: joinRequestRefOf(r) }),
  eventId,
});
export const joinApproved = (r: JoinRequest, join: JoinRecord, eventId: string): ActivityEntry => ({
  ...entry('JoinApproved', r.domainId, r.decidedBy, r.decidedAt ?? join.joinedAt, { request: joinRequestRefOf(r), member: joinerOf(join) }),
  eventId,
});
export const joinDeclined = (r: JoinRequest, eventId: string): ActivityEntry => ({
  ...entry('JoinDeclined', r.domainId, r.decidedBy, r.decidedAt ?? r.requestedAt, { request: joinRequestRefOf(r), ...(r.reason !== undefined ? { reason: r.reason } : {}) }),
  eventId,
});

function joinerOf(join: JoinRecord) {
  const { userType, teamIds, roleGroupIds, groupIds } = membershipFromGrant(join.grant);
  return {
    userId: join.userId,
    email: join.email,
    firstName: join.firstName,
    lastName: join.lastName,
    userType,
    isAdmin: false,
    teamIds,
    roleGroupIds,
    groupIds,
    ...(join.memberUntil !== undefined ? { memberUntil: join.memberUntil } : {}),
  };
}

/** The invitation as a join names it: the invited address is the joiner's. */
const invitationOfJoin = (join: InvitationJoinRecord) => ({ id: join.invitationId, email: join.email, createdBy: join.linkCreatedBy });

/** Product records as table items: keys, entity type and TTL added in one place per type. */
import { ACTIVITY_RETENTION_SECONDS, LINK_EXPIRY_MEMORY_SECONDS } from '../../config.ts';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import { capOf, RECENTLY_ENDED_DAYS, ttlOf } from '../../domain/invite-link.ts';
import type { Directory, Domain, Invitation, InvitationEmail, InviteLink, JoinRecord, JoinRequest, JoinRequestEmail, LinkEndingEmail, LinkPausedEmail, Membership, MembershipEndingEmail, MyJoinRequest, RemovedMember, User } from '../../domain/types.ts';
import { gateStateOf } from './gate-sync.ts';
import { keys } from './keys.ts';
import { countersOf, ENTITY, SHARDS, TABLE } from './table.ts';

const shards = (count: number) => Array.from({ length: count }, (_, shard) => shard);

/** A link and its counters are kept this long past its expiry: the "Recently ended" list shows it, and re-issue reads it. */
const ENDED_LINK_MEMORY_SECONDS = RECENTLY_ENDED_DAYS * 24 * 3600;

export type Item = Record<string, unknown>;

/** An invitation email's outbox item lives a day: the notifier deletes it once sent, so no sealed token lingers. */
const INVITATION_EMAIL_TTL_SECONDS = 24 * 3600;
/** A join request and its copy are kept 30 days past their link's expiry. */
const JOIN_REQUEST_MEMORY_SECONDS = 30 * 24 * 3600;
const joinRequestTtl = (linkExpiresAt: string) => ttlOf(linkExpiresAt) + JOIN_REQUEST_MEMORY_SECONDS;
/** A day's sending count is kept a day past its day. */
export const INVITATION_QUOTA_TTL_SECONDS = 2 * 24 * 3600;

export const items = {
  domain: (d: Domain): Item => ({ ...keys.domain(d.domainId), entityType: ENTITY.Domain, ...d }),
  /** Every gate of a domain, holding what joins check of the domain item as it is (gate-sync.ts). */
  domainGates: (d: Domain): Item[] =>
    shards(SHARDS.domainGates).map((shard) => ({
      ...keys.domainGate(d.domainId, shard),
      entityType: ENTITY.DomainGate,
      domainId: d.domainId,
      ...gateStateOf(d),
    })),
  directory: ({ domain, teams, roleGroups, groups }: Directory): Item => ({
    ...keys.directory(domain.domainId),
    entityType: ENTITY.Directory,
    teams,
    roleGroups,
    groups,
  }),
  user: (u: User): Item => ({ ...keys.user(u.userId), entityType: ENTITY.User, ...u }),
  memberEmail: (domainId: string, email: string, userId: string): Item => ({
    ...keys.memberEmail(domainId, email),
    entityType: ENTITY.MemberEmail,
    domainId,
    email,
    userId,
  }),
  /** The email's claim kept when a member is removed, so no one with that email rejoins until an admin allows it. */
  removedMember: (domainId: string, m: RemovedMember): Item => ({
    ...keys.memberEmail(domainId, m.email),
    ...keys.removedMemberIndex(domainId, m.email),
    entityType: ENTITY.MemberEmail,
    domainId,
    rejoinBlocked: true,
    ...m,
  }),
  membership: (m: Membership): Item => ({
    ...keys.membership(m.userId, m.domainId),
    ...keys.membershipIndex(m.userId, m.domainId, m.email),
    entityType: ENTITY.Membership,
    ...m,
  }),
  inviteLink: (link: InviteLink): Item => ({
    ...keys.link(link.linkId),
    ...keys.linkIndex(link.domainId, link.generation, link.createdAt, link.linkId),
    entityType: ENTITY.InviteLink,
    [TABLE.ttlAttribute]: ttlOf(link.expiresAt) + ENDED_LINK_MEMORY_SECONDS,
    ...link,
  }),
  /** What is left of a link once TTL has removed it: its domain and expiry, for LINK_EXPIRED. */
  linkExpiry: (link: InviteLink): Item => ({
    ...keys.linkExpiry(link.linkId),
    entityType: ENTITY.LinkExpiry,
    linkId: link.linkId,
    domainId: link.domainId,
    expiresAt: link.expiresAt,
    [TABLE.ttlAttribute]: ttlOf(link.expiresAt) + LINK_EXPIRY_MEMORY_SECONDS,
  }),
  /** The link's token as the TokenVault sealed it, gone with the link (same TTL): nothing reads it but a reveal. */
  linkToken: (link: InviteLink, sealedToken: string): Item => ({
    ...keys.linkToken(link.linkId),
    entityType: ENTITY.LinkToken,
    linkId: link.linkId,
    domainId: link.domainId,
    sealedToken,
    [TABLE.ttlAttribute]: ttlOf(link.expiresAt),
  }),
  /** Every use counter of a new link, at zero. */
  linkCounters: (link: InviteLink): Item[] =>
    shards(countersOf(link)).map((shard) => ({
      ...keys.linkCounter(link.linkId, shard),
      entityType: ENTITY.LinkCounter,
      linkId: link.linkId,
      useCount: 0,
      ...(link.maxUses !== undefined ? { cap: capOf(shard, countersOf(link), link.maxUses) } : {}),
      expiresAt: link.expiresAt,
      [TABLE.ttlAttribute]: ttlOf(link.expiresAt) + ENDED_LINK_MEMORY_SECONDS,
    })),
  /** Kept 31 days past its expiry, like a link's expiry item, so an old invitation's token still answers "expired". */
  invitation: (invitation: Invitation): Item => ({
    ...keys.invitation(invitation.invitationId),
    ...keys.invitationIndex(invitation.domainId, invitation.createdAt, invitation.invitationId),
    entityType: ENTITY.Invitation,
    [TABLE.ttlAttribute]: ttlOf(invitation.expiresAt) + LINK_EXPIRY_MEMORY_SECONDS,
    ...invitation,
  }),
  invitationToken: (invitation: Invitation): Item => ({
    ...keys.invitationToken(invitation.tokenHash),
    entityType: ENTITY.InvitationToken,
    invitationId: invitation.invitationId,
    domainId: invitation.domainId,
    expiresAt: invitation.expiresAt,
    [TABLE.ttlAttribute]: ttlOf(invitation.expiresAt) + LINK_EXPIRY_MEMORY_SECONDS,
  }),
  /** The address's one pending invitation; with its creator's generation, so one that ended with its creator's authority gives way. */
  invitationAddress: (invitation: Invitation): Item => ({
    ...keys.invitationAddress(invitation.domainId, invitation.email),
    entityType: ENTITY.InvitationAddress,
    invitationId: invitation.invitationId,
    domainId: invitation.domainId,
    email: invitation.email,
    expiresAt: invitation.expiresAt,
    createdBy: invitation.createdBy,
    creatorGeneration: invitation.creatorGeneration,
    [TABLE.ttlAttribute]: ttlOf(invitation.expiresAt),
  }),
  invitationEmail: (email: InvitationEmail): Item => ({
    ...keys.invitationEmail(email.invitationId, email.sendCount),
    entityType: ENTITY.InvitationEmail,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(email.sentAt) / 1000) + INVITATION_EMAIL_TTL_SECONDS,
    ...email,
  }),
  /** Kept 30 days past its link's expiry, so a decided request still says what became of it. */
  joinRequest: (request: JoinRequest): Item => ({
    ...keys.joinRequest(request.requestId),
    ...keys.joinRequestIndex(request.domainId, request.status, request.requestedAt, request.requestId),
    entityType: ENTITY.JoinRequest,
    [TABLE.ttlAttribute]: joinRequestTtl(request.linkExpiresAt),
    ...request,
  }),
  myJoinRequest: (userId: string, copy: MyJoinRequest, linkExpiresAt: string): Item => ({
    ...keys.myJoinRequest(userId, copy.requestId),
    entityType: ENTITY.MyJoinRequest,
    [TABLE.ttlAttribute]: joinRequestTtl(linkExpiresAt),
    ...copy,
  }),
  /** Lives a day like an invitation email's: the notifier deletes it once sent. */
  joinRequestEmail: (email: JoinRequestEmail): Item => ({
    ...keys.joinRequestEmail(email.requestId, email.kind, email.writtenAt),
    entityType: ENTITY.JoinRequestEmail,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(email.writtenAt) / 1000) + INVITATION_EMAIL_TTL_SECONDS,
    ...email,
  }),
  /** Lives a day like an invitation email's: the notifier deletes it once sent. */
  linkPausedEmail: (email: LinkPausedEmail): Item => ({
    ...keys.linkPausedEmail(email.link.linkId, email.pausedAt),
    entityType: ENTITY.LinkPausedEmail,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(email.pausedAt) / 1000) + INVITATION_EMAIL_TTL_SECONDS,
    ...email,
  }),
  /** Lives a day like an invitation email's: the notifier deletes it once sent. */
  linkEndingEmail: (email: LinkEndingEmail): Item => ({
    ...keys.linkEndingEmail(email.link.linkId, email.kind),
    entityType: ENTITY.LinkEndingEmail,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(email.writtenAt) / 1000) + INVITATION_EMAIL_TTL_SECONDS,
    ...email,
  }),
  /** Kept a week past the membership's end: the mark that this warning was written (and its claims beside it). */
  membershipEndingEmail: (email: MembershipEndingEmail): Item => ({
    ...keys.membershipEndingEmail(email.domainId, email.member.userId, email.memberUntil),
    entityType: ENTITY.MembershipEndingEmail,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(email.memberUntil) / 1000) + 7 * 24 * 3600,
    ...email,
  }),
  /** The join record is also the domain's MemberJoined activity entry (read back by memberJoined). */
  join: (join: JoinRecord): Item => ({
    ...keys.activity(join.domainId, join.joinedAt, join.joinId),
    entityType: ENTITY.Join,
    // So the Activity list's type filter finds joins too.
    type: 'MemberJoined',
    [TABLE.ttlAttribute]: Math.floor(Date.parse(join.joinedAt) / 1000) + ACTIVITY_RETENTION_SECONDS,
    ...join,
  }),
  activity: (entry: ActivityEntry): Item => ({
    ...keys.activity(entry.domainId, entry.occurredAt, entry.eventId),
    entityType: ENTITY.Activity,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(entry.occurredAt) / 1000) + ACTIVITY_RETENTION_SECONDS,
    ...entry,
  }),
};

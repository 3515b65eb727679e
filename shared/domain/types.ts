/** The product's nouns. Pure data: no AWS, no HTTP. */

/** Ascending rank: a creator may hand out their own type or one below it. */
export const USER_TYPES = ['BROWSE', 'STANDARD', 'POWER'] as const;
export type UserType = (typeof USER_TYPES)[number];
/** How the product names each user type to people (pages and emails). */
export const USER_TYPE_LABEL: Record<UserType, string> = { POWER: 'Power', STANDARD: 'Standard', BROWSE: 'Browse' };

/** The permission a role group grants to let its members invite people. */
export const INVITE_PERMISSION = 'users:create';

export interface Domain {
  domainId: string;
  name: string;
  defaultTeamId: string;
  linksEnabled: boolean;
  /** Bumped by "delete all existing links" and by disabling: a link lives only in the generation it was made in. */
  linkGeneration: number;
  settingsUpdatedAt?: string;
  settingsUpdatedBy?: string;
  /** The last "delete all existing links" and the last switch-off: which of them ended an older link. */
  linksRevokedAt?: string;
  linksRevokedBy?: string;
  linksDisabledAt?: string;
  /** Email domains every joiner's verified email must be in; empty or absent: any. */
  allowedEmailDomains?: string[];
  /** How many admins the domain has: the last one cannot be removed or demoted. */
  adminCount?: number;
  /** "Pause all links" until then (on the gates too): no link admits anyone before it; nothing is killed. */
  linksPausedUntil?: string;
  linksPausedBy?: string;
  /** The guard a new link gets when its creator gives it none. */
  defaultPauseAfter?: PauseAfter;
  /** Per creator: bumped when their authority shrinks or "delete all of their links"; a link lives only in its creator's generation. */
  [creatorGeneration: `creatorGeneration#${string}`]: number | undefined;
}

export interface Team { id: string; name: string }
export interface RoleGroup { id: string; name: string; permissions: string[] }
export interface Group { id: string; name: string }

/** A domain with everything an invite can refer to. */
export interface Directory {
  domain: Domain;
  teams: Team[];
  roleGroups: RoleGroup[];
  groups: Group[];
}

export interface User {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: string;
}

/** A user's place in one domain. */
export interface Membership {
  userId: string;
  domainId: string;
  email: string;
  firstName: string;
  lastName: string;
  userType: UserType;
  isAdmin: boolean;
  teamIds: string[];
  roleGroupIds: string[];
  groupIds: string[];
  /** Set when a link made a legacy group, not a team, the member's primary: it is then first in groupIds. */
  primaryGroupId?: string;
  joinedVia?: JoinedVia;
  createdAt: string;
  /** Bumped by every edit, so an edit made on a stale read is refused. */
  version?: number;
  /** The membership ends then (a link's membershipDays, or an admin): removed with reason `expired` (shared/service/membership-end.ts). */
  memberUntil?: string;
}

/**
 * Someone an admin removed who may not join the domain again through a link until an admin allows
 * it: the domain keeps its claim on their email, marked, so any identity with that email is refused.
 */
export interface RemovedMember {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  removedAt: string;
  /** The admin who removed them, and their email then; absent when their membership ended on its own (`reason: 'expired'`). */
  removedBy?: string;
  removedByEmail?: string;
  reason?: 'expired';
}

/** How a member came in: the link or the email invitation, when, and who made it. */
export interface JoinedVia {
  /** One of linkId and invitationId: what they joined through. */
  linkId?: string;
  invitationId?: string;
  at: string;
  label?: string;
  invitedBy?: { userId: string; email: string };
}

/** A link's join-rate guard: more than `joins` people joining within `withinMinutes` pauses the link. */
export interface PauseAfter {
  joins: number;
  withinMinutes: number;
}

/** What a link hands to everyone who joins through it. Fixed for the link's life. */
export interface LinkGrant {
  userType: UserType;
  primaryTeamId?: string;
  primaryGroupId?: string;
  additionalTeamIds: string[];
  roleGroupIds: string[];
  groupIds: string[];
}

export interface InviteLink extends LinkGrant {
  /** base64url SHA-256 of the token: derivable from the token, useless without it. */
  linkId: string;
  domainId: string;
  createdBy: string;
  createdByEmail: string;
  createdAt: string;
  expiresAt: string;
  /** The domain's link generation when the link was made. */
  generation: number;
  /** Its creator's generation when the link was made (absent: 0). */
  creatorGeneration?: number;
  revokedAt?: string;
  onboarding: boolean;
  label?: string;
  /** At most this many joins; split over the use counters (capOf in invite-link.ts). */
  maxUses?: number;
  /** How many use counters it was made with (the store's choice, by maxUses; absent on links made before: 16). */
  counters?: number;
  /** Email domains a joiner's verified email must be in; empty: any (the domain's own list still applies). */
  allowedEmailDomains: string[];
  /** False: the creator gets no signup emails for this link. */
  notifyCreator: boolean;
  /** True: joining makes a join request that the creator or an admin approves (shared/domain/join-request.ts). */
  requireApproval?: boolean;
  /** Its join-rate guard, fixed at creation (the domain's default when its creator gave none). */
  pauseAfter?: PauseAfter;
  /** Paused (by its guard, or a person) until its creator or an admin resumes it; on every counter too. */
  pausedAt?: string;
  /** `guard`, or the userId of who paused it. */
  pausedBy?: string;
  /** Memberships made through the link end this many days after the join (memberUntil). */
  membershipDays?: number;
  /** When the service noted, once each (shared/service/timers.ts, shared/streams/link-ends/): the warning a day before its end, */
  expiringNotedAt?: string;
  /** the warning at 80 % of maxUses, */
  usesNotedAt?: string;
  /** its last use taken (InviteLinkUsedUp), */
  usedUpNotedAt?: string;
  /** and its expiry (InviteLinkExpired). */
  expiredNotedAt?: string;
}

/** What the service notes once on a link (and says in an event, or an email, or both). */
export type LinkMark = 'expiringNotedAt' | 'usesNotedAt' | 'usedUpNotedAt' | 'expiredNotedAt';

/**
 * The email warning a link's creator that it ends soon: a day before it expires (`expiring`), or at
 * 80 % of its uses (`uses`). The outbox item written with the mark, which the notifier sends once.
 */
export interface LinkEndingEmail {
  kind: 'expiring' | 'uses';
  link: { linkId: string; label?: string; createdBy: string; expiresAt: string; maxUses?: number };
  domainId: string;
  useCount: number;
  writtenAt: string;
}

/**
 * One person invited by email: a single-use invitation bound to their address, with its own token
 * (only its hash is kept; a resend replaces it). Pending while not revoked, not accepted, not
 * expired, and its creator's generation still the domain's for them (shared/domain/invitation.ts).
 */
export interface Invitation extends LinkGrant {
  /** Random (16 bytes, base64url), not derived from the token. */
  invitationId: string;
  domainId: string;
  /** The invited address, lower-cased. */
  email: string;
  /** base64url SHA-256 of the current token. */
  tokenHash: string;
  createdBy: string;
  createdByEmail: string;
  createdAt: string;
  expiresAt: string;
  /** The creator's generation at creation: their removal or demotion ends their invitations like their links. */
  creatorGeneration: number;
  message?: string;
  /** 1 at creation, one more per resend. */
  sendCount: number;
  lastSentAt: string;
  revokedAt?: string;
  revokedBy?: string;
  acceptedAt?: string;
  /** The userId of who accepted it. */
  acceptedBy?: string;
}

/**
 * One invitation email to send (the outbox item the notifier reads from the stream): everything
 * the email says, and the token sealed (TokenVault, context {domainId, linkId: invitationId}).
 */
export interface InvitationEmail {
  invitationId: string;
  domainId: string;
  domainName: string;
  /** The invited address. */
  email: string;
  /** Which sending of the invitation this is: 1, then one more per resend. */
  sendCount: number;
  sealedToken: string;
  invitedBy: { userId: string; email: string; name?: string };
  /** What the invitation grants, by the names the directory gives them. */
  grant: { userType: UserType; primaryTeamName?: string; primaryGroupName?: string; additionalTeamNames: string[]; roleGroupNames: string[]; groupNames: string[] };
  message?: string;
  expiresAt: string;
  sentAt: string;
}

/** Written by every join; the notifier reads it from the table's stream. */
export interface JoinRecord {
  joinId: string;
  /** A link's join names the link; an invitation's (`via: 'invitation'`) names the invitation instead. */
  linkId?: string;
  via?: 'invitation';
  invitationId?: string;
  domainId: string;
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  /** Who made the link or sent the invitation, and when it would have expired. */
  linkCreatedBy: string;
  linkExpiresAt: string;
  grant: LinkGrant;
  joinedAt: string;
  /** The link's label and whether its creator wants signup emails (absent on records from before: yes). */
  linkLabel?: string;
  notifyCreator?: boolean;
  /** The link's use limit, so the signup email can say how many uses are left; and its counters, to read that count by (absent: 16). */
  linkMaxUses?: number;
  linkCounters?: number;
  /** Who approved the join request this join came from: the welcome says the request was approved. */
  approvedBy?: { userId: string; email: string };
  /** The link's join-rate guard, so the events feed reads nothing for a link without one. */
  linkPauseAfter?: PauseAfter;
  /** The membership ends then (the link's membershipDays). */
  memberUntil?: string;
}

export const JOIN_REQUEST_STATUSES = ['pending', 'approved', 'declined'] as const;
export type JoinRequestStatus = (typeof JOIN_REQUEST_STATUSES)[number];

/**
 * Someone asking to join through a link that needs approval: one per person per link (the id is
 * derived from both), decided once by the link's creator or an admin.
 */
export interface JoinRequest {
  /** First 22 characters of base64url SHA-256 of `<linkId>\n<email>`. */
  requestId: string;
  domainId: string;
  domainName: string;
  linkId: string;
  linkLabel?: string;
  linkCreatedBy: string;
  linkCreatedByEmail: string;
  linkExpiresAt: string;
  /** Who asks: their identity's `sub`, their verified email (lower-cased) and names. */
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  status: JoinRequestStatus;
  requestedAt: string;
  decidedAt?: string;
  decidedBy?: { userId: string; email: string };
  /** The approver's words on a decline, if they gave any. */
  reason?: string;
}

/** The requester's own copy of their request, read with their profile and memberships (GET /v1/me). */
export type MyJoinRequest = Pick<JoinRequest, 'requestId' | 'domainId' | 'domainName' | 'status' | 'requestedAt' | 'decidedAt'>;

/**
 * One email about a join request (the outbox item the notifier reads from the stream): `requested`
 * goes to the approvers (`to` is the link's creator; the notifier adds the domain's admins),
 * `declined` to the person who asked.
 */
export interface JoinRequestEmail {
  kind: 'requested' | 'declined';
  requestId: string;
  domainId: string;
  domainName: string;
  /** Whom the email is for. */
  to: { userId: string; email: string };
  /** Who asked to join. */
  requester: { userId: string; email: string; firstName: string; lastName: string };
  link: { linkId: string; label?: string; createdBy: string };
  requestedAt: string;
  /** A decline's: when, by whom, and the reason if one was given. */
  decidedAt?: string;
  decidedBy?: { userId: string; email: string };
  reason?: string;
  /** When it was written (the request or the decline): with `kind`, what the outbox item is keyed by. */
  writtenAt: string;
}

/**
 * The email telling a link's creator that its guard paused it: the outbox item written in the
 * pause's own transaction, which the notifier reads from the stream and sends once.
 */
export interface LinkPausedEmail {
  link: { linkId: string; label?: string; createdBy: string };
  domainId: string;
  pauseAfter: PauseAfter;
  /** The pause's time (the join that passed the threshold): with the link, what the outbox item is keyed by. */
  pausedAt: string;
  /** How many joined in the burst; `burst` lists the first of them. */
  joinsInBurst: number;
  burst: { userId: string; email: string; joinedAt: string }[];
}

/**
 * The email telling a member, and the creator of the link they joined through, that the membership
 * ends soon (three days before memberUntil): the outbox item the timer writes once per memberUntil,
 * which the notifier sends once to each.
 */
export interface MembershipEndingEmail {
  domainId: string;
  member: { userId: string; email: string; firstName: string; lastName: string };
  memberUntil: string;
  /** Who made the link they joined through: they hear too, while a member. */
  linkCreatedBy?: string;
  writtenAt: string;
}

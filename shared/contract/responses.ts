/**
 * The API's output shapes. Handlers are typed by them, the OpenAPI document is generated from
 * them, the pages take their types from them, and the integration tests check every response
 * against the document, so none of these can drift. Strict: a field not named here is a bug.
 */
import * as z from 'zod/mini';
import { JOIN_REQUEST_STATUSES, USER_TYPES } from '../domain/types.ts';

const userType = z.enum(USER_TYPES);
const ids = z.array(z.string());
const timestamp = z.string().check(z.iso.datetime());
const items = <T extends z.ZodMiniType>(item: T) => z.strictObject({ items: z.array(item) });
/** A page of a list; `nextCursor` is absent on the last page. */
const page = <T extends z.ZodMiniType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.optional(z.string()) });

/** How a member came in: the link (its label, if it had one) or the email invitation, when, and who made it. */
const joinedVia = z.strictObject({
  /** One of linkId and invitationId. */
  linkId: z.optional(z.string()),
  invitationId: z.optional(z.string()),
  at: timestamp,
  label: z.optional(z.string()),
  invitedBy: z.optional(z.strictObject({ userId: z.string(), email: z.string() })),
});
const named = z.array(z.strictObject({ id: z.string(), name: z.string() }));
/** A link's join-rate guard: more than `joins` people joining within `withinMinutes` pauses the link. */
const pauseAfter = z.strictObject({ joins: z.number(), withinMinutes: z.number() });

/** A member's place in a domain with names, so someone who may not list teams still sees what they were given. */
export const membershipSummary = z.strictObject({
  domainId: z.string(),
  domainName: z.string(),
  userType,
  isAdmin: z.boolean(),
  permissions: z.array(z.string()),
  /** Primary first. */
  teams: named,
  primaryTeamId: z.optional(z.string()),
  roleGroups: named,
  groups: named,
  primaryGroupId: z.optional(z.string()),
  joinedVia: z.optional(joinedVia),
  /** The membership ends then, on its own (a link's membershipDays, or an admin's date). */
  memberUntil: z.optional(timestamp),
});

/** The caller's own join requests (through links that need approval), whatever became of them. */
export const myJoinRequest = z.strictObject({
  requestId: z.string(),
  domainId: z.string(),
  domainName: z.string(),
  status: z.enum(JOIN_REQUEST_STATUSES),
  requestedAt: timestamp,
  decidedAt: z.optional(timestamp),
});

export const me = z.strictObject({ userId: z.string(), email: z.string(), memberships: z.array(membershipSummary), joinRequests: z.array(myJoinRequest) });

export const team = z.strictObject({ id: z.string(), name: z.string(), isDefault: z.boolean() });
/** `assignable`: the role ceiling shown ahead of time; the modal offers only what the caller may hand out. */
export const roleGroup = z.strictObject({ id: z.string(), name: z.string(), permissions: z.array(z.string()), assignable: z.boolean() });
export const group = z.strictObject({ id: z.string(), name: z.string() });
export const teams = items(team);
export const roleGroups = items(roleGroup);
export const groups = items(group);

export const member = z.strictObject({
  userId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  userType,
  isAdmin: z.boolean(),
  teamIds: ids,
  roleGroupIds: ids,
  groupIds: ids,
  /** The primary team (first of teamIds), or the primary legacy group when a link made a group primary. */
  primaryTeamId: z.optional(z.string()),
  primaryGroupId: z.optional(z.string()),
  joinedVia: z.optional(joinedVia),
  /** The membership ends then (the link's membershipDays, or an admin set it): the member is removed with reason `expired`. */
  memberUntil: z.optional(timestamp),
});
/** A page of the domain's users, with how many admins the domain has (its last admin can be neither removed nor demoted); absent where a domain never counted them. */
export const members = z.strictObject({ items: z.array(member), nextCursor: z.optional(z.string()), adminCount: z.optional(z.number()) });

/** Someone an admin removed who may not rejoin through a link until an admin allows it. */
export const removedMember = z.strictObject({
  userId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  removedAt: timestamp,
  /** The admin who removed them, and their email then; absent when their membership ended on its own (`reason: "expired"`). */
  removedBy: z.optional(z.string()),
  removedByEmail: z.optional(z.string()),
  reason: z.optional(z.literal('expired')),
});
export const removedMembers = page(removedMember);

export const linkSettings = z.strictObject({
  enabled: z.boolean(),
  /** Every joiner's verified email must be at one of these; empty: any. */
  allowedEmailDomains: z.array(z.string()),
  /** The longest life a link may be given here (the operator's INVITE_LINK_TTL_SECONDS). */
  maxLinkLifetimeSeconds: z.number(),
  /** GET only: how many links work now, which "delete all existing links" would end. */
  activeLinkCount: z.optional(z.number()),
  updatedAt: z.optional(timestamp),
  updatedBy: z.optional(z.string()),
  /** The guard a link made without its own gets; null: none. */
  defaultPauseAfter: z.nullable(pauseAfter),
  /** While "pause all links" runs: when every link works again, and the admin who paused them. */
  pausedUntil: z.optional(timestamp),
  pausedBy: z.optional(z.string()),
});

/** What a link or an invitation hands out, as every view of either shows it. */
const grantFields = {
  userType,
  primaryTeamId: z.optional(z.string()),
  primaryGroupId: z.optional(z.string()),
  additionalTeamIds: ids,
  roleGroupIds: ids,
  groupIds: ids,
};

const linkFields = {
  id: z.string(),
  expiresAt: timestamp,
  ...grantFields,
  onboarding: z.boolean(),
  createdBy: z.string(),
  createdByEmail: z.string(),
  createdAt: timestamp,
  label: z.optional(z.string()),
  maxUses: z.optional(z.number()),
  allowedEmailDomains: z.array(z.string()),
  notifyCreator: z.boolean(),
  /** Joining makes a join request that the creator or an admin approves. */
  requireApproval: z.boolean(),
  /** Its join-rate guard, if it has one. */
  pauseAfter: z.optional(pauseAfter),
  /** Paused (its guard tripped): it admits nobody until its creator or an admin resumes it. */
  pausedAt: z.optional(timestamp),
  /** Memberships made through it end this many days after each join (the member's memberUntil). */
  membershipDays: z.optional(z.number()),
};
export const inviteLink = z.strictObject(linkFields);
/**
 * Who saw a link and who came: distinct browsers a day that opened it and that went on to sign in,
 * the people who joined through it, and the joins it refused by problem code (`{"LINK_EXPIRED": 2}`).
 * Counted from the table's stream (a few seconds behind) and at least once; nobody is identified.
 */
const linkStats = z.strictObject({ views: z.number(), signInsStarted: z.number(), joins: z.number(), refusals: z.record(z.string(), z.number()) });
/** A link as its domain's members see it, with its stats (events carry the link without them). */
export const inviteLinkWithStats = z.strictObject({ ...linkFields, stats: linkStats });
/** The link a person opens, holding the token in its fragment: in this answer, and later only through reveal (revealedInviteLink). */
export const createdInviteLink = z.strictObject({ ...linkFields, stats: linkStats, url: z.string() });
export const activeInviteLinks = page(z.strictObject({ ...linkFields, useCount: z.number(), remainingUses: z.optional(z.number()), stats: linkStats }));
/** The links that ended within 30 days, each with why (`endedBecause`) and when (`endedAt`; absent for a link whose creator's links were all revoked). */
export const endedInviteLinks = page(
  z.strictObject({
    ...linkFields,
    useCount: z.number(),
    endedBecause: z.enum(['expired', 'used-up', 'revoked', 'all-deleted', 'creator-links-revoked', 'turned-off']),
    endedAt: z.optional(timestamp),
    stats: linkStats,
  }),
);
/** A link's address again, for its creator or an admin to copy (each reveal is in the activity). */
export const revealedInviteLink = z.strictObject({ id: z.string(), url: z.string() });

export const revokedAll = z.strictObject({ revokedAt: timestamp, revokedBy: z.string(), createdBy: z.optional(z.string()) });

/** What a token grants, by the names the domain's directory gives them now. */
const grantNames = {
  userType,
  primaryTeamName: z.optional(z.string()),
  primaryGroupName: z.optional(z.string()),
  additionalTeamNames: z.array(z.string()),
  roleGroupNames: z.array(z.string()),
  groupNames: z.array(z.string()),
  expiresAt: timestamp,
};
/** A token opens an invite link (`kind: "link"`) or an invitation by email (`kind: "invitation"`). */
export const linkLookup = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('link'),
    /** So a signed-in member's page can tell they are in this domain already, and lead them to it. */
    domainId: z.string(),
    domainName: z.string(),
    /** Who made the link: their name as the domain's directory has it, else their email. */
    invitedBy: z.string(),
    label: z.optional(z.string()),
    /** The email domains that may join through this link (the link's and the domain's together); empty: any. */
    allowedEmailDomains: z.array(z.string()),
    /** Present (true) when joining makes a request that the person who shared the link or an admin of the domain approves. */
    requireApproval: z.optional(z.literal(true)),
    ...grantNames,
  }),
  z.strictObject({
    kind: z.literal('invitation'),
    domainId: z.string(),
    domainName: z.string(),
    /** Who sent it: their name as the directory has it (absent if it has none, or they have left) and their email. */
    invitedBy: z.strictObject({ name: z.optional(z.string()), email: z.string() }),
    /** The only address that may accept it: the caller's verified email must be this one. */
    invitedEmail: z.string(),
    /** The sender's note, plain text. */
    message: z.optional(z.string()),
    ...grantNames,
  }),
]);

export const joined = z.strictObject({
  userId: z.string(),
  domainId: z.string(),
  email: z.string(),
  userType,
  teamIds: ids,
  roleGroupIds: ids,
  groupIds: ids,
});

/** A join through a link that needs approval: the request is recorded (the same one each time the person asks), nobody joined yet. */
export const joinRequested = z.strictObject({
  status: z.literal('pending'),
  requestId: z.string(),
  domainId: z.string(),
  domainName: z.string(),
  requestedAt: timestamp,
});

/** A join request as approvers see it. */
export const joinRequest = z.strictObject({
  requestId: z.string(),
  status: z.enum(JOIN_REQUEST_STATUSES),
  linkId: z.string(),
  linkLabel: z.optional(z.string()),
  /** Who made the link. */
  linkCreatedBy: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  userId: z.string(),
  requestedAt: timestamp,
  decidedAt: z.optional(timestamp),
  decidedBy: z.optional(z.strictObject({ userId: z.string(), email: z.string() })),
  /** The approver's words on a decline. */
  reason: z.optional(z.string()),
  /** A pending request whose link no longer works: the code a join through it would get; it cannot be approved. */
  linkEnded: z.optional(z.enum(['LINK_EXPIRED', 'LINK_REVOKED', 'LINKS_DISABLED', 'LINK_USED_UP'])),
});
export const joinRequests = page(joinRequest);

/** What became of one address of a request to invite by email; `code` says why a `refused` one was. */
export const invitationResult = z.strictObject({
  email: z.string(),
  status: z.enum(['invited', 'already-member', 'already-invited', 'refused']),
  /** The new invitation, for `invited`. */
  invitationId: z.optional(z.string()),
  code: z.optional(z.enum(['REJOIN_BLOCKED', 'EMAIL_DOMAIN_NOT_ALLOWED', 'RECIPIENT_LIMIT', 'INVITATION_QUOTA'])),
});
/** One result per distinct address, in the order the request gave them. */
export const invitationResults = items(invitationResult);

/** An invitation by email, never its token. */
export const invitation = z.strictObject({
  invitationId: z.string(),
  email: z.string(),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  ...grantFields,
  message: z.optional(z.string()),
  createdBy: z.string(),
  createdByEmail: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
  /** How many times it was sent: 1, and one more per resend. */
  sendCount: z.number(),
  lastSentAt: timestamp,
});
export const invitations = page(invitation);
export const revokedAllInvitations = z.strictObject({ revoked: z.number() });

/** The OpenAPI document itself: described loosely, it describes itself. */
export const openApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });

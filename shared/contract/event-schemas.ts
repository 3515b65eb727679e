/**
 * The events integrations receive on EventBridge (`source` EVENT_SOURCE, `detail-type` the type)
 * and the Activity list shows: one schema per type, from which the JSON Schema files in
 * docs/events/ are generated and against which the tests check every event they see.
 * Events never hold a link's token or url: a link is named by its id.
 */
import * as z from 'zod/mini';
import { USER_TYPES } from '../domain/types.ts';
import { inviteLink } from './responses.ts';
import { EVENT_TYPES, EVENT_VERSION, type EventType } from './event-types.ts';

const timestamp = z.string().check(z.iso.datetime());
const ids = z.array(z.string());
const person = z.strictObject({ userId: z.string(), email: z.string() });

const envelope = {
  version: z.literal(EVENT_VERSION),
  /** Stable across redeliveries: drop an eventId already seen. */
  eventId: z.string(),
  /** When the change was made durable. */
  occurredAt: timestamp,
  domainId: z.string(),
  /** Who did it: the admin or creator, or the person joining; absent when the service itself did. */
  actor: z.optional(person),
};

/** What a member holds in the domain. */
const grant = z.strictObject({ userType: z.enum(USER_TYPES), isAdmin: z.boolean(), teamIds: ids, roleGroupIds: ids, groupIds: ids });
/** A link named without its settings. */
const linkRef = z.strictObject({ id: z.string(), label: z.optional(z.string()), createdBy: z.string(), createdByEmail: z.optional(z.string()) });

/** An invitation by email named without its token: the address it is for and who sent it. */
export const invitationRef = z.strictObject({ id: z.string(), email: z.string(), createdBy: z.string(), createdByEmail: z.optional(z.string()) });

/** Someone who joined, with what they were given (and when their membership ends, if it does). */
const joiner = z.strictObject({ ...person.def.shape, firstName: z.string(), lastName: z.string(), ...grant.def.shape, memberUntil: z.optional(timestamp) });
/** A member's grant and when their membership ends (absent: it does not). */
const memberState = z.strictObject({ ...grant.def.shape, memberUntil: z.optional(timestamp) });

/** A join request: who asked, through which link. */
const joinRequestRef = z.strictObject({ id: z.string(), linkId: z.string(), ...person.def.shape, firstName: z.string(), lastName: z.string() });

export const EVENT_DETAILS = {
  /** `reissuedFrom`: the link this one was re-issued from, with its settings (POST .../reissue). */
  InviteLinkCreated: z.strictObject({ ...envelope, link: inviteLink, reissuedFrom: z.optional(linkRef) }),
  /** `replacedBy`: revoked by a re-issue, in the same write that made this link. */
  InviteLinkRevoked: z.strictObject({ ...envelope, link: linkRef, replacedBy: z.optional(linkRef) }),
  /** The actor had a link's address again to copy it (its creator, or an admin): which link, never its address. */
  InviteLinkRevealed: z.strictObject({ ...envelope, link: linkRef }),
  /** `createdBy` (and their email, while they are a member): only that person's links were revoked; absent: every link of the domain. */
  InviteLinksRevokedAll: z.strictObject({ ...envelope, createdBy: z.optional(z.string()), createdByEmail: z.optional(z.string()) }),
  InviteLinksDisabled: z.strictObject({ ...envelope }),
  InviteLinksEnabled: z.strictObject({ ...envelope }),
  MemberJoined: z.strictObject({
    ...envelope,
    member: joiner,
    /** What they joined through: a link, or an invitation by email (then `link` is absent). */
    link: z.optional(linkRef),
    invitation: z.optional(invitationRef),
  }),
  /** No actor: the service cleared the memberUntil of the domain's last admin, who cannot be removed. */
  MemberUpdated: z.strictObject({ ...envelope, member: person, before: memberState, after: memberState }),
  /**
   * `rejoinBlocked`: no link lets them back in until MemberRejoinAllowed (absent on entries written before removals could block).
   * `reason: "expired"`: their membership reached its memberUntil (no actor: the service removed them).
   */
  MemberRemoved: z.strictObject({
    ...envelope,
    member: z.strictObject({ ...person.def.shape, ...grant.def.shape }),
    rejoinBlocked: z.optional(z.boolean()),
    reason: z.optional(z.literal('expired')),
  }),
  /** An admin let someone they had removed join again through a link. */
  MemberRejoinAllowed: z.strictObject({ ...envelope, member: person }),
  /** One address invited by email: what the invitation grants and until when (never its token). */
  InvitationCreated: z.strictObject({
    ...envelope,
    invitation: z.strictObject({
      ...invitationRef.def.shape,
      userType: z.enum(USER_TYPES),
      primaryTeamId: z.optional(z.string()),
      primaryGroupId: z.optional(z.string()),
      additionalTeamIds: ids,
      roleGroupIds: ids,
      groupIds: ids,
      expiresAt: timestamp,
    }),
  }),
  InvitationRevoked: z.strictObject({ ...envelope, invitation: invitationRef }),
  /** The invited person joined through it (their MemberJoined names it too); the actor is them. */
  InvitationAccepted: z.strictObject({ ...envelope, member: joiner, invitation: invitationRef }),
  /** Sent again with a new token (the old one no longer works), living `expiresAt` from now; `sendCount` counts the sendings. */
  InvitationResent: z.strictObject({ ...envelope, invitation: z.strictObject({ ...invitationRef.def.shape, expiresAt: timestamp, sendCount: z.number() }) }),
  /** Every pending invitation of the domain revoked at once; `revoked`: how many. Links are left alone. */
  InvitationsRevokedAll: z.strictObject({ ...envelope, revoked: z.number() }),
  /** Someone asked to join through a link that needs approval; nobody joined yet. The actor is them. */
  JoinRequested: z.strictObject({ ...envelope, request: joinRequestRef }),
  /** The link's creator or an admin (the actor) approved the request: the person joined (MemberJoined too) with the link's grant. */
  JoinApproved: z.strictObject({ ...envelope, request: joinRequestRef, member: joiner }),
  /** The link's creator or an admin (the actor) declined it, with their reason if they gave one. */
  JoinDeclined: z.strictObject({ ...envelope, request: joinRequestRef, reason: z.optional(z.string()) }),
  /** An admin paused every link of the domain for `hours`, until `pausedUntil`: joins through links are refused until then (or InviteLinksResumed); nothing ended. */
  InviteLinksPaused: z.strictObject({ ...envelope, pausedUntil: timestamp, hours: z.number() }),
  /** An admin ended a pause of all links before its time: every link works again. */
  InviteLinksResumed: z.strictObject({ ...envelope }),
  /**
   * The link paused itself: more than `joins` people joined through it within `withinMinutes` (its
   * pauseAfter). `burst`: who joined in that window. No actor: the service did it.
   */
  InviteLinkPaused: z.strictObject({
    ...envelope,
    link: linkRef,
    joins: z.number(),
    withinMinutes: z.number(),
    burst: z.array(z.strictObject({ ...person.def.shape, joinedAt: timestamp })),
  }),
  /** Its creator or an admin (the actor) resumed a paused link: it admits people again. */
  InviteLinkResumed: z.strictObject({ ...envelope, link: linkRef }),
  /**
   * A working link with uses left ends within a day (`expiresAt`); its creator is emailed unless the
   * link says not to (`notifyCreator`). Once per link, 24 hours before its end (none for a link made
   * to last a day or less). No actor: the service noticed.
   */
  InviteLinkExpiring: z.strictObject({ ...envelope, link: linkRef, expiresAt: timestamp, useCount: z.number(), maxUses: z.optional(z.number()) }),
  /** A link's last use was taken: it admits nobody else. `occurredAt` is the latest join the service had seen when it found the link full, within moments of the last one. Once per link. */
  InviteLinkUsedUp: z.strictObject({ ...envelope, link: linkRef, maxUses: z.number() }),
  /** A link still working at its end expired (`occurredAt` is its `expiresAt`); links revoked or used up before do not expire again. Once per link. */
  InviteLinkExpired: z.strictObject({ ...envelope, link: linkRef, useCount: z.number() }),
  // `satisfies` on the literal: every type types.ts names has its schema, and no schema an unnamed type.
} as const satisfies Record<EventType, z.ZodMiniType>;
export type EventDetail<T extends EventType = EventType> = z.output<(typeof EVENT_DETAILS)[T]>;

/** One entry of the domain's activity: an event's detail with its type. */
export type ActivityEntry = { [T in EventType]: { type: T } & EventDetail<T> }[EventType];

/** The Activity list's item: any event's detail, with its type (the OpenAPI document shows the union). */
export const activityEntry = z.union(EVENT_TYPES.map((type) => z.extend(EVENT_DETAILS[type], { type: z.literal(type) })) as unknown as [z.ZodMiniType, z.ZodMiniType, ...z.ZodMiniType[]]);

/** GET .../activity: the domain's entries, newest first, a page at a time. */
export const activityPage = z.strictObject({ items: z.array(activityEntry), nextCursor: z.optional(z.string()) });

/**
 * The API's input shapes. Unknown fields are refused everywhere; every string has a ceiling.
 * zod/mini rather than zod: same validator, a tenth of the cold-start import time (see bench/).
 * Each schema is built on its first use (z.lazy), not at import: a function's cold start builds
 * its own operation's schemas, not the whole API's.
 */
import * as z from 'zod/mini';
import { EVENT_TYPES } from './event-types.ts';
import { INVITATION_LIMITS, LINK_LIMITS, MEMBERSHIP_LIMITS, PAUSE_LIMITS } from '../domain/limits.ts';
import { VISIT_STEPS } from '../domain/link-stats.ts';
import { JOIN_REQUEST_STATUSES, USER_TYPES } from '../domain/types.ts';
import { declineReason, email, emailDomains, entityId, idList, invitationMessage, linkLabel, personName, userId } from '../domain/values.ts';

// A Lambda instance parses a few requests per schema, not millions: zod's compiled object parser
// (`new Function` on the first parse) costs a cold start more than it ever wins back (bench/).
z.config({ jitless: true });

/** Tokens and link ids are both 32 bytes in base64url. */
const base64url256 = z.lazy(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'must be the 43-character code from the invite link')));
export const token = base64url256;
export const linkId = base64url256;

export const domainParams = z.lazy(() => z.strictObject({ domainId: entityId }));
export const userParams = z.lazy(() => z.strictObject({ domainId: entityId, userId }));
export const memberChangeBody = z.lazy(() => z.strictObject({
  userType: z.optional(z.enum(USER_TYPES, `must be one of ${USER_TYPES.join(', ')}`)),
  teamIds: z.optional(idList),
  roleGroupIds: z.optional(idList),
  groupIds: z.optional(idList),
  isAdmin: z.optional(z.boolean('must be true or false')),
  // When the membership ends: an instant ahead (checked against now when applied), or null for never.
  memberUntil: z.optional(z.nullable(z.string('must be an ISO 8601 instant or null').check(z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant, like 2026-06-30T17:00:00Z, or null' })))),
}));
/** `allowRejoin=true`: the person may join again through a link; without it, they may not until an admin allows it. */
export const removeMemberQuery = z.lazy(() => z.optional(z.strictObject({ allowRejoin: z.optional(z.enum(['true', 'false'], 'must be true or false')) })));
export const allowRejoinBody = z.lazy(() => z.strictObject({ email }));
export const revokeAllBody = z.lazy(() => z.optional(z.strictObject({ createdBy: z.optional(userId) })));
export const linkParams = z.lazy(() => z.strictObject({ domainId: entityId, linkId }));
/** `revokeOld`: the link re-issued from stops working in the same write that makes the new one. */
export const reissueBody = z.lazy(() => z.optional(z.strictObject({ revokeOld: z.optional(z.boolean()) })));

/** What a link or an invitation hands out: a user type, exactly one primary (a team or a legacy group), and more teams and groups. */
const grantFields = () => ({
  userType: z.enum(USER_TYPES, `must be one of ${USER_TYPES.join(', ')}`),
  primaryTeamId: z.optional(entityId),
  primaryGroupId: z.optional(entityId),
  additionalTeamIds: z._default(idList, []),
  roleGroupIds: z._default(idList, []),
  groupIds: z._default(idList, []),
});
const onePrimary = () =>
  z.refine<{ primaryTeamId?: string; primaryGroupId?: string }>((body) => (body.primaryTeamId === undefined) !== (body.primaryGroupId === undefined), {
    message: 'give exactly one of primaryTeamId or primaryGroupId',
    path: ['primaryTeamId'],
  });
/** Up to the domain's link lifetime; checked against it when the link or invitation is made. */
const lifetimeSeconds = () =>
  z.optional(z.number('must be a number of seconds').check(z.int('must be a whole number of seconds'), z.minimum(LINK_LIMITS.minLifetimeSeconds, `must be at least ${LINK_LIMITS.minLifetimeSeconds} (5 minutes)`)));

/** A whole number from `min` to `max`, each bound said in the message. */
const wholeFrom = (min: number, max: number, what: string) =>
  z.number(`must be a number of ${what}`).check(z.int(`must be a whole number of ${what}`), z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`));
/** A link's join-rate guard: more than `joins` within `withinMinutes` pauses it. */
const pauseAfter = () =>
  z.strictObject({
    joins: wholeFrom(PAUSE_LIMITS.minJoins, PAUSE_LIMITS.maxJoins, 'joins'),
    withinMinutes: wholeFrom(PAUSE_LIMITS.minWithinMinutes, PAUSE_LIMITS.maxWithinMinutes, 'minutes'),
  });

export const createInviteLinkBody = z.lazy(() => z
  .strictObject({
    ...grantFields(),
    label: z.optional(linkLabel),
    expiresInSeconds: lifetimeSeconds(),
    maxUses: z.optional(z.number('must be a number').check(z.int('must be a whole number'), z.minimum(1, 'must be at least 1'), z.maximum(LINK_LIMITS.maxUses, `must be at most ${LINK_LIMITS.maxUses}`))),
    allowedEmailDomains: z._default(emailDomains, []),
    notifyCreator: z._default(z.boolean('must be true or false'), true),
    requireApproval: z._default(z.boolean('must be true or false'), false),
    // null: no guard, whatever the domain's default.
    pauseAfter: z.optional(z.nullable(pauseAfter())),
    membershipDays: z.optional(wholeFrom(MEMBERSHIP_LIMITS.minDays, MEMBERSHIP_LIMITS.maxDays, 'days')),
  })
  .check(onePrimary()));

export const createInvitationsBody = z.lazy(() => z
  .strictObject({
    emails: z.array(email).check(
      z.minLength(1, 'must list at least one address'),
      z.maxLength(INVITATION_LIMITS.maxEmails, `must list at most ${INVITATION_LIMITS.maxEmails} addresses`),
    ),
    ...grantFields(),
    message: z.optional(invitationMessage),
    expiresInSeconds: lifetimeSeconds(),
  })
  .check(onePrimary()));

/** Invitation ids are 16 random bytes in base64url. */
export const invitationParams = z.lazy(() => z.strictObject({ domainId: entityId, invitationId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'must be an invitation id')) }));

/** Join request ids are 22 base64url characters (from the link and the person's email). */
export const joinRequestParams = z.lazy(() => z.strictObject({ domainId: entityId, requestId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'must be a join request id')) }));
export const declineBody = z.lazy(() => z.optional(z.strictObject({ reason: z.optional(declineReason) })));

export const onboardingBody = z.lazy(() => z.optional(z.strictObject({ pauseAfter: z.optional(z.nullable(pauseAfter())) })));

export const settingsBody = z.lazy(() => z
  .strictObject({ enabled: z.optional(z.boolean('must be true or false')), allowedEmailDomains: z.optional(emailDomains), defaultPauseAfter: z.optional(z.nullable(pauseAfter())) })
  .check(
    z.refine((body) => body.enabled !== undefined || body.allowedEmailDomains !== undefined || body.defaultPauseAfter !== undefined, {
      message: 'give at least one of enabled, allowedEmailDomains, defaultPauseAfter',
      path: ['enabled'],
    }),
  ));

/** "Pause all links for N hours". */
export const pauseLinksBody = z.lazy(() => z.strictObject({ hours: wholeFrom(PAUSE_LIMITS.minHours, PAUSE_LIMITS.maxHours, 'hours') }));

/** `step`: how far the join page got, for the link's stats: `view` (the default) when it opens, `sign-in` as the person leaves to sign in or make an account. */
export const lookupBody = z.lazy(() => z.strictObject({ token, step: z.optional(z.enum(VISIT_STEPS)) }));

/** The email is not here: it is the caller's verified email, from their token. Names default to the token's. */
export const joinBody = z.lazy(() => z.strictObject({ token, firstName: z.optional(personName), lastName: z.optional(personName) }));

/** Paging, on every list: `limit` 1 to 100 (default 50) and the `cursor` from the previous page's `nextCursor`. */
export const PAGE_SIZE = { default: 50, max: 100 } as const;
const paging = () => ({
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${PAGE_SIZE.max}`)),
      z.pipe(z.transform(Number), z.number().check(z.minimum(1, `must be from 1 to ${PAGE_SIZE.max}`), z.maximum(PAGE_SIZE.max, `must be from 1 to ${PAGE_SIZE.max}`))),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(4096, 'is not a cursor this API issued'), z.regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this API issued'))),
});
export const pageQuery = z.lazy(() => z.optional(z.strictObject(paging())));
/** `status` (default `pending`), and only the requests through one link. */
export const joinRequestsQuery = z.lazy(() => z.optional(z.strictObject({
  ...paging(),
  status: z.optional(z.enum(JOIN_REQUEST_STATUSES, `must be one of ${JOIN_REQUEST_STATUSES.join(', ')}`)),
  inviteLinkId: z.optional(linkId),
})));
export const usersQuery = z.lazy(() => z.optional(z.strictObject({ ...paging(), inviteLinkId: z.optional(linkId) })));
/** `type`: only these kinds of event, comma-separated (`MemberJoined,MemberRemoved`). */
export const activityQuery = z.lazy(() => z.optional(
  z.strictObject({
    ...paging(),
    type: z.optional(
      z.string().check(
        z.refine((value) => value.split(',').every((t) => (EVENT_TYPES as readonly string[]).includes(t)), { message: `must be one or more of ${EVENT_TYPES.join(', ')}, comma-separated` }),
      ),
    ),
  }),
));

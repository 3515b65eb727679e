/**
 * What the API reference shows as each request's and answer's example: the demo data (Demo Media
 * Co, its teams and people) doing ordinary things, instead of what a renderer makes up from the
 * schemas (random strings, both primaries at once). The OpenAPI document carries them; a unit test
 * holds each to the schema the handlers validate with, so an example is always a valid call.
 */
import {
  alreadyMember, busy, emailDomainNotAllowed, emailNotVerified, forbidden, invalidRequest, invitationEmailMismatch, lastAdmin, linkCreationDisabled, linkExpired, linkNotFound, linkNotRevealable, linksDisabled,
  joinDeclined, linkPaused, linkRevoked, linksPaused, linkUsedUp, notFound, requestDecided, payloadTooLarge, rateLimited, rejoinBlocked, unauthenticated, unknownReference, type ErrorKind, type ServiceError,
} from '../domain/errors.ts';
import { USER_TYPES } from '../domain/types.ts';
import type { OperationName } from './operations.ts';
import { PAGE_SIZE } from './requests.ts';
import type { ResponseName } from './response-schemas.ts';

const DOMAIN = { domainId: 'demo-media-co', domainName: 'Demo Media Co' } as const;
const OWNER = { userId: 'u-demo-owner', email: 'owner@demo.test' } as const;
/** Someone who joined through the link below; a Cognito `sub` as their id. */
const JOINER = { userId: '3f6c1e2a-9b47-4d8e-a5c2-7e1f0b9d4a63', email: 'sam.lee@demo.test', firstName: 'Sam', lastName: 'Lee' } as const;
const LINK_ID = 'Hq3vN8xKp2LmR7tYw5ZcB1dFg9JsU4eA6oIkT0nVbXy';
const TOKEN = 'kR2mP9sVt4WxQ7nZb1Lc8Hd5Jf3Gy6Ae0Uo-Ki_TpNw';
const CREATED = '2026-11-24T09:30:00.000Z';
const JOINED = '2026-11-25T14:05:00.000Z';
const CURSOR = 'eyJrIjoiVVNFUiNzYW0ubGVlQGRlbW8udGVzdCJ9';

/** A link for spring interns: Standard users in Producers (the primary team: a primary legacy group is the other choice, never both). */
const SETTINGS = {
  userType: 'STANDARD',
  primaryTeamId: 'producers',
  additionalTeamIds: ['marketing'],
  roleGroupIds: ['contributors'],
  groupIds: [],
  label: 'Spring interns',
  maxUses: 25,
  allowedEmailDomains: ['demo.test'],
  notifyCreator: true,
  requireApproval: false,
  pauseAfter: { joins: 20, withinMinutes: 10 },
} as const;

const link = {
  id: LINK_ID,
  expiresAt: '2026-12-01T09:30:00.000Z',
  userType: SETTINGS.userType,
  primaryTeamId: SETTINGS.primaryTeamId,
  additionalTeamIds: SETTINGS.additionalTeamIds,
  roleGroupIds: SETTINGS.roleGroupIds,
  groupIds: SETTINGS.groupIds,
  onboarding: false,
  createdBy: OWNER.userId,
  createdByEmail: OWNER.email,
  createdAt: CREATED,
  label: SETTINGS.label,
  maxUses: SETTINGS.maxUses,
  allowedEmailDomains: SETTINGS.allowedEmailDomains,
  notifyCreator: SETTINGS.notifyCreator,
  requireApproval: SETTINGS.requireApproval,
  pauseAfter: SETTINGS.pauseAfter,
};
/** Kim asked to join through a link for freelancers that needs approval; the owner approves it. */
const REQUEST_ID = 'Zk4pQ9wLm2Xr7Tc5Vb1nHs';
const REQUESTED = '2026-11-26T10:15:00.000Z';
const DECIDED = '2026-11-26T11:40:00.000Z';
const joinRequest = {
  requestId: REQUEST_ID,
  status: 'pending',
  linkId: LINK_ID,
  linkLabel: 'Freelancers',
  linkCreatedBy: OWNER.userId,
  email: 'kim.park@demo.test',
  firstName: 'Kim',
  lastName: 'Park',
  userId: '8b2d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d1f',
  requestedAt: REQUESTED,
};
/** Until when the owner paused every link, for a weekend. */
const PAUSED_UNTIL = '2026-11-30T08:00:00.000Z';
const url = `http://localhost:3000/join#${TOKEN}`;
const grant = { userType: 'STANDARD', isAdmin: false, teamIds: ['producers', 'marketing'], roleGroupIds: ['contributors'], groupIds: [] };
const joinedVia = { linkId: LINK_ID, at: JOINED, label: SETTINGS.label, invitedBy: OWNER };
const member = { ...JOINER, ...grant, primaryTeamId: 'producers', joinedVia };
const linkRef = { id: LINK_ID, label: SETTINGS.label, createdBy: OWNER.userId, createdByEmail: OWNER.email };
const named = (id: string, name: string) => ({ id, name });

/** An invitation by email the owner sent Sam, with the interns' grant and a note. */
const INVITATION_ID = 'q3R8vN2xKp7LmT5yWz1cBg';
const INVITATION_SETTINGS = { userType: SETTINGS.userType, primaryTeamId: SETTINGS.primaryTeamId, additionalTeamIds: SETTINGS.additionalTeamIds, roleGroupIds: SETTINGS.roleGroupIds, groupIds: SETTINGS.groupIds };
const invitation = {
  invitationId: INVITATION_ID,
  email: JOINER.email,
  status: 'pending',
  ...INVITATION_SETTINGS,
  message: 'Welcome to the spring shoot: see you Monday.',
  createdBy: OWNER.userId,
  createdByEmail: OWNER.email,
  createdAt: CREATED,
  expiresAt: '2026-12-01T09:30:00.000Z',
  sendCount: 1,
  lastSentAt: CREATED,
};

/** Path and query parameters, by name. */
export const PARAMETER_EXAMPLES: Record<string, string> = {
  domainId: DOMAIN.domainId,
  userId: JOINER.userId,
  linkId: LINK_ID,
  inviteLinkId: LINK_ID,
  limit: '25',
  cursor: CURSOR,
  type: 'MemberJoined,MemberRemoved',
  allowRejoin: 'false',
  invitationId: INVITATION_ID,
  requestId: REQUEST_ID,
  status: 'pending',
};

/** Request bodies, by operation. */
export const REQUEST_EXAMPLES: Partial<Record<OperationName, unknown>> = {
  'create-invite-link': { ...SETTINGS, expiresInSeconds: 604_800 },
  'create-onboarding-link': {},
  'update-member': { userType: 'POWER', teamIds: ['producers', 'editors'], roleGroupIds: ['contributors', 'user-managers'], memberUntil: '2027-06-30T17:00:00.000Z' },
  'allow-rejoin': { email: JOINER.email },
  'put-invite-link-settings': { enabled: true, allowedEmailDomains: ['demo.test'], defaultPauseAfter: { joins: 20, withinMinutes: 10 } },
  'pause-invite-links': { hours: 48 },
  'revoke-all-invite-links': { createdBy: 'u-demo-manager' },
  'reissue-invite-link': { revokeOld: true },
  'create-invitations': { emails: [JOINER.email, 'kim.park@demo.test', 'lee.chen@demo.test'], ...INVITATION_SETTINGS, message: invitation.message, expiresInSeconds: 604_800 },
  'decline-join-request': { reason: 'This link is for the spring shoot crew only.' },
  'lookup-invite-link': { token: TOKEN },
  join: { token: TOKEN, firstName: JOINER.firstName, lastName: JOINER.lastName },
};

/** Success bodies, by the name the operation table gives them. */
export const RESPONSE_EXAMPLES: Partial<Record<ResponseName, unknown>> = {
  me: {
    ...OWNER,
    memberships: [
      {
        ...DOMAIN,
        userType: 'POWER',
        isAdmin: true,
        permissions: ['users:create'],
        teams: [named('editors', 'Editors')],
        primaryTeamId: 'editors',
        roleGroups: [],
        groups: [],
      },
    ],
    joinRequests: [{ requestId: REQUEST_ID, domainId: 'other-studio', domainName: 'Other Studio', status: 'pending', requestedAt: REQUESTED }],
  },
  teams: { items: [{ ...named('editors', 'Editors'), isDefault: true }, { ...named('marketing', 'Marketing'), isDefault: false }, { ...named('producers', 'Producers'), isDefault: false }] },
  roleGroups: {
    items: [
      { ...named('contributors', 'Contributors'), permissions: [], assignable: true },
      { ...named('user-managers', 'User Managers'), permissions: ['users:create'], assignable: true },
      { ...named('viewers', 'Viewers'), permissions: [], assignable: true },
    ],
  },
  groups: { items: [named('archive', 'Archive')] },
  members: {
    items: [member, { userId: OWNER.userId, email: OWNER.email, firstName: 'Olivia', lastName: 'Owner', userType: 'POWER', isAdmin: true, teamIds: ['editors'], roleGroupIds: [], groupIds: [], primaryTeamId: 'editors' }],
    nextCursor: CURSOR,
    adminCount: 1,
  },
  member: { ...member, userType: 'POWER', teamIds: ['producers', 'editors'], roleGroupIds: ['contributors', 'user-managers'], memberUntil: '2027-06-30T17:00:00.000Z' },
  removedMembers: { items: [{ ...JOINER, removedAt: '2026-11-28T16:20:00.000Z', removedBy: OWNER.userId, removedByEmail: OWNER.email }] },
  linkSettings: {
    enabled: true,
    allowedEmailDomains: ['demo.test'],
    maxLinkLifetimeSeconds: 604_800,
    activeLinkCount: 3,
    updatedAt: CREATED,
    updatedBy: OWNER.userId,
    defaultPauseAfter: { joins: 20, withinMinutes: 10 },
    pausedUntil: PAUSED_UNTIL,
    pausedBy: OWNER.userId,
  },
  inviteLink: link,
  inviteLinkWithStats: { ...link, stats: { views: 31, signInsStarted: 9, joins: 4, refusals: { EMAIL_DOMAIN_NOT_ALLOWED: 2 } } },
  createdInviteLink: { ...link, stats: { views: 0, signInsStarted: 0, joins: 0, refusals: {} }, url },
  revealedInviteLink: { id: LINK_ID, url },
  activeInviteLinks: { items: [{ ...link, useCount: 4, remainingUses: 21, stats: { views: 31, signInsStarted: 9, joins: 4, refusals: { EMAIL_DOMAIN_NOT_ALLOWED: 2 } } }] },
  endedInviteLinks: { items: [{ ...link, useCount: 25, endedBecause: 'used-up', endedAt: '2026-12-01T10:12:00.000Z', stats: { views: 58, signInsStarted: 31, joins: 25, refusals: { LINK_USED_UP: 3 } } }] },
  revokedAll: { revokedAt: '2026-11-28T16:20:00.000Z', revokedBy: OWNER.userId, createdBy: 'u-demo-manager' },
  linkLookup: {
    kind: 'link',
    ...DOMAIN,
    invitedBy: 'Olivia Owner',
    label: SETTINGS.label,
    allowedEmailDomains: SETTINGS.allowedEmailDomains,
    userType: SETTINGS.userType,
    primaryTeamName: 'Producers',
    additionalTeamNames: ['Marketing'],
    roleGroupNames: ['Contributors'],
    groupNames: [],
    expiresAt: link.expiresAt,
  },
  joined: { userId: JOINER.userId, domainId: DOMAIN.domainId, email: JOINER.email, userType: grant.userType, teamIds: grant.teamIds, roleGroupIds: grant.roleGroupIds, groupIds: grant.groupIds },
  invitationResults: {
    items: [
      { email: JOINER.email, status: 'invited', invitationId: INVITATION_ID },
      { email: 'kim.park@demo.test', status: 'already-invited' },
      { email: 'lee.chen@demo.test', status: 'refused', code: 'RECIPIENT_LIMIT' },
    ],
  },
  invitations: { items: [invitation], nextCursor: CURSOR },
  invitation: { ...invitation, sendCount: 2, lastSentAt: JOINED, expiresAt: '2026-12-02T14:05:00.000Z' },
  revokedAllInvitations: { revoked: 12 },
  joinRequested: { status: 'pending', requestId: REQUEST_ID, ...DOMAIN, requestedAt: REQUESTED },
  joinRequests: { items: [joinRequest, { ...joinRequest, requestId: 'Hy7uJ3kM9pQ1wE5rT2yU8i', email: 'lee.chen@demo.test', firstName: 'Lee', lastName: 'Chen', userId: 'c4e6a8b0-2d4f-4b6c-8e0a-1f3b5d7e9a2c', linkEnded: 'LINK_EXPIRED' }], nextCursor: CURSOR },
  joinRequest: { ...joinRequest, status: 'declined', decidedAt: DECIDED, decidedBy: OWNER, reason: 'This link is for the spring shoot crew only.' },
  activityPage: {
    items: [
      {
        type: 'MemberJoined',
        version: 1,
        eventId: '01JDQ8V6Z3K4M5N6P7Q8R9S0T1',
        occurredAt: JOINED,
        domainId: DOMAIN.domainId,
        actor: { userId: JOINER.userId, email: JOINER.email },
        member: { ...JOINER, ...grant },
        link: linkRef,
      },
      { type: 'InviteLinkCreated', version: 1, eventId: '01JDNV2C8H9J0K1M2N3P4Q5R6S', occurredAt: CREATED, domainId: DOMAIN.domainId, actor: OWNER, link },
    ],
    nextCursor: CURSOR,
  },
};

/** A request each operation refuses with 400, as the service words it; an operation not named here has a bad `limit` or `domainId`. */
const INVALID: Partial<Record<OperationName, () => ServiceError>> = {
  'create-invite-link': () => invalidRequest('primaryTeamId', 'give exactly one of primaryTeamId or primaryGroupId'),
  'update-member': () => invalidRequest('userType', `must be one of ${USER_TYPES.join(', ')}`),
  'allow-rejoin': () => invalidRequest('email', 'must be a valid email address'),
  'put-invite-link-settings': () => invalidRequest('allowedEmailDomains[0]', 'must be an email domain like example.com'),
  'pause-invite-links': () => invalidRequest('hours', 'must be at most 72'),
  'create-invitations': () => invalidRequest('emails[3]', 'must be a valid email address'),
  'lookup-invite-link': () => invalidRequest('token', 'must be the 43-character code from the invite link'),
  join: () => invalidRequest('token', 'must be the 43-character code from the invite link'),
};

type ExampleOf = (op: { name: OperationName; query?: unknown }) => ServiceError;

/** Each error's example for an operation: the error the service really gives, in a demo situation; an error not named here shows its title. */
export const ERROR_EXAMPLES: Partial<Record<ErrorKind, ExampleOf>> = {
  InvalidRequest: (op) =>
    INVALID[op.name]?.() ?? (op.query ? invalidRequest('limit', `must be a whole number from 1 to ${PAGE_SIZE.max}`) : invalidRequest('domainId', 'must be an id (letters, digits, _ and -)')),
  Unauthenticated: () => unauthenticated(),
  Forbidden: () => forbidden('Only members who may invite can do this in this domain.'),
  EmailNotVerified: () => emailNotVerified(),
  EmailDomainNotAllowed: () => emailDomainNotAllowed(['demo.test']),
  NotFound: () => notFound('The domain'),
  LinkNotFound: () => linkNotFound(),
  AlreadyMember: () => alreadyMember(),
  RejoinBlocked: () => rejoinBlocked(),
  InvitationEmailMismatch: () => invitationEmailMismatch(JOINER.email),
  JoinDeclined: () => joinDeclined(DOMAIN.domainName),
  RequestDecided: () => requestDecided('approved'),
  LastAdmin: () => lastAdmin(),
  LinkCreationDisabled: () => linkCreationDisabled(),
  LinkNotRevealable: () => linkNotRevealable(),
  LinkExpired: () => linkExpired(DOMAIN.domainName),
  LinkRevoked: () => linkRevoked('revoked', DOMAIN.domainName),
  LinksDisabled: () => linksDisabled(DOMAIN.domainName),
  LinkUsedUp: () => linkUsedUp(DOMAIN.domainName),
  LinkPaused: () => linkPaused(DOMAIN.domainName),
  LinksPaused: () => linksPaused(PAUSED_UNTIL, DOMAIN.domainName),
  UnknownReference: () => unknownReference('additionalTeamIds[0]', 'interns'),
  RateLimited: () => rateLimited(30),
  PayloadTooLarge: () => payloadTooLarge(),
  Busy: () => busy(),
};

/** API Gateway's own refusals, which it words itself. */
export const GATEWAY_EXAMPLES: Record<number, unknown> = { 401: { message: 'Unauthorized' }, 429: { message: 'Too Many Requests' } };

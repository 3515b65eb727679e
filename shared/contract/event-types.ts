/**
 * What names an event, without its schema: the source, the version and the types. Code on a
 * request's path imports these; the zod schemas (schemas.ts) are for documents, tests and the feed,
 * so that no function's cold start builds every event's schema (bench/).
 */
export const EVENT_SOURCE = 'invite-links';
/** `detail.version`: a consumer reading 1 knows every field of its type's schema. */
export const EVENT_VERSION = 1;

export const EVENT_TYPES = [
  'InviteLinkCreated',
  'InviteLinkRevoked',
  'InviteLinkRevealed',
  'InviteLinksRevokedAll',
  'InviteLinksDisabled',
  'InviteLinksEnabled',
  'MemberJoined',
  'MemberUpdated',
  'MemberRemoved',
  'MemberRejoinAllowed',
  'InvitationCreated',
  'InvitationRevoked',
  'InvitationAccepted',
  'InvitationResent',
  'InvitationsRevokedAll',
  'InviteLinksPaused',
  'InviteLinksResumed',
  'InviteLinkPaused',
  'InviteLinkResumed',
  'JoinRequested',
  'JoinApproved',
  'JoinDeclined',
  'InviteLinkExpiring',
  'InviteLinkUsedUp',
  'InviteLinkExpired',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

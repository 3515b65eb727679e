/**
 * The errors the product speaks in. The domain throws these; shared/http/problem.ts maps each
 * kind to its status and code, once.
 */
export type ErrorKind =
  | 'InvalidRequest'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'EmailNotVerified'
  | 'EmailDomainNotAllowed'
  | 'LinkUsedUp'
  | 'NotFound'
  | 'LinkNotFound'
  | 'AlreadyMember'
  | 'RejoinBlocked'
  | 'InvitationEmailMismatch'
  | 'JoinDeclined'
  | 'RequestDecided'
  | 'LastAdmin'
  | 'LinkCreationDisabled'
  | 'LinkNotRevealable'
  | 'LinkExpired'
  | 'LinkRevoked'
  | 'LinksDisabled'
  | 'LinkPaused'
  | 'LinksPaused'
  | 'UnknownReference'
  | 'RateLimited'
  | 'PayloadTooLarge'
  | 'Busy';

/** Why a link stopped working, finer than the error code (problem+json `reason`). */
export const LINK_END_REASONS = ['expired', 'used-up', 'revoked', 'all-deleted', 'creator-links-revoked', 'turned-off', 'links-disabled', 'paused', 'links-paused'] as const;
export type LinkEndReason = (typeof LINK_END_REASONS)[number];
export interface LinkEnd {
  reason: LinkEndReason;
  /** The organisation the link was for. */
  domainName?: string;
  /** `links-paused`: when links work again. */
  pausedUntil?: string;
}

export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The request field at fault, where there is one (`email`, `additionalTeamIds[1]`). */
    readonly field?: string,
    /** When to try again, for the errors that say so (Retry-After). */
    readonly retryAfterSeconds?: number,
    /** Why a link no longer works and whose it was: what the join page tells the person. */
    readonly linkEnd?: LinkEnd,
  ) {
    super(message);
    this.name = kind;
  }
}

export const invalidRequest = (field: string, message: string) =>
  new ServiceError('InvalidRequest', `${field}: ${message}`, field);
export const unauthenticated = (message = 'A valid bearer token is required.') =>
  new ServiceError('Unauthenticated', message);
export const forbidden = (message: string) => new ServiceError('Forbidden', message);
export const notFound = (what = 'The resource') => new ServiceError('NotFound', `${what} was not found.`);
export const linkNotFound = () =>
  new ServiceError('LinkNotFound', 'This invite link does not exist. Ask whoever sent it for a new one.', 'token');
export const emailNotVerified = (message = 'Your sign-in does not carry a verified email. Verify your email with your identity provider, then sign in again.') =>
  new ServiceError('EmailNotVerified', message);
export const emailDomainNotAllowed = (allowed: string[]) =>
  new ServiceError('EmailDomainNotAllowed', `This invite link is for people with an email address at ${allowed.join(', ')}.`);
export const linkUsedUp = (domainName?: string) =>
  new ServiceError('LinkUsedUp', 'This invite link has been used as many times as it allows. Ask whoever sent it for a new one.', 'token', undefined, { reason: 'used-up', domainName });
export const rejoinBlocked = () =>
  new ServiceError('RejoinBlocked', 'An admin removed you from this domain. You can join it again once an admin allows it: ask one of them.');
/** The link's creator or an admin declined this person's request to join through that link: asking again changes nothing. */
export const joinDeclined = (domainName?: string) =>
  new ServiceError('JoinDeclined', `Your request to join ${domainName ?? 'this domain'} through this link was declined. Ask the person who shared it, or an admin, if you think it should not have been.`, 'token');
/** A join request already approved or declined: each is decided once. */
export const requestDecided = (status: string) => new ServiceError('RequestDecided', `This join request was already ${status}.`);
/** An invitation by email is for its address only: the caller is signed in with another. */
export const invitationEmailMismatch = (invitedEmail: string) =>
  new ServiceError('InvitationEmailMismatch', `This invitation was sent to ${invitedEmail}. Sign in with that address to accept it.`);
/** How an invitation stopped working, in the codes a link's end has (a token is a token) and its own words. */
export type InvitationEnd = 'used' | 'revoked' | 'resent' | 'expired' | 'creator-ended';
const INVITATION_ENDED: Record<InvitationEnd, { kind: ErrorKind; reason: LinkEndReason; detail: string }> = {
  used: { kind: 'LinkRevoked', reason: 'revoked', detail: 'This invitation has already been used. Ask whoever sent it for a new one.' },
  revoked: { kind: 'LinkRevoked', reason: 'revoked', detail: 'This invitation was withdrawn. Ask whoever sent it for a new one.' },
  resent: { kind: 'LinkRevoked', reason: 'revoked', detail: 'This invitation was sent again with a new link: use the link in the latest email.' },
  expired: { kind: 'LinkExpired', reason: 'expired', detail: 'This invitation has expired. Ask whoever sent it for a new one.' },
  'creator-ended': { kind: 'LinkRevoked', reason: 'creator-links-revoked', detail: 'This invitation stopped working because the person who sent it can no longer invite people. Ask an admin for a new one.' },
};
export const invitationEnded = (end: InvitationEnd, domainName?: string) => {
  const { kind, reason, detail } = INVITATION_ENDED[end];
  return new ServiceError(kind, detail, 'token', undefined, { reason, domainName });
};
export const lastAdmin = () => new ServiceError('LastAdmin', 'This is the domain’s last admin: make someone else an admin first.');
export const alreadyMember = () =>
  new ServiceError('AlreadyMember', 'You are already a member of this domain (your account or your email is in it already).');
export const linkCreationDisabled = () =>
  new ServiceError('LinkCreationDisabled', 'Invite links are turned off for this domain (Login Settings).');
/** A link made before links' addresses were kept (sealed): nobody can have its address again. */
export const linkNotRevealable = () =>
  new ServiceError('LinkNotRevealable', 'This link was made before links could be copied again later, so its address was never kept. Make a new link to share it.');
export const linkExpired = (domainName?: string) =>
  new ServiceError('LinkExpired', 'This invite link has expired. Ask whoever sent it for a new one.', 'token', undefined, { reason: 'expired', domainName });
/** The detail says what really happened: nobody deleted a link that died when links were switched off. */
const REVOKED_DETAIL: Record<Exclude<LinkEndReason, 'expired' | 'used-up' | 'links-disabled' | 'paused' | 'links-paused'>, string> = {
  revoked: 'This invite link was revoked. Ask whoever sent it for a new one.',
  'all-deleted': 'An admin deleted all existing invite links after this one was made. Ask whoever sent it for a new one.',
  'creator-links-revoked': 'This invite link stopped working because the person who made it can no longer invite people. Ask an admin for a new one.',
  'turned-off': 'Invite links were switched off after this one was made. They are on again, but links from before stay off: ask whoever sent it for a new one.',
};
export const linkRevoked = (reason: keyof typeof REVOKED_DETAIL = 'revoked', domainName?: string) =>
  new ServiceError('LinkRevoked', REVOKED_DETAIL[reason], 'token', undefined, { reason, domainName });
/** A link that no longer works, as whoever would share it is told: the joiner's code and reason, and what to do instead. */
const ENDED_FOR_SHARING: Record<LinkEndReason, string> = {
  expired: 'This link has expired: make a new one to share.',
  'used-up': 'This link has been used as many times as it allows: make a new one to invite more people.',
  revoked: 'This link was revoked: make a new one to share.',
  'all-deleted': 'An admin deleted all existing links after this one was made: make a new one to share.',
  'creator-links-revoked': 'This link stopped working because the person who made it can no longer invite people.',
  'turned-off': 'Invite links were switched off after this one was made, and links from before stay off: make a new one to share.',
  'links-disabled': 'Invite links are turned off for this domain (Login Settings).',
  paused: 'This link is paused: resume it to let people join through it again.',
  'links-paused': 'An admin paused all invite links for a while (Login Settings): links work again when the pause ends.',
};
export const linkEndedForSharing = (ended: ServiceError): ServiceError =>
  ended.linkEnd ? new ServiceError(ended.kind, ENDED_FOR_SHARING[ended.linkEnd.reason], undefined, undefined, ended.linkEnd) : ended;
export const linksDisabled = (domainName?: string) =>
  new ServiceError('LinksDisabled', 'Invite links are turned off for this domain. Ask an admin for another way in.', 'token', undefined, { reason: 'links-disabled', domainName });
/** Paused by its guard (or a person): it works again once its creator or an admin resumes it. */
export const linkPaused = (domainName?: string) =>
  new ServiceError('LinkPaused', 'This invite link is paused for now. Ask the person who shared it to resume it, or for another way in.', 'token', undefined, { reason: 'paused', domainName });
/** Every link of the domain paused until `pausedUntil` (or an admin resumes them); the detail says until when, in UTC. */
export const linksPaused = (pausedUntil: string, domainName?: string) =>
  new ServiceError(
    'LinksPaused',
    `Joining ${domainName ?? 'this domain'} through invite links is paused until ${utcMinute(pausedUntil)}. Try again then, or ask an admin.`,
    'token',
    undefined,
    { reason: 'links-paused', domainName, pausedUntil },
  );
/** `2026-11-28 18:00 UTC`: the minute a pause ends, rounded up, so nobody is told a time that is still paused. */
const utcMinute = (at: string) => `${new Date(Math.ceil(Date.parse(at) / 60_000) * 60_000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const unknownReference = (field: string, id: string) =>
  new ServiceError('UnknownReference', `${field}: "${id}" does not exist in this domain.`, field);
export const rateLimited = (retryAfterSeconds?: number) =>
  new ServiceError('RateLimited', 'Too many attempts. Wait a moment and try again.', undefined, retryAfterSeconds);
export const payloadTooLarge = () => new ServiceError('PayloadTooLarge', 'body: the request is far larger than any this API takes.', 'body');
/**
 * The function ran out of its time (middy answers just before Lambda would end it): what it was
 * doing may or may not have been done, so the caller tries again, as after BUSY; a join sent again
 * answers the membership it made. Never a 500: nothing is known to have failed.
 */
export const timedOut = () =>
  new ServiceError('Busy', 'This took longer than the service allows at the moment, and may or may not have been done. Try again shortly: a join sent again answers the membership it made.', undefined, 2);
export const busy = (retryAfterSeconds = 1) =>
  new ServiceError('Busy', 'Many people are doing the same thing at this moment and this request kept colliding with theirs. Try again shortly.', undefined, retryAfterSeconds);

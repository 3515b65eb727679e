/**
 * The API's error table: each error kind's status, code and title, and the problem+json body
 * (RFC 9457) an error becomes. The one error mapping: shared/http/problem.ts answers with it, the
 * API document and the edge's refusals are written from it.
 */
import { ServiceError, type ErrorKind, type LinkEndReason } from '../domain/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Every error kind's status, code and title: the API's error table (docs/api.md is written from it). */
export const PROBLEMS: Record<ErrorKind, { status: number; code: string; title: string }> = {
  InvalidRequest: { status: 400, code: 'INVALID_REQUEST', title: 'The request is not valid' },
  Unauthenticated: { status: 401, code: 'UNAUTHENTICATED', title: 'Sign in first' },
  Forbidden: { status: 403, code: 'FORBIDDEN', title: 'Not allowed' },
  EmailNotVerified: { status: 403, code: 'EMAIL_NOT_VERIFIED', title: 'Email not verified' },
  EmailDomainNotAllowed: { status: 403, code: 'EMAIL_DOMAIN_NOT_ALLOWED', title: 'Email domain not allowed' },
  LinkUsedUp: { status: 410, code: 'LINK_USED_UP', title: 'Invite link used up' },
  NotFound: { status: 404, code: 'NOT_FOUND', title: 'Not found' },
  LinkNotFound: { status: 404, code: 'LINK_NOT_FOUND', title: 'Invite link not found' },
  AlreadyMember: { status: 409, code: 'ALREADY_MEMBER', title: 'Already a member' },
  RejoinBlocked: { status: 403, code: 'REJOIN_BLOCKED', title: 'Removed from this domain' },
  InvitationEmailMismatch: { status: 403, code: 'INVITATION_EMAIL_MISMATCH', title: 'The invitation is for another address' },
  JoinDeclined: { status: 403, code: 'JOIN_DECLINED', title: 'Request to join declined' },
  RequestDecided: { status: 409, code: 'REQUEST_DECIDED', title: 'Join request already decided' },
  LastAdmin: { status: 409, code: 'LAST_ADMIN', title: 'The last admin' },
  LinkCreationDisabled: { status: 409, code: 'LINKS_DISABLED', title: 'Invite links are turned off' },
  LinkNotRevealable: { status: 409, code: 'LINK_NOT_REVEALABLE', title: 'This link cannot be copied again' },
  LinkExpired: { status: 410, code: 'LINK_EXPIRED', title: 'Invite link expired' },
  LinkRevoked: { status: 410, code: 'LINK_REVOKED', title: 'Invite link deleted' },
  LinksDisabled: { status: 410, code: 'LINKS_DISABLED', title: 'Invite links are turned off' },
  LinkPaused: { status: 410, code: 'LINK_PAUSED', title: 'Invite link paused' },
  LinksPaused: { status: 410, code: 'LINKS_PAUSED', title: 'Invite links paused for a while' },
  UnknownReference: { status: 422, code: 'UNKNOWN_REFERENCE', title: 'Unknown team, role group or group' },
  RateLimited: { status: 429, code: 'RATE_LIMITED', title: 'Too many attempts' },
  PayloadTooLarge: { status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Request too large' },
  Busy: { status: 503, code: 'BUSY', title: 'Busy, try again shortly' },
};

export interface Problem {
  type: string;
  status: number;
  title: string;
  detail: string;
  code: string;
  field?: string;
  /** Dead links: why, and the organisation's name, for the join page. */
  reason?: LinkEndReason;
  domainName?: string;
  /** LINKS_PAUSED: when links work again. */
  pausedUntil?: string;
}

export function problemOf(error: ServiceError): Problem {
  const { status, code, title } = PROBLEMS[error.kind];
  return {
    type: 'about:blank',
    status,
    title,
    detail: error.message,
    code,
    ...(error.field !== undefined ? { field: error.field } : {}),
    ...(error.linkEnd ? { reason: error.linkEnd.reason, ...(error.linkEnd.domainName !== undefined ? { domainName: error.linkEnd.domainName } : {}) } : {}),
    ...(error.linkEnd?.pausedUntil !== undefined ? { pausedUntil: error.linkEnd.pausedUntil } : {}),
  };
}

/** Anything that is not a ServiceError: the caller learns nothing of what went wrong. */
export const INTERNAL: Problem = {
  type: 'about:blank',
  status: 500,
  title: 'Something went wrong on our side',
  detail: 'The request was not completed. Try again; if it keeps failing, tell the service operator.',
  code: 'INTERNAL',
};

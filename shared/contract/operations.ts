/**
 * THE operation table: each operation of the API, once, with everything about it. The handler in
 * functions/<name>.ts takes its entry (input parsing, types, success status); the CDK API, the
 * local front door, the OpenAPI document, docs/api.md and the pages' types are all derived from
 * it. A function's DynamoDB actions live beside it, so its IAM grant is exactly what its code
 * uses. Importing this module needs no environment variable.
 */
import type * as z from 'zod/mini';
import type { ErrorKind } from '../domain/errors.ts';
import { INVITATION_LIMITS, PAUSE_LIMITS } from '../domain/limits.ts';
import * as input from './requests.ts';
import type { ResponseName } from './response-schemas.ts';

/** The public route (the link lookup) is throttled per route: requests per second and burst, as API Gateway counts them. */
export const PUBLIC_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/** One rate-based count: at most `requests` in each window of `windowSeconds`. */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/**
 * What one client may send, as the WAF rate-based rules in front of the API count it in AWS and
 * the local front door counts it locally: per client address and, on signed-in routes, per person
 * (their bearer token, the header WAF keys on), so one noisy client is refused while others go on.
 */
export const CLIENT_LIMITS = {
  /** The public routes: the link lookup, the API document. */
  public: { perAddress: { requests: 300, windowSeconds: 60 } },
  /** Joining: a person joins a handful of times at most, and an office behind one address onboards a whole wave. */
  join: { perAddress: { requests: 300, windowSeconds: 600 }, perPerson: { requests: 10, windowSeconds: 60 } },
  /** Having links' addresses again: a person copies a few at a time, so a stolen session cannot empty a domain's links quickly. */
  reveal: { perAddress: { requests: 300, windowSeconds: 60 }, perPerson: { requests: 30, windowSeconds: 60 } },
} as const satisfies Record<string, ClientLimitRule>;
export type ClientLimit = keyof typeof CLIENT_LIMITS;
export interface ClientLimitRule {
  perAddress: RateLimit;
  perPerson?: RateLimit;
}

/** DynamoDB actions, without the `dynamodb:` prefix; `QueryByDomain` is a Query of the by-domain index only. */
export type TableAction = 'QueryByDomain' | 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** The link key's actions (KMS), without the `kms:` prefix: Encrypt seals a new link's token, Decrypt opens it again to reveal the link. */
export type KeyAction = 'Encrypt' | 'Decrypt';

/** The caller's membership and the domain's directory, read together (shared/service/access.ts). */
const CALLER = 'BatchGetItem' satisfies TableAction;

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path template: `{name}` is one path segment. */
  path: string;
  /** `jwt`: behind the JWT authorizer; the caller is the token's `sub`. */
  auth: 'jwt' | 'public';
  /** The per-client rate limit it counts against, if any (CLIENT_LIMITS). */
  clientLimit?: ClientLimit;
  summary: string;
  /** Who may call it, in the product's words. */
  who: string;
  description?: string;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  status: SuccessStatus;
  /** The success body's schema, by name (shared/contract/response-schemas.ts); none for 204. */
  response?: ResponseName;
  /** Other successes it may answer with instead (a join waiting for approval: 202), each with its body and when. */
  alsoAnswers?: readonly { status: SuccessStatus; response?: ResponseName; when: string }[];
  /** The errors this operation answers with besides those every operation of its kind can give (see errorsOf). */
  errors: readonly ErrorKind[];
  tableActions: readonly TableAction[];
  /** What its code does with the link key (KMS); none: the function may not use the key at all. */
  keyActions?: readonly KeyAction[];
}

export type SuccessStatus = 200 | 201 | 202 | 204;

const MAY_INVITE = 'Members who may invite (domain admins, and role groups granting `users:create`).';
const ADMINS = 'Domain admins.';
const MEMBER_CHECK: ErrorKind[] = ['Forbidden', 'NotFound'];

export const OPERATIONS = {
  'get-me': {
    method: 'GET', path: '/v1/me', auth: 'jwt', status: 200,
    summary: 'Who the caller is, and the domains they belong to',
    who: 'Any signed-in person; `memberships` is `[]` for someone who has joined no domain yet.',
    description: '`joinRequests`: the caller’s own requests to join through links that need approval, pending or decided.',
    response: 'me', errors: [], tableActions: ['Query'],
  },
  'list-teams': {
    method: 'GET', path: '/v1/domains/{domainId}/teams', auth: 'jwt', status: 200,
    summary: 'The domain’s teams, for the invite modal', who: MAY_INVITE,
    params: input.domainParams, response: 'teams', errors: MEMBER_CHECK, tableActions: [CALLER],
  },
  'list-role-groups': {
    method: 'GET', path: '/v1/domains/{domainId}/role-groups', auth: 'jwt', status: 200,
    summary: 'The domain’s role groups, each saying whether the caller may hand it out', who: MAY_INVITE,
    params: input.domainParams, response: 'roleGroups', errors: MEMBER_CHECK, tableActions: [CALLER],
  },
  'list-groups': {
    method: 'GET', path: '/v1/domains/{domainId}/groups', auth: 'jwt', status: 200,
    summary: 'The domain’s legacy groups', who: MAY_INVITE,
    params: input.domainParams, response: 'groups', errors: MEMBER_CHECK, tableActions: [CALLER],
  },
  'list-users': {
    method: 'GET', path: '/v1/domains/{domainId}/users', auth: 'jwt', status: 200,
    summary: 'The domain’s users and how they came in', who: MAY_INVITE,
    description: 'In email order, a page at a time (`limit`, `cursor`). `?inviteLinkId=` keeps only the people who joined through that link. `adminCount` says how many admins the domain has: its last admin can be neither removed nor demoted.',
    params: input.domainParams, query: input.usersQuery, response: 'members', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'update-member': {
    method: 'PATCH', path: '/v1/domains/{domainId}/users/{userId}', auth: 'jwt', status: 200,
    summary: 'Change a member’s user type, teams, role groups, legacy groups, admin role or when their membership ends', who: ADMINS,
    description: '`memberUntil` moves the end of the membership (an instant in the future, within 5 years: the member is removed then, with reason `expired`, and warned 3 days before) or clears it (`null`). Ids are checked like a link’s. The domain’s last admin cannot lose admin (409 `LAST_ADMIN`). When the change takes away authority the member’s links rely on (the right to invite, a user type rank or a role group, for a member who is not an admin), every link they made stops working (410 `LINK_REVOKED`).',
    params: input.userParams, body: input.memberChangeBody, response: 'member',
    errors: [...MEMBER_CHECK, 'UnknownReference', 'LastAdmin', 'Busy'], tableActions: [CALLER, 'GetItem', 'ConditionCheckItem', 'PutItem', 'UpdateItem'],
  },
  'remove-member': {
    method: 'DELETE', path: '/v1/domains/{domainId}/users/{userId}', auth: 'jwt', status: 204,
    summary: 'Remove a member from the domain', who: ADMINS,
    description: 'The membership is gone; the person keeps their account and other domains, and every link they made here stops working. They cannot join again through any link (403 `REJOIN_BLOCKED`) until an admin allows it (`POST .../removed-members/allow-rejoin`), unless `?allowRejoin=true`. The domain’s last admin cannot be removed (409 `LAST_ADMIN`).',
    params: input.userParams, query: input.removeMemberQuery, errors: [...MEMBER_CHECK, 'LastAdmin', 'Busy'], tableActions: [CALLER, 'GetItem', 'ConditionCheckItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
  'list-removed-members': {
    method: 'GET', path: '/v1/domains/{domainId}/removed-members', auth: 'jwt', status: 200,
    summary: 'The people removed from the domain who may not rejoin through a link', who: ADMINS,
    description: 'In email order, a page at a time (`limit`, `cursor`). Someone an admin let back in (allow-rejoin) is no longer listed.',
    params: input.domainParams, query: input.pageQuery, response: 'removedMembers', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'allow-rejoin': {
    method: 'POST', path: '/v1/domains/{domainId}/removed-members/allow-rejoin', auth: 'jwt', status: 204,
    summary: 'Let someone who was removed join again through a link', who: ADMINS,
    description: 'By the email they were removed with; 404 when nobody with that email is kept out of the domain.',
    params: input.domainParams, body: input.allowRejoinBody, errors: [...MEMBER_CHECK, 'Busy'], tableActions: [CALLER, 'GetItem', 'ConditionCheckItem', 'DeleteItem', 'PutItem'],
  },
  'get-invite-link-settings': {
    method: 'GET', path: '/v1/domains/{domainId}/settings/invite-links', auth: 'jwt', status: 200,
    summary: 'Whether the domain allows invite links (Login Settings)', who: MAY_INVITE,
    params: input.domainParams, response: 'linkSettings', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'put-invite-link-settings': {
    method: 'PUT', path: '/v1/domains/{domainId}/settings/invite-links', auth: 'jwt', status: 200,
    summary: 'Turn invite links on or off, and set the email domains every joiner must have', who: ADMINS,
    description: 'Turning links off kills every existing link at once and for good: turning them on again brings none back. `allowedEmailDomains` (up to 20, exact, `[]` for any) is checked at every join together with the link’s own list. `defaultPauseAfter` (`null`: none) is the guard a link made without its own `pauseAfter` gets; links made before keep theirs.',
    params: input.domainParams, body: input.settingsBody, response: 'linkSettings', errors: [...MEMBER_CHECK, 'Busy'],
    tableActions: ['ConditionCheckItem', 'PutItem', 'UpdateItem', 'GetItem', 'Query'],
  },
  'pause-invite-links': {
    method: 'POST', path: '/v1/domains/{domainId}/settings/invite-links/pause', auth: 'jwt', status: 200,
    summary: 'Pause every invite link for a few hours', who: ADMINS,
    description: `For \`hours\` (${PAUSE_LIMITS.minHours} to ${PAUSE_LIMITS.maxHours}) from now, or until an admin resumes them, a join or lookup through any of the domain’s links answers 410 \`LINKS_PAUSED\` with \`pausedUntil\`: one write, whatever the number of links. Nothing ends: afterwards every link works as before, and links can be made meanwhile. Invitations by email are not links and keep working. Pausing again sets a new end.`,
    params: input.domainParams, body: input.pauseLinksBody, response: 'linkSettings', errors: [...MEMBER_CHECK, 'Busy'],
    tableActions: ['ConditionCheckItem', 'UpdateItem', 'PutItem', 'GetItem'],
  },
  'resume-invite-links': {
    method: 'POST', path: '/v1/domains/{domainId}/settings/invite-links/resume', auth: 'jwt', status: 200,
    summary: 'End a pause of every invite link now', who: ADMINS,
    description: 'Every link works again at once, in one write. With no pause running, nothing changes.',
    params: input.domainParams, response: 'linkSettings', errors: [...MEMBER_CHECK, 'Busy'],
    tableActions: ['ConditionCheckItem', 'UpdateItem', 'PutItem', 'GetItem'],
  },
  'create-invite-link': {
    method: 'POST', path: '/v1/domains/{domainId}/invite-links', auth: 'jwt', status: 201,
    summary: 'Make an invite link with a fixed configuration', who: MAY_INVITE,
    description: 'The link expires after the domain’s link lifetime (7 days unless the operator shortened it). `url` holds the secret token: returned here, and afterwards only to the link’s creator or an admin through reveal (`POST .../invite-links/{linkId}/reveal`). `pauseAfter` `{joins, withinMinutes}`: once more than `joins` people join through it within `withinMinutes`, the link pauses itself (410 `LINK_PAUSED`) until its creator or an admin resumes it; a link made without one gets the domain’s `defaultPauseAfter`, and `pauseAfter: null` makes a link with no guard whatever the default. `membershipDays` (1-365): memberships made through the link end that many days after each join (the member’s `memberUntil`; removed then with reason `expired`). A creator who is not an admin cannot hand out a user type above their own nor a role group they do not hold. One person may have at most 100 links working at once in a domain and make at most 200 an hour (operator settings); beyond that, 429 with `Retry-After`.',
    params: input.domainParams, body: input.createInviteLinkBody, response: 'createdInviteLink',
    errors: [...MEMBER_CHECK, 'LinkCreationDisabled', 'UnknownReference', 'RateLimited', 'Busy'], tableActions: [CALLER, 'ConditionCheckItem', 'PutItem'], keyActions: ['Encrypt'],
  },
  'create-onboarding-link': {
    method: 'POST', path: '/v1/domains/{domainId}/invite-links/onboarding', auth: 'jwt', status: 201,
    summary: 'Make the one-call onboarding link: Standard users in the default team', who: MAY_INVITE,
    description: '`pauseAfter` as for any link; without it, the domain’s `defaultPauseAfter`; `null`, no guard.',
    params: input.domainParams, body: input.onboardingBody, response: 'createdInviteLink',
    errors: [...MEMBER_CHECK, 'LinkCreationDisabled', 'RateLimited', 'Busy'], tableActions: [CALLER, 'ConditionCheckItem', 'PutItem'], keyActions: ['Encrypt'],
  },
  'list-activity': {
    method: 'GET', path: '/v1/domains/{domainId}/activity', auth: 'jwt', status: 200,
    summary: 'The domain’s activity: who created, revoked, joined, changed settings and members', who: MAY_INVITE,
    description: 'Newest first, a page at a time (`limit`, `cursor`); `?type=MemberJoined,MemberRemoved` keeps only those kinds. Each item is an event’s `detail` with its `type`, as integrations receive it on EventBridge (docs/events.md). Kept 90 days.',
    params: input.domainParams, query: input.activityQuery, response: 'activityPage', errors: MEMBER_CHECK, tableActions: [CALLER, 'Query'],
  },
  'list-invite-links': {
    method: 'GET', path: '/v1/domains/{domainId}/invite-links', auth: 'jwt', status: 200,
    summary: 'The domain’s active links with their use counts (never a token or url)', who: MAY_INVITE,
    description: 'Active means usable: links that expired, were revoked or are used up are left out; a paused link is listed, with `pausedAt`. Newest first, a page at a time (`limit`, `cursor`); a page reads on past the links it leaves out to fill up to `limit`. Each link has its `stats`: distinct browsers a day that opened it (`views`) and went on to sign in (`signInsStarted`), `joins`, and refused joins by code (`refusals`); counted from the table’s stream, a few seconds behind, at least once.',
    params: input.domainParams, query: input.pageQuery, response: 'activeInviteLinks', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'list-ended-invite-links': {
    method: 'GET', path: '/v1/domains/{domainId}/ended-invite-links', auth: 'jwt', status: 200,
    summary: 'The domain’s links that ended within 30 days (“Recently ended”)', who: MAY_INVITE,
    description: 'Links that expired, were used up, revoked, or ended with a delete-all, the switch or their creator’s links, within the last 30 days: each with `endedBecause`, `endedAt`, its use count and `stats`, so its creator or an admin can re-issue it (`POST .../invite-links/{linkId}/reissue`). Newest first, a page at a time (`limit`, `cursor`); a page reads on past working links to fill up to `limit`.',
    params: input.domainParams, query: input.pageQuery, response: 'endedInviteLinks', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'revoke-invite-link': {
    method: 'DELETE', path: '/v1/domains/{domainId}/invite-links/{linkId}', auth: 'jwt', status: 204,
    summary: 'Revoke one link', who: 'The link’s creator, or a domain admin.',
    params: input.linkParams, errors: [...MEMBER_CHECK, 'Busy'], tableActions: [CALLER, 'GetItem', 'PutItem', 'UpdateItem'],
  },
  'reissue-invite-link': {
    method: 'POST', path: '/v1/domains/{domainId}/invite-links/{linkId}/reissue', auth: 'jwt', status: 201,
    summary: 'Make a new link with the same settings as this one', who: 'The link’s creator, or a domain admin, while they may still hand out what it grants.',
    description: 'The new link has the old one’s grant, label, use limit, email domains, signup emails, approval and guard, and a fresh token and lifetime (as long as the old one was made to last); the caller is its creator. Any link may be re-issued, one that ended included. With `{revokeOld: true}` the old link stops working in the same write that makes the new one. `InviteLinkCreated` names the link it was re-issued from (`reissuedFrom`), and the old link’s `InviteLinkRevoked` the new one (`replacedBy`). The quotas of making links apply.',
    params: input.linkParams, body: input.reissueBody, response: 'createdInviteLink',
    errors: [...MEMBER_CHECK, 'LinkCreationDisabled', 'UnknownReference', 'RateLimited', 'Busy'], tableActions: [CALLER, 'GetItem', 'ConditionCheckItem', 'PutItem', 'UpdateItem'], keyActions: ['Encrypt'],
  },
  'resume-invite-link': {
    method: 'POST', path: '/v1/domains/{domainId}/invite-links/{linkId}/resume', auth: 'jwt', status: 200,
    summary: 'Resume a paused link', who: 'The link’s creator, or a domain admin.',
    description: 'A link that paused itself (`pausedAt`) admits people again at once: the link and all its use counts in one write (`InviteLinkResumed`). A link not paused is answered as it is; a link that no longer works answers with its 410 code.',
    params: input.linkParams, response: 'inviteLinkWithStats',
    errors: [...MEMBER_CHECK, 'LinkExpired', 'LinkRevoked', 'LinksDisabled', 'Busy'], tableActions: [CALLER, 'GetItem', 'UpdateItem', 'PutItem'],
  },
  'reveal-invite-link': {
    method: 'POST', path: '/v1/domains/{domainId}/invite-links/{linkId}/reveal', auth: 'jwt', clientLimit: 'reveal', status: 200,
    summary: 'A link’s address again, to copy it from any browser', who: 'The link’s creator, or a domain admin.',
    description: 'The `url` holds the secret token: it is kept encrypted (AWS KMS) from the moment the link is made, and opened only here. Each reveal is recorded in the domain’s activity (`InviteLinkRevealed`, naming the link and who revealed it, never the url). A link that no longer works answers with its 410 code; a link made before addresses were kept, 409 `LINK_NOT_REVEALABLE` (make a new one). Never cached (`Cache-Control: no-store`).',
    params: input.linkParams, response: 'revealedInviteLink',
    errors: [...MEMBER_CHECK, 'LinkNotRevealable', 'LinkExpired', 'LinkRevoked', 'LinksDisabled', 'LinkUsedUp'], tableActions: [CALLER, 'PutItem'], keyActions: ['Decrypt'],
  },
  'revoke-all-invite-links': {
    method: 'POST', path: '/v1/domains/{domainId}/invite-links/revoke-all', auth: 'jwt', status: 200,
    summary: 'Delete all existing links, or all of one person’s', who: ADMINS,
    description: 'Every existing link stops working, whatever their number: on the domain in one conditional write, then on each of the gates joins check, before it answers, so no join through one of them succeeds after it has answered; new links can be made. With `{createdBy}`, only the links that person made.',
    params: input.domainParams, body: input.revokeAllBody, response: 'revokedAll', errors: [...MEMBER_CHECK, 'Busy'], tableActions: ['GetItem', 'ConditionCheckItem', 'UpdateItem', 'PutItem'],
  },
  'create-invitations': {
    method: 'POST', path: '/v1/domains/{domainId}/invitations', auth: 'jwt', status: 201,
    summary: 'Invite people by email: one single-use invitation per address', who: MAY_INVITE,
    description: `Up to ${INVITATION_LIMITS.maxEmails} addresses (each once, case-insensitively), each sent its own invitation: a link with its own token, bound to that address, valid for \`expiresInSeconds\` (7 days unless the operator shortened links’ lifetime). The grant is checked as a link’s is (the role ceiling: 403; unknown ids: 422), and works whether invite links are on or off. Each address answers for itself, in the request’s order: \`invited\`, \`already-member\`, \`already-invited\` (it has a pending invitation), or \`refused\` with \`code\` \`REJOIN_BLOCKED\` (removed, kept out), \`EMAIL_DOMAIN_NOT_ALLOWED\` (the domain’s email domains), \`RECIPIENT_LIMIT\` (the address had ${INVITATION_LIMITS.perRecipientPerDay} invitations today) or \`INVITATION_QUOTA\` (the sender sent ${INVITATION_LIMITS.perCreatorPerDay} today in this domain). The token is never in the answer: only the email holds it.`,
    params: input.domainParams, body: input.createInvitationsBody, response: 'invitationResults',
    errors: [...MEMBER_CHECK, 'UnknownReference', 'Busy'], tableActions: [CALLER, 'PutItem', 'UpdateItem'], keyActions: ['Encrypt'],
  },
  'list-invitations': {
    method: 'GET', path: '/v1/domains/{domainId}/invitations', auth: 'jwt', status: 200,
    summary: 'The domain’s pending invitations by email (never a token)', who: MAY_INVITE,
    description: 'Pending means usable: accepted, revoked and expired invitations are left out, and so are those of a sender who can no longer invite. Newest first, a page at a time (`limit`, `cursor`).',
    params: input.domainParams, query: input.pageQuery, response: 'invitations', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'revoke-invitation': {
    method: 'DELETE', path: '/v1/domains/{domainId}/invitations/{invitationId}', auth: 'jwt', status: 204,
    summary: 'Revoke one invitation: its link stops working at once', who: 'The invitation’s sender, or a domain admin.',
    description: 'The address may be invited again. An invitation no longer pending (accepted, revoked, expired) is left as it is.',
    params: input.invitationParams, errors: [...MEMBER_CHECK, 'Busy'], tableActions: [CALLER, 'GetItem', 'UpdateItem', 'DeleteItem', 'PutItem'],
  },
  'resend-invitation': {
    method: 'POST', path: '/v1/domains/{domainId}/invitations/{invitationId}/resend', auth: 'jwt', status: 200,
    summary: 'Send a pending invitation again, with a new link', who: 'The invitation’s sender, or a domain admin.',
    description: 'A new token: the link in earlier emails stops working at once. The invitation lives its lifetime again from now. Counts against the same daily caps as a new invitation (429 with `Retry-After` beyond them). An invitation no longer pending: 404.',
    params: input.invitationParams, response: 'invitation',
    errors: [...MEMBER_CHECK, 'RateLimited', 'Busy'], tableActions: [CALLER, 'GetItem', 'UpdateItem', 'PutItem'], keyActions: ['Encrypt'],
  },
  'revoke-all-invitations': {
    method: 'POST', path: '/v1/domains/{domainId}/invitations/revoke-all', auth: 'jwt', status: 200,
    summary: 'Revoke every pending invitation of the domain', who: ADMINS,
    description: 'Every pending invitation’s link stops working; `revoked` says how many. Invite links are left alone, as “Delete all existing links” leaves invitations alone.',
    params: input.domainParams, response: 'revokedAllInvitations', errors: [...MEMBER_CHECK, 'Busy'], tableActions: [CALLER, 'QueryByDomain', 'UpdateItem', 'DeleteItem', 'PutItem'],
  },
  'list-join-requests': {
    method: 'GET', path: '/v1/domains/{domainId}/join-requests', auth: 'jwt', status: 200,
    summary: 'Requests to join through links that need approval', who: 'Members who may invite: domain admins see every request of the domain, anyone else those through the links they made.',
    description: '`?status=` `pending` (the default), `approved` or `declined`; `?inviteLinkId=` keeps only the requests through that link. Newest first, a page at a time (`limit`, `cursor`). A pending request whose link no longer works says with `linkEnded` the code a join through it would get: it cannot be approved.',
    params: input.domainParams, query: input.joinRequestsQuery, response: 'joinRequests', errors: MEMBER_CHECK, tableActions: [CALLER, 'QueryByDomain'],
  },
  'approve-join-request': {
    method: 'POST', path: '/v1/domains/{domainId}/join-requests/{requestId}/approve', auth: 'jwt', status: 200,
    summary: 'Approve a join request: the person joins with the link’s grant', who: 'Domain admins, and the link’s creator while they may invite.',
    description: 'The membership is made and the link’s use counted in one write with the decision, so `maxUses` stays exact (410 `LINK_USED_UP` once full) and of two approvals at once exactly one succeeds (the other: 409 `REQUEST_DECIDED`). A link that no longer works answers with its own 410 code and nothing changes. Answers the new member; their welcome email says the request was approved.',
    params: input.joinRequestParams, response: 'member',
    errors: [...MEMBER_CHECK, 'RequestDecided', 'AlreadyMember', 'RejoinBlocked', 'EmailDomainNotAllowed', 'LinkNotFound', 'LinkExpired', 'LinkRevoked', 'LinksDisabled', 'LinkUsedUp', 'LinkPaused', 'LinksPaused', 'Busy'],
    tableActions: [CALLER, 'GetItem', 'ConditionCheckItem', 'UpdateItem', 'PutItem'],
  },
  'decline-join-request': {
    method: 'POST', path: '/v1/domains/{domainId}/join-requests/{requestId}/decline', auth: 'jwt', status: 200,
    summary: 'Decline a join request', who: 'Domain admins, and the link’s creator while they may invite.',
    description: 'The person is emailed (with `reason`, if given); asking again through that link answers 403 `JOIN_DECLINED`. A request already decided: 409 `REQUEST_DECIDED`.',
    params: input.joinRequestParams, body: input.declineBody, response: 'joinRequest', errors: [...MEMBER_CHECK, 'RequestDecided', 'Busy'], tableActions: [CALLER, 'GetItem', 'UpdateItem', 'PutItem'],
  },
  'lookup-invite-link': {
    method: 'POST', path: '/v1/join/lookup', auth: 'public', clientLimit: 'public', status: 200,
    summary: 'What a link or an email invitation grants, for the join page', who: 'Anyone holding the link: the token travels in the body, never in a URL.',
    description: 'The token of an invite link answers `kind: "link"`; the token of an invitation by email answers `kind: "invitation"`, naming who sent it (`invitedBy`) and the only address that may accept it (`invitedEmail`). An invitation already accepted, withdrawn or sent again with a new token answers 410 `LINK_REVOKED`; an expired one 410 `LINK_EXPIRED`. A link’s lookup counts in its `stats`: `step: "view"` (the default) as the page opens, `step: "sign-in"` as the person leaves to sign in; each browser once a day, known only by a hash under a salt that is thrown away the next day.',
    body: input.lookupBody, response: 'linkLookup',
    // PutItem: the browser's visit mark for the link's stats (GetItem and PutItem also make and read the day's salt).
    errors: ['LinkNotFound', 'LinkExpired', 'LinkRevoked', 'LinksDisabled', 'LinkUsedUp', 'LinkPaused', 'LinksPaused'], tableActions: ['GetItem', 'Query', 'BatchGetItem', 'PutItem'],
  },
  join: {
    method: 'POST', path: '/v1/join', auth: 'jwt', clientLimit: 'join', status: 201,
    summary: 'Join the domain of a link or an email invitation, with the configuration it carries', who: 'Any signed-in person whose token carries a verified email.',
    description: 'The email is the caller’s verified email from their token (`email`, `email_verified`), never the request’s; names default to the token’s `given_name` and `family_name`. Someone already in another domain joins with the same account. An invitation by email is used once, and only by the address it was sent to (compared lower-cased): anyone else gets 403 `INVITATION_EMAIL_MISMATCH` and the invitation stays usable. Invitations work whether invite links are on or off. Through a link made with `requireApproval` the answer is 202 and a join request, checked as a join is (the link works, the email domains, not a member, not kept out; used-up is checked at approval): the person joins only once it is approved (`POST .../join-requests/{requestId}/approve`); after a decline, asking again through that link answers 403 `JOIN_DECLINED`.',
    body: input.joinBody, response: 'joined',
    alsoAnswers: [
      { status: 202, response: 'joinRequested', when: 'The link needs approval: a join request is recorded (asking again answers the same pending request) and nobody joins until the link’s creator or an admin approves it.' },
      { status: 200, response: 'joined', when: 'The caller had joined through this very link or invitation already (a join sent again because its answer was lost): their membership as it is now, nothing written. Through anything else, a member already gets 409 `ALREADY_MEMBER`.' },
    ],
    errors: ['EmailNotVerified', 'EmailDomainNotAllowed', 'RejoinBlocked', 'JoinDeclined', 'InvitationEmailMismatch', 'LinkNotFound', 'AlreadyMember', 'LinkExpired', 'LinkRevoked', 'LinksDisabled', 'LinkUsedUp', 'LinkPaused', 'LinksPaused', 'Busy'],
    tableActions: ['BatchGetItem', 'GetItem', 'Query', 'ConditionCheckItem', 'UpdateItem', 'PutItem', 'DeleteItem'],
  },
  'get-openapi': {
    method: 'GET', path: '/v1/openapi.json', auth: 'public', clientLimit: 'public', status: 200,
    summary: 'This document: the OpenAPI 3.1 description of the API', who: 'Anyone.',
    response: 'openApiDocument', errors: [], tableActions: [],
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;
export type OperationOf<N extends OperationName> = (typeof OPERATIONS)[N];

/** Every operation with its name (= its function's file under functions/), in table order. */
export const OPERATION_LIST = (Object.entries(OPERATIONS) as [OperationName, Operation][]).map(([name, op]) => ({ name, ...op }));
export type NamedOperation = (typeof OPERATION_LIST)[number];

/** The API Gateway route key of an operation, e.g. `POST /v1/join`. */
export const routeKey = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** Every error an operation can answer with: its own, plus those of its kind (bad input, no token, throttled). */
export function errorsOf(op: Operation): ErrorKind[] {
  const kinds = new Set<ErrorKind>();
  if (op.params || op.query || op.body) kinds.add('InvalidRequest');
  if (op.auth === 'jwt') kinds.add('Unauthenticated');
  for (const kind of op.errors) kinds.add(kind);
  if (op.body) kinds.add('PayloadTooLarge');
  if (op.auth === 'public' || op.clientLimit) kinds.add('RateLimited');
  return [...kinds];
}

/**
 * The API's shapes as the pages use them: the types come from the schemas the operation table
 * names (shared/contract/responses.ts; schemas.ts for a request body), so the pages never restate
 * them. Type-only imports: nothing of zod reaches the bundles.
 */
import type * as z from 'zod/mini';
import type * as api from '../../../shared/contract/responses.ts';
import type * as requests from '../../../shared/contract/requests.ts';
import type { UserType } from '../../../shared/domain/types.ts';

// The API's own definitions, shared with the handlers.
export { INVITE_PERMISSION, USER_TYPE_LABEL, USER_TYPES, type UserType } from '../../../shared/domain/types.ts';
import { INVITE_PERMISSION, USER_TYPES } from '../../../shared/domain/types.ts';

/** A membership as /v1/me gives it: what the member got (teams, the primary first, role groups, legacy groups) and how they joined. */
export type Membership = z.output<typeof api.membershipSummary>;
export type Me = z.output<typeof api.me>;
/** How a member came in: the link (its label), who made it, when. */
export type JoinedVia = NonNullable<Membership['joinedVia']>;
export type Team = z.output<typeof api.team>;
export type RoleGroup = z.output<typeof api.roleGroup>;
export type Group = z.output<typeof api.group>;
export type Member = z.output<typeof api.member>;
/** Someone an admin removed who may not join again through a link until an admin allows it. */
export type RemovedMember = z.output<typeof api.removedMember>;
/** A link as the active-links list shows it: its configuration, rules and use count. */
export type InviteLink = z.output<typeof api.activeInviteLinks>['items'][number];
export type CreatedLink = z.output<typeof api.createdInviteLink>;
export type EndedLink = z.output<typeof api.endedInviteLinks>['items'][number];
export type LinkSettings = z.output<typeof api.linkSettings>;
/** A link's guard: more than `joins` people joining within `withinMinutes` pauses it. */
export type PauseAfter = NonNullable<LinkSettings['defaultPauseAfter']>;
export type Joined = z.output<typeof api.joined>;
/** What a token opens: an invite link (`kind: "link"`) or an invitation by email (`kind: "invitation"`). */
export type Lookup = z.output<typeof api.linkLookup>;
/** A join through a link that needs approval: the request is in (202), nobody joined yet. */
export type JoinRequested = z.output<typeof api.joinRequested>;
/** A request to join, as the Requests page lists it for whoever may decide it. */
export type JoinRequest = z.output<typeof api.joinRequest>;
/** The caller's own request to join, as /v1/me lists it for Home and the join page. */
export type MyJoinRequest = z.output<typeof api.myJoinRequest>;
/** An invitation by email, as the invite modal lists it. */
export type Invitation = z.output<typeof api.invitation>;
/** What became of one address of one "Invite by email", in the order given. */
export type InvitationResult = z.output<typeof api.invitationResult>;
/** What the Users page knows of one domain, and its invite modal and member dialogs read: the caller, their membership there, the domain's teams and groups. */
export interface Directory {
  me: Me;
  membership: Membership;
  teams: Team[];
  roleGroups: RoleGroup[];
  groups: Group[];
}
/** The body of PATCH .../users/{userId}: any of these; the answer is the member as listed (Member). */
export type MemberChange = z.input<typeof requests.memberChangeBody>;
export interface Items<T> {
  items: T[];
}
/** A page of a list; the last has no nextCursor. */
export interface Page<T> extends Items<T> {
  nextCursor?: string;
}

export const USER_TYPE_HINT: Record<UserType, string> = {
  POWER: 'full access, can manage content',
  STANDARD: 'works with content',
  BROWSE: 'can look, not change',
};

/** The API's limits on a link's rules, checked here first so mistakes show at the field. */
export { INVITATION_LIMITS, LINK_LIMITS, MEMBERSHIP_LIMITS, PAUSE_LIMITS } from '../../../shared/domain/limits.ts';

export const mayInvite = (m: Membership) => m.isAdmin || m.permissions.includes(INVITE_PERMISSION);

/** The user types this member may hand out: admins any, others up to their own. */
export const grantableUserTypes = (m: Membership) => USER_TYPES.filter((t) => m.isAdmin || USER_TYPES.indexOf(t) <= USER_TYPES.indexOf(m.userType));

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
/** "12 Mar 2026, 15:05 CET": the reader's own time, with its zone named, as the emails name theirs (UTC). */
export const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

/** "7 days", "1 hour", "30 minutes": a whole number of the largest unit that fits exactly, else the largest that fits. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  const exact = units.find(([size]) => seconds >= size && seconds % size === 0);
  const [size, unit] = exact ?? units.find(([size]) => seconds >= size) ?? [1, 'second'];
  return plural(exact ? seconds / size : Math.floor(seconds / size), unit);
}

/** "ends in 5 days", "ends in 20 hours", "ends in 30 minutes": how long a link has left, from this browser's clock. */
export function endsIn(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor((Date.parse(iso) - now) / 1000));
  const [size, unit] = ([[86_400, 'day'], [3_600, 'hour'], [60, 'minute']] as const).find(([size]) => seconds >= size) ?? [1, 'second'];
  return `ends in ${plural(Math.floor(seconds / size), unit)}`;
}

/** "@a.com", "@a.com or @b.com", "@a.com, @b.com or @c.com". */
export const atDomains = (domains: string[]) => new Intl.ListFormat('en-GB', { type: 'disjunction' }).format(domains.map((d) => `@${d}`));

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The Store port: everything the handlers need from persistence, in the product's words.
 * shared/store/dynamodb/ implements it; domain rules and handler edges can be tested without it.
 */
import type { ActivityEntry } from '../contract/event-schemas.ts';
import type { LinkQuota } from '../domain/link-quota.ts';
import type { JoinWrite, RefusedJoinWrite } from '../domain/join.ts';
import type { RefusedRequestWrite, RequestFlowWrite } from '../domain/join-request.ts';
import type { AddressClaim } from '../domain/invitation.ts';
import type { Directory, Domain, Invitation, InvitationEmail, InviteLink, JoinRequest, JoinRequestStatus, LinkPausedEmail, Membership, MembershipEndingEmail, MyJoinRequest, PauseAfter, RemovedMember, User } from '../domain/types.ts';
import type { Timer } from '../domain/timers.ts';

/** A join's writes committed, or the one whose condition refused them (shared/domain/join.ts says what that means). */
export type JoinCommit = { done: true } | { refused: RefusedJoinWrite };
/** A join request's, an approval's or a decline's writes committed, or the one that refused them (shared/domain/join-request.ts). */
export type JoinRequestCommit = { done: true } | { refused: RefusedJoinWrite | RefusedRequestWrite };

/** Where a page starts (after `after`, the position the previous page ended at) and how long it is. */
export interface PageRequest {
  limit: number;
  after?: Record<string, string>;
}
/** A page cannot start where `after` says: no position that list could have given (or DynamoDB refused it). */
export class UnknownPosition extends Error {
  override readonly name = 'UnknownPosition';
}
/** A page and, unless it is the last, the position to continue after. */
export interface Page<T> {
  items: T[];
  next?: Record<string, string>;
}

export interface InviteLinkSettingsChange {
  enabled?: boolean;
  allowedEmailDomains?: string[];
  /** The guard new links get when their creator gives none; null: none. */
  defaultPauseAfter?: PauseAfter | null;
}

/** The result of an admin-only write whose admin check rides in the same transaction. */
/** 'unchanged': only inside the store, a write whose own condition found nothing to change. */
/** What counting a link's uses needs: its id and how many counters it was made with. */
export type CountedLink = Pick<InviteLink, 'linkId' | 'counters'>;

export type AdminWriteOutcome = 'done' | 'not-member' | 'not-admin' | 'unchanged';
export type MemberChangeOutcome = AdminWriteOutcome | 'gone' | 'changed' | 'last-admin';

/** The day a sending counts against and the caps it must stay within (shared/domain/limits.ts INVITATION_LIMITS). */
export interface InvitationQuota {
  day: string;
  perCreator: number;
  perRecipient: number;
  /** Who sends: the creator, or the admin who resends. */
  senderId: string;
}

/** Everything one invitation's first sending writes, in one transaction. */
export interface NewInvitation {
  invitation: Invitation;
  email: InvitationEmail;
  activity: ActivityEntry;
  quota: InvitationQuota;
  /** The address's pending invitation to take over: one that ended with its creator's authority. */
  replacing?: string;
}

/** The invitation that holds an address, as its claim says. */
export interface AddressHolder {
  invitationId: string;
  createdBy: string;
  creatorGeneration: number;
  expiresAt: string;
}

export type InvitationCreated =
  | { outcome: 'created' }
  | { outcome: 'already-invited'; holder?: AddressHolder }
  | { outcome: 'recipient-quota' };

export type InvitationResent = 'resent' | 'not-pending' | 'changed' | 'creator-quota' | 'recipient-quota';

/** A link that stops working in the write that makes another (a re-issue): when, and its InviteLinkRevoked entry. */
export interface LinkRevocation {
  link: InviteLink;
  at: string;
  activity: ActivityEntry;
}

export interface Store {
  /** The domain with its teams, role groups and legacy groups: one Query. */
  getDirectory(domainId: string): Promise<Directory | undefined>;
  /** A user's membership in a domain and the domain's directory together: one BatchGetItem. */
  getAccess(userId: string, domainId: string, also?: { linkQuota?: boolean }): Promise<{ membership?: Membership; directory?: Directory; linkQuota?: LinkQuota }>;
  /** The user and every membership they hold: one Query; undefined for someone who has joined nothing. */
  getUser(userId: string): Promise<{ user: User; memberships: Membership[]; joinRequests: MyJoinRequest[] } | undefined>;
  /** A page of the domain's members in email order, optionally only those who joined through one link. */
  listMembers(domainId: string, page: PageRequest & { inviteLinkId?: string }): Promise<Page<Membership>>;
  /** Every admin of the domain, for the notifier's emails: one Query of the domain's members, filtered (no admins list is kept to drift). */
  listAdmins(domainId: string): Promise<Membership[]>;

  /**
   * Creates the link only if the domain still has links enabled at the generation the link records,
   * and writes the creator's new quota record only if nobody changed it since it was read.
   */
  createInviteLink(link: InviteLink, quota: LinkQuota, activity: ActivityEntry, sealedToken: string, revoke?: LinkRevocation): Promise<'created' | 'links-disabled' | 'generation-moved' | 'quota-moved'>;
  getInviteLink(linkId: string): Promise<InviteLink | undefined>;
  /** A link and its sealed token (TokenVault), read together; no sealed token for a link made before tokens were kept. */
  getLinkToReveal(linkId: string): Promise<{ link?: InviteLink; sealedToken?: string }>;
  /** One activity entry on its own, for what changes nothing else (a link revealed). */
  recordActivity(entry: ActivityEntry): Promise<void>;
  /** A page of the domain's live-generation links that are neither expired nor revoked, newest first, with their use counts (service/active-links.ts leaves out the rest of what no longer works). */
  listInviteLinks(domain: Domain, now: Date, page: PageRequest): Promise<Page<InviteLink & { useCount: number }>>;
  /** A page of every link of the domain, of any generation, that expires after `since` (working or not), newest generation and link first; no use counts (useCounts). */
  listLinksExpiringAfter(domainId: string, since: string, page: PageRequest): Promise<Page<InviteLink>>;
  /** A link's domain and expiry, kept 30 days and more after TTL removed the link itself. */
  getLinkExpiry(linkId: string): Promise<{ domainId: string; expiresAt: string } | undefined>;
  /** The domain's activity entries, newest first; `types` keeps only those kinds. */
  listActivity(domainId: string, page: PageRequest & { types?: string[] }): Promise<Page<ActivityEntry>>;
  /** How many links work now and have uses left: what "delete all existing links" would end, as the active links list them. */
  countActiveLinks(domain: Domain, now: Date): Promise<number>;
  /** One transaction over the link and all its use counters, so no join counts after it returns. */
  revokeInviteLink(link: InviteLink, at: string, activity: ActivityEntry): Promise<void>;
  /** "Delete all existing links": one conditional write, whatever the number of links. */
  revokeAllInviteLinks(domainId: string, adminUserId: string, at: string, activity: ActivityEntry, createdBy?: string): Promise<AdminWriteOutcome>;
  /** One member's place in a domain, strongly consistent. */
  getMembership(userId: string, domainId: string): Promise<Membership | undefined>;
  /**
   * Writes `after` over `before` (as read: refused as 'changed' if it moved since), the domain's admin
   * count with it, and, when `endLinks`, moves the member's creator generation so their links stop.
   * `after` undefined removes the membership, keeping the person out (RemovedMember) when `keepOut`
   * is given. The caller's admin check rides in the same transaction; `adminUserId` undefined: the
   * service itself (a membership that ended), with no caller to check. `timers`: a new memberUntil's.
   */
  changeMember(
    before: Membership,
    after: Membership | undefined,
    endLinks: boolean,
    adminUserId: string | undefined,
    activity: ActivityEntry,
    keepOut?: RemovedMember,
    timers?: readonly Timer[],
  ): Promise<MemberChangeOutcome>;
  /** The warning before a membership ends (the notifier's outbox), once per memberUntil and only while the member still has it: 'changed' if not, 'already' if written before. */
  recordMembershipEnding(email: MembershipEndingEmail): Promise<'written' | 'already' | 'changed'>;
  /** A page of the people removed from the domain who may not rejoin, in email order. */
  listRemovedMembers(domainId: string, page: PageRequest): Promise<Page<RemovedMember>>;
  getRemovedMember(domainId: string, email: string): Promise<RemovedMember | undefined>;
  /** Lets them join again through a link, if the caller is an admin and they are still kept out (as read: 'changed' otherwise). */
  allowRejoin(removed: RemovedMember, domainId: string, adminUserId: string, activity: ActivityEntry): Promise<AdminWriteOutcome | 'changed'>;
  /** The switch and the domain-wide email domains. Turning links off also moves the generation, so turning them on again revives nothing. */
  /** `switched` is recorded only if the switch moves (a PUT that leaves it as it was records nothing). */
  updateInviteLinkSettings(domainId: string, change: InviteLinkSettingsChange, adminUserId: string, at: string, switched?: ActivityEntry): Promise<AdminWriteOutcome>;
  /** A link's use count: the sum of its counters (a view, eventually consistent). */
  useCount(link: CountedLink): Promise<number>;
  /** Several links' use counts in one round trip (a link with none counted: 0). */
  useCounts(links: readonly CountedLink[]): Promise<Map<string, number>>;

  /**
   * Pauses the link (its guard, or a person: `pausedBy`): the link, its entry and `email` (the outbox
   * item telling the creator, the guard's pause) in one transaction, then every counter, so no join
   * counts after it returns; 'unchanged' when it was paused or revoked already (a link read with
   * this very pause has its counters paused again, for an attempt that stopped before them).
   */
  pauseInviteLink(link: InviteLink, at: string, pausedBy: string, activity: ActivityEntry, email?: LinkPausedEmail): Promise<'paused' | 'unchanged'>;
  /** Takes the pause off the link and every counter in one transaction; 'unchanged' when it was not paused. */
  resumeInviteLink(link: InviteLink, activity: ActivityEntry): Promise<'resumed' | 'unchanged'>;
  /** "Pause all links" until `until`: the domain and every gate, in one write whatever the number of links; nothing is ended. */
  pauseAllInviteLinks(domainId: string, until: string, adminUserId: string, activity: ActivityEntry): Promise<AdminWriteOutcome>;
  /** Ends a pause of all links that has not run out at `at` ('unchanged' when none has), in one write. */
  resumeAllInviteLinks(domainId: string, adminUserId: string, at: string, activity: ActivityEntry): Promise<AdminWriteOutcome>;

  /** What the domain holds of these addresses already (members' emails, people kept out), by address: one BatchGetItem. */
  getAddressClaims(domainId: string, emails: readonly string[]): Promise<Map<string, AddressClaim>>;
  /** Takes up to `wanted` of the sender's sendings today (fewer once their cap is near): how many it took. */
  reserveSendings(domainId: string, quota: InvitationQuota, wanted: number): Promise<number>;
  /** Gives back sendings taken and not used. */
  returnSendings(domainId: string, quota: InvitationQuota, unused: number): Promise<void>;
  /** One invitation, its token, its address's claim, the recipient's day's count, its email and its activity entry: all or nothing (the sender's sending was reserved). */
  createInvitation(write: NewInvitation): Promise<InvitationCreated>;
  getInvitation(invitationId: string): Promise<Invitation | undefined>;
  /** A page of the domain's invitations neither revoked, accepted nor expired, newest first (service/invitations.ts leaves out those whose creator's authority ended). */
  listInvitations(domainId: string, now: Date, page: PageRequest): Promise<Page<Invitation>>;
  /** Revokes it as read ('changed' if a resend or an accept moved it since), frees its address and kills its token; `activity` is left out by revoke-all. */
  revokeInvitation(invitation: Invitation, at: string, by: string, activity?: ActivityEntry): Promise<'revoked' | 'changed'>;
  /** `after` over `before` (a new token, one more sending), only while it is pending with the token read: the old token dies in the same write. */
  resendInvitation(before: Invitation, after: Invitation, email: InvitationEmail, activity: ActivityEntry, quota: InvitationQuota): Promise<InvitationResent>;

  /** The domain item alone, strongly consistent: what a refused join is explained with. */
  getDomain(domainId: string): Promise<Domain | undefined>;
  /** The link a join goes through, and whether the person has a profile yet (one read, none for a link this instance knows). */
  linkForJoin(linkId: string, userId: string): Promise<{ link?: InviteLink; isNewUser: boolean }>;
  /** The invitation by email a token opens (its hash as a link id is none): two strongly consistent reads. */
  invitationOfToken(tokenHash: string): Promise<Invitation | undefined>;
  /** A join's planned writes, all or nothing, in one transaction: the link's use counted (or the invitation taken), the domain's gate passed, the membership, the email's claim, the join record. */
  commitJoin(writes: readonly JoinWrite[]): Promise<JoinCommit>;
  /** A join request's, its approval's or its decline's planned writes, committed as a join's are (the same retries on collisions). */
  commitJoinRequest(writes: readonly RequestFlowWrite[]): Promise<JoinRequestCommit>;

  /** One join request, strongly consistent. */
  getJoinRequest(requestId: string): Promise<JoinRequest | undefined>;
  /** A page of the domain's requests with that status, newest first; only those through one link, or through the links of one creator, if asked. */
  listJoinRequests(domainId: string, page: PageRequest & { status: JoinRequestStatus; inviteLinkId?: string; linkCreatedBy?: string }): Promise<Page<JoinRequest>>;
  /** These links (those still in the table) with their use counts, for saying which pending requests' links ended (a view). */
  getLinksWithUses(linkIds: readonly string[]): Promise<Map<string, { link: InviteLink; useCount: number }>>;
}

/** Who gets a join's email, and the directory's names for what the link (or invitation) granted, read as they are now. */
import type { Directory, JoinRecord, Membership, UserType } from '../../domain/types.ts';
import type { Store } from '../../store/store.ts';

export interface Recipient {
  email: string;
  firstName: string;
  lastName: string;
}

/** The link's grant in the directory's words; an id the directory no longer knows shows as the id. */
export interface GrantNames {
  userType: UserType;
  primaryTeam?: string;
  primaryGroup?: string;
  additionalTeams: string[];
  roleGroups: string[];
  groups: string[];
}

/** A link with a use limit: how many uses it had left when the email was written, of how many. */
export interface UsesLeft {
  left: number;
  of: number;
}

export interface SignupAudience {
  recipient: Recipient;
  domainName: string;
  grant: GrantNames;
  usesLeft?: UsesLeft;
}

/** What a join's emails need, read once: the domain's names for the grant, and the link's creator if still a member. */
export interface JoinContext {
  domainName: string;
  grant: GrantNames;
  creator?: Recipient;
  usesLeft?: UsesLeft;
}

/** One read (the creator's membership and the domain's directory together), and the link's use count beside it when it has a limit; none if the domain is gone. */
export async function joinContextOf(join: JoinRecord, store: Store): Promise<JoinContext | undefined> {
  const [{ membership: creator, directory }, used] = await Promise.all([
    store.getAccess(join.linkCreatedBy, join.domainId),
    join.linkMaxUses === undefined || join.linkId === undefined ? undefined : store.useCount({ linkId: join.linkId, ...(join.linkCounters !== undefined ? { counters: join.linkCounters } : {}) }),
  ]);
  if (!directory) return undefined;
  return {
    domainName: directory.domain.name,
    grant: grantNames(join, directory),
    ...(creator ? { creator: { email: creator.email, firstName: creator.firstName, lastName: creator.lastName } } : {}),
    // The count is read as the email is written: joins since this one may be in it already.
    ...(join.linkMaxUses !== undefined && used !== undefined ? { usesLeft: { left: Math.max(0, join.linkMaxUses - used), of: join.linkMaxUses } } : {}),
  };
}

/** The creator as the directory knows them now; none if they have left. */
export function audienceOf(context: JoinContext | undefined): SignupAudience | undefined {
  if (!context?.creator) return undefined;
  return { recipient: context.creator, domainName: context.domainName, grant: context.grant, ...(context.usesLeft ? { usesLeft: context.usesLeft } : {}) };
}

function grantNames({ grant }: JoinRecord, directory: Directory): GrantNames {
  const name = (list: { id: string; name: string }[]) => (id: string) => list.find((x) => x.id === id)?.name ?? id;
  const team = name(directory.teams);
  const group = name(directory.groups);
  return {
    userType: grant.userType,
    primaryTeam: grant.primaryTeamId === undefined ? undefined : team(grant.primaryTeamId),
    primaryGroup: grant.primaryGroupId === undefined ? undefined : group(grant.primaryGroupId),
    additionalTeams: grant.additionalTeamIds.map(team),
    roleGroups: grant.roleGroupIds.map(name(directory.roleGroups)),
    groups: grant.groupIds.map(group),
  };
}

/** Why someone hears about a link's request or pause: they made the link, they are an admin, or both. */
export type AudienceRole = 'creator' | 'admin' | 'creator and admin';

/** Who hears about a link's join request or pause: its creator, while `creatorCounts` holds of their membership now, and every admin; each once. */
export interface LinkAudience {
  domainName: string;
  /** The creator (if they count) first, then the admins, each with why. */
  people: { member: Membership; role: AudienceRole }[];
  /** The creator's name as the directory knows it now, for the admins' emails; none if they have left. */
  creatorName?: string;
}

/** One read of the creator's access and one Query of the domain's admins (unless `admins` are read already); none if the domain is gone. */
export async function linkAudienceOf(
  store: Store,
  domainId: string,
  creatorId: string,
  creatorCounts: (creator: Membership, directory: Directory) => boolean,
  admins: Promise<Membership[]> = store.listAdmins(domainId),
): Promise<LinkAudience | undefined> {
  const [{ membership: creator, directory }, domainAdmins] = await Promise.all([store.getAccess(creatorId, domainId), admins]);
  if (!directory) return undefined;
  const counted = creator && creatorCounts(creator, directory) ? creator : undefined;
  const people: LinkAudience['people'] = [
    ...(counted ? [{ member: counted, role: counted.isAdmin ? ('creator and admin' as const) : ('creator' as const) }] : []),
    ...domainAdmins.filter((admin) => admin.userId !== counted?.userId).map((member) => ({ member, role: 'admin' as const })),
  ];
  const creatorName = creator ? `${creator.firstName} ${creator.lastName}`.trim() || creator.email : undefined;
  return { domainName: directory.domain.name, people, ...(creatorName ? { creatorName } : {}) };
}

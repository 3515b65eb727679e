/** Who gets a join's email, and the directory's names for what the link granted, read as they are now. */
import type { Directory, JoinRecord, UserType } from '../domain/types.ts';
import type { Store } from '../store/store.ts';

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

export interface SignupAudience {
  recipient: Recipient;
  domainName: string;
  grant: GrantNames;
}

/** The creator's membership in the join's domain, as the directory knows it now; none if they have left. */
export async function audienceOf(join: JoinRecord, store: Store): Promise<SignupAudience | undefined> {
  const { membership: creator, directory } = await store.getAccess(join.linkCreatedBy, join.domainId);
  if (!creator || !directory) return undefined;
  return {
    recipient: { email: creator.email, firstName: creator.firstName, lastName: creator.lastName },
    domainName: directory.domain.name,
    grant: grantNames(join, directory),
  };
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

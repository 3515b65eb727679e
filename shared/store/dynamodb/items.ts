/** Product records as table items: keys, entity type and TTL added in one place per type. */
import { JOIN_RECORD_RETENTION_SECONDS } from '../../config.ts';
import { ttlOf } from '../../domain/invite-link.ts';
import type { Directory, Domain, InviteLink, JoinRecord, Membership, User } from '../../domain/types.ts';
import { keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';

export type Item = Record<string, unknown>;

export const items = {
  domain: (d: Domain): Item => ({ ...keys.domain(d.domainId), entityType: ENTITY.Domain, ...d }),
  directory: ({ domain, teams, roleGroups, groups }: Directory): Item => ({
    ...keys.directory(domain.domainId),
    entityType: ENTITY.Directory,
    teams,
    roleGroups,
    groups,
  }),
  user: (u: User): Item => ({ ...keys.user(u.userId), entityType: ENTITY.User, ...u }),
  memberEmail: (domainId: string, email: string, userId: string): Item => ({
    ...keys.memberEmail(domainId, email),
    entityType: ENTITY.MemberEmail,
    domainId,
    email,
    userId,
  }),
  membership: (m: Membership): Item => ({
    ...keys.membership(m.userId, m.domainId),
    ...keys.membershipIndex(m.userId, m.domainId),
    entityType: ENTITY.Membership,
    ...m,
  }),
  inviteLink: (link: InviteLink): Item => ({
    ...keys.link(link.linkId),
    ...keys.linkIndex(link.domainId, link.generation, link.createdAt, link.linkId),
    entityType: ENTITY.InviteLink,
    [TABLE.ttlAttribute]: ttlOf(link.expiresAt),
    ...link,
  }),
  join: (join: JoinRecord): Item => ({
    ...keys.join(join.joinId),
    entityType: ENTITY.Join,
    [TABLE.ttlAttribute]: Math.floor(Date.parse(join.joinedAt) / 1000) + JOIN_RECORD_RETENTION_SECONDS,
    ...join,
  }),
};

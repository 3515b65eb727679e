/** What the store reads: a domain's directory, a caller's access, members, links, activity, counts. Item layout: docs/data-model.md. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import { isUsable } from '../../domain/invite-link.ts';
import type { LinkQuota } from '../../domain/link-quota.ts';
import type { Directory, Domain, InviteLink, Membership, MyJoinRequest, RemovedMember, User } from '../../domain/types.ts';
import { UnknownPosition, type CountedLink, type Page, type PageRequest, type Store } from '../store.ts';
import { activityOfItem } from './activity-items.ts';
import { dataOf, keys, listPositions } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import type { TableAccess } from './table-access.ts';

export type Reads = Pick<Store, 'getDirectory' | 'getDomain' | 'getAccess' | 'getUser' | 'listMembers' | 'listAdmins' | 'getInviteLink' | 'getLinkExpiry' | 'listInviteLinks' | 'listLinksExpiringAfter' | 'useCounts' | 'listActivity' | 'countActiveLinks' | 'useCount' | 'getMembership' | 'listRemovedMembers' | 'getRemovedMember'>;

export function reads(t: TableAccess): Reads {
  return {
    async getDomain(domainId: string): Promise<Domain | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.domain(domainId), ConsistentRead: true }));
      return Item ? dataOf<Domain>(Item) : undefined;
    },

    async getDirectory(domainId: string): Promise<Directory | undefined> {
      const items = await t.queryAll({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId) },
        ConsistentRead: true,
      });
      return directoryOf(items);
    },

    async getAccess(userId: string, domainId: string, also: { linkQuota?: boolean } = {}): Promise<{ membership?: Membership; directory?: Directory; linkQuota?: LinkQuota }> {
      const wanted = [keys.membership(userId, domainId), keys.domain(domainId), keys.directory(domainId), ...(also.linkQuota ? [keys.linkQuota(domainId, userId)] : [])];
      const found = await t.batchGet(wanted, true);
      const membership = found.find((i) => i.entityType === ENTITY.Membership);
      const quota = found.find((i) => i.entityType === ENTITY.LinkQuota);
      return { membership: membership && dataOf<Membership>(membership), directory: directoryOf(found), ...(quota ? { linkQuota: dataOf<LinkQuota>(quota) } : {}) };
    },

    async getUser(userId: string): Promise<{ user: User; memberships: Membership[]; joinRequests: MyJoinRequest[] } | undefined> {
      const items = await t.queryAll({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
        ConsistentRead: true,
      });
      const userItem = items.find((i) => i.entityType === ENTITY.User);
      if (!userItem) return undefined;
      return {
        user: dataOf<User>(userItem),
        memberships: items.filter((i) => i.entityType === ENTITY.Membership).map((i) => dataOf<Membership>(i)),
        joinRequests: items.filter((i) => i.entityType === ENTITY.MyJoinRequest).map((i) => dataOf<MyJoinRequest>(i)),
      };
    },

    async listMembers(domainId: string, page: PageRequest & { inviteLinkId?: string }): Promise<Page<Membership>> {
      startsInList(page, listPositions.members, domainId);
      const { inviteLinkId } = page;
      const byLink = inviteLinkId ? { expression: '#via.#link = :link', names: { '#via': 'joinedVia', '#link': 'linkId' }, values: { ':link': inviteLinkId } } : undefined;
      const found = await t.queryMerged(page, memberIndex(domainId), (partition) => membersOf(partition, byLink));
      return { items: found.items.map((i) => dataOf<Membership>(i)), next: found.next };
    },

    async listAdmins(domainId: string): Promise<Membership[]> {
      const found = await Promise.all(
        memberIndex(domainId).partitions.map((partition) =>
          t.queryAll(membersOf(partition, { expression: 'isAdmin = :yes', values: { ':yes': true } })),
        ),
      );
      return found.flat().map((i) => dataOf<Membership>(i));
    },

    async getInviteLink(linkId: string): Promise<InviteLink | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.link(linkId), ConsistentRead: true }));
      return Item ? dataOf<InviteLink>(Item) : undefined;
    },

    async getLinkExpiry(linkId: string): Promise<{ domainId: string; expiresAt: string } | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.linkExpiry(linkId) }));
      return Item ? { domainId: String(Item.domainId), expiresAt: String(Item.expiresAt) } : undefined;
    },

    async listInviteLinks(domain: Domain, now: Date, page: PageRequest): Promise<Page<InviteLink & { useCount: number }>> {
      startsInList(page, listPositions.links, domain.domainId);
      const live = keys.linksOfGeneration(domain.linkGeneration);
      // A cursor from before a delete-all points into a dead generation: every link there is dead.
      if (!domain.linksEnabled || (page.after && !page.after[TABLE.byDomainIndex.sortKey]?.startsWith(live))) return { items: [] };
      const index = TABLE.byDomainIndex;
      const found = await t.queryPage(page, {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: 'expiresAt > :now AND attribute_not_exists(revokedAt)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': keys.domainPartition(domain.domainId), ':prefix': live, ':now': now.toISOString() },
        ScanIndexForward: false,
      });
      const links = found.items.map((i) => dataOf<InviteLink>(i));
      const counts = await useCounts(t, links);
      return { items: links.map((link) => ({ ...link, useCount: counts.get(link.linkId) ?? 0 })), next: found.next };
    },

    async listLinksExpiringAfter(domainId: string, since: string, page: PageRequest): Promise<Page<InviteLink>> {
      startsInList(page, listPositions.links, domainId);
      const index = TABLE.byDomainIndex;
      const found = await t.queryPage(page, {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: 'expiresAt > :since',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId), ':prefix': keys.linksPrefix, ':since': since },
        ScanIndexForward: false,
      });
      return { items: found.items.map((i) => dataOf<InviteLink>(i)), next: found.next };
    },

    useCounts: (links: readonly CountedLink[]) => useCounts(t, links),

    async listActivity(domainId: string, page: PageRequest & { types?: string[] }): Promise<Page<ActivityEntry>> {
      startsInList(page, listPositions.activity, domainId);
      const { types } = page;
      const list = { partitions: keys.activityPartitions(domainId), partitionKey: TABLE.partitionKey, sortKey: TABLE.sortKey, keyNames: [TABLE.partitionKey, TABLE.sortKey], newestFirst: true };
      const found = await t.queryMerged(page, list, (partition) => ({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...(types ? { '#type': 'type' } : {}) },
        ExpressionAttributeValues: { ':pk': partition, ...Object.fromEntries((types ?? []).map((t, i) => [`:t${i}`, t])) },
        ...(types ? { FilterExpression: `#type IN (${types.map((_, i) => `:t${i}`).join(', ')})` } : {}),
        ScanIndexForward: false,
      }));
      return { items: found.items.map(activityOfItem), next: found.next };
    },

    async countActiveLinks(domain: Domain, now: Date): Promise<number> {
      if (!domain.linksEnabled) return 0;
      const index = TABLE.byDomainIndex;
      // Only what the status needs; the creator's generation cannot be a filter (one attribute per creator).
      const found = await t.queryAll({
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: 'expiresAt > :now AND attribute_not_exists(revokedAt)',
        ProjectionExpression: 'linkId, createdBy, creatorGeneration, generation, expiresAt, maxUses, counters',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': keys.domainPartition(domain.domainId), ':prefix': keys.linksOfGeneration(domain.linkGeneration), ':now': now.toISOString() },
      });
      const links = found as unknown as InviteLink[];
      // Only a link with a use limit can be used up: only its counters are read.
      const counts = await useCounts(t, links.filter((l) => l.maxUses !== undefined));
      return links.filter((link) => isUsable(link, counts.get(link.linkId) ?? 0, domain, now)).length;
    },

    async useCount(link: CountedLink): Promise<number> {
      return (await useCounts(t, [link])).get(link.linkId) ?? 0;
    },

    async getMembership(userId: string, domainId: string): Promise<Membership | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.membership(userId, domainId), ConsistentRead: true }));
      return Item ? dataOf<Membership>(Item) : undefined;
    },

    async listRemovedMembers(domainId: string, page: PageRequest): Promise<Page<RemovedMember>> {
      startsInList(page, listPositions.removedMembers, domainId);
      const index = TABLE.byDomainIndex;
      const found = await t.queryPage(page, {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId), ':prefix': keys.removedPrefix },
      });
      return { items: found.items.map(removedMemberOf), next: found.next };
    },

    async getRemovedMember(domainId: string, email: string): Promise<RemovedMember | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.memberEmail(domainId, email), ConsistentRead: true }));
      return Item?.rejoinBlocked === true ? removedMemberOf(Item) : undefined;
    }
  };
}

/** A link's use count is the sum of its counters (as many as it was made with): one BatchGetItem per 100 counters. */
export async function useCounts(t: TableAccess, links: readonly CountedLink[]): Promise<Map<string, number>> {
  const counters = links.flatMap((link) => keys.linkCounters(link));
  const counts = new Map<string, number>();
  // A view, not a decision: eventually consistent reads at half the price.
  const found = await t.batchGet(counters, false);
  for (const counter of found) counts.set(counter.linkId as string, (counts.get(counter.linkId as string) ?? 0) + Number(counter.useCount ?? 0));
  return counts;
}

/** Where a domain's members are indexed: the spread partitions and the domain's own, merged in email order. */
function memberIndex(domainId: string) {
  const index = TABLE.byDomainIndex;
  return { partitions: keys.memberIndexPartitions(domainId), partitionKey: index.partitionKey, sortKey: index.sortKey, keyNames: [TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey] };
}

/** The query of one of those partitions: its members only (the domain's own partition holds links and more), kept by `filter` if given. */
function membersOf(partition: string, filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> }) {
  const index = TABLE.byDomainIndex;
  return {
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey, ...filter?.names },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.membersPrefix, ...filter?.values },
    ...(filter ? { FilterExpression: filter.expression } : {}),
  };
}

/** A page's start must be exactly the keys of one of the list's items in that domain: DynamoDB is never handed a start it would refuse. */
function startsInList(page: PageRequest, isPosition: (domainId: string, at: Record<string, string>) => boolean, domainId: string): void {
  if (page.after && !isPosition(domainId, page.after)) throw new UnknownPosition('not a position of this list');
}

function removedMemberOf(item: Record<string, unknown>): RemovedMember {
  const { userId, email, firstName, lastName, removedAt, removedBy, removedByEmail, reason } = item as unknown as RemovedMember;
  return { userId, email, firstName, lastName, removedAt, ...(removedBy !== undefined ? { removedBy } : {}), ...(removedByEmail !== undefined ? { removedByEmail } : {}), ...(reason !== undefined ? { reason } : {}) };
}

/** The domain and its directory from the items read, if the domain exists. */
function directoryOf(found: Record<string, unknown>[]): Directory | undefined {
  const domain = found.find((i) => i.entityType === ENTITY.Domain);
  if (!domain) return undefined;
  const lists = found.find((i) => i.entityType === ENTITY.Directory) as Partial<Omit<Directory, 'domain'>> | undefined;
  return { domain: dataOf<Domain>(domain), teams: lists?.teams ?? [], roleGroups: lists?.roleGroups ?? [], groups: lists?.groups ?? [] };
}

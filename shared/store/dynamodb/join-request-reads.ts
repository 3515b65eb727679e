/** What the store reads about join requests: one request, a page of a domain's, and their links' state for the list. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { InviteLink, JoinRequest, JoinRequestStatus } from '../../domain/types.ts';
import { UnknownPosition, type Page, type PageRequest, type Store } from '../store.ts';
import { dataOf, keys, listPositions } from './keys.ts';
import { useCounts } from './reads.ts';
import { ENTITY, TABLE } from './table.ts';
import type { TableAccess } from './table-access.ts';

export type JoinRequestReads = Pick<Store, 'getJoinRequest' | 'listJoinRequests' | 'getLinksWithUses'>;

export function joinRequestReads(t: TableAccess): JoinRequestReads {
  return {
    async getJoinRequest(requestId: string): Promise<JoinRequest | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.joinRequest(requestId), ConsistentRead: true }));
      return Item ? dataOf<JoinRequest>(Item) : undefined;
    },

    async listJoinRequests(domainId: string, page: PageRequest & { status: JoinRequestStatus; inviteLinkId?: string; linkCreatedBy?: string }): Promise<Page<JoinRequest>> {
      if (page.after && !listPositions.joinRequests(domainId, page.after)) throw new UnknownPosition('not a position of this list');
      const index = TABLE.byDomainIndex;
      const { inviteLinkId, linkCreatedBy } = page;
      const filters = [...(inviteLinkId ? ['linkId = :link'] : []), ...(linkCreatedBy ? ['linkCreatedBy = :creator'] : [])];
      const found = await t.queryPage(page, {
        IndexName: index.name,
        // The status is in the sort key: `?status=` reads only its own requests.
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: {
          ':pk': keys.domainPartition(domainId),
          ':prefix': keys.joinRequestsPrefix(page.status),
          ...(inviteLinkId ? { ':link': inviteLinkId } : {}),
          ...(linkCreatedBy ? { ':creator': linkCreatedBy } : {}),
        },
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ScanIndexForward: false,
      });
      return { items: found.items.map((i) => dataOf<JoinRequest>(i)), next: found.next };
    },

    async getLinksWithUses(linkIds: readonly string[]): Promise<Map<string, { link: InviteLink; useCount: number }>> {
      if (linkIds.length === 0) return new Map();
      // A view, as the links list's counts are: eventually consistent.
      const found = await t.batchGet(linkIds.map((linkId) => keys.link(linkId)), false);
      const links = found.filter((i) => i.entityType === ENTITY.InviteLink).map((i) => dataOf<InviteLink>(i));
      // Only a link with a use limit can be used up: only its counters are read.
      const counts = await useCounts(t, links.filter((l) => l.maxUses !== undefined));
      return new Map(links.map((link) => [link.linkId, { link, useCount: counts.get(link.linkId) ?? 0 }]));
    },
  };
}

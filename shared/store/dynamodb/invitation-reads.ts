/** What the store reads about invitations by email: the addresses a domain holds already, one invitation, a page of them. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressClaim } from '../../domain/invitation.ts';
import type { Invitation } from '../../domain/types.ts';
import { UnknownPosition, type Page, type PageRequest, type Store } from '../store.ts';
import { dataOf, keys, listPositions } from './keys.ts';
import { TABLE } from './table.ts';
import type { TableAccess } from './table-access.ts';

export type InvitationReads = Pick<Store, 'getAddressClaims' | 'getInvitation' | 'listInvitations'>;

export function invitationReads(t: TableAccess): InvitationReads {
  return {
    async getAddressClaims(domainId: string, emails: readonly string[]): Promise<Map<string, AddressClaim>> {
      const found = emails.length === 0 ? [] : await t.batchGet(emails.map((email) => keys.memberEmail(domainId, email)), true);
      return new Map(found.map((claim) => [String(claim.email), claim.rejoinBlocked === true ? 'removed' : 'member']));
    },

    async getInvitation(invitationId: string): Promise<Invitation | undefined> {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.invitation(invitationId), ConsistentRead: true }));
      return Item ? dataOf<Invitation>(Item) : undefined;
    },

    async listInvitations(domainId: string, now: Date, page: PageRequest): Promise<Page<Invitation>> {
      if (page.after && !listPositions.invitations(domainId, page.after)) throw new UnknownPosition('not a position of this list');
      const index = TABLE.byDomainIndex;
      const found = await t.queryPage(page, {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: 'expiresAt > :now AND attribute_not_exists(revokedAt) AND attribute_not_exists(acceptedAt)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId), ':prefix': keys.invitationsPrefix, ':now': now.toISOString() },
        ScanIndexForward: false,
      });
      return { items: found.items.map((i) => dataOf<Invitation>(i)), next: found.next };
    },
  };
}

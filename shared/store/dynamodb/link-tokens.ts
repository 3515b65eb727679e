/** Revealing a link: the link and its sealed token in one read, and the reveal's activity entry on its own. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import type { InviteLink } from '../../domain/types.ts';
import type { Store } from '../store.ts';
import { items } from './items.ts';
import { dataOf, keys } from './keys.ts';
import { ENTITY, TABLE } from './table.ts';
import type { TableAccess } from './table-access.ts';

export type LinkTokens = Pick<Store, 'getLinkToReveal' | 'recordActivity'>;

export function linkTokens(t: TableAccess): LinkTokens {
  return {
    async getLinkToReveal(linkId: string): Promise<{ link?: InviteLink; sealedToken?: string }> {
      const found = await t.batchGet([keys.link(linkId), keys.linkToken(linkId)], true);
      const link = found.find((i) => i.entityType === ENTITY.InviteLink);
      const token = found.find((i) => i.entityType === ENTITY.LinkToken);
      return { ...(link ? { link: dataOf<InviteLink>(link) } : {}), ...(typeof token?.sealedToken === 'string' ? { sealedToken: token.sealedToken } : {}) };
    },

    async recordActivity(entry: ActivityEntry): Promise<void> {
      await t.db.send(
        new PutCommand({ TableName: t.table, Item: items.activity(entry), ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } }),
      );
    },
  };
}

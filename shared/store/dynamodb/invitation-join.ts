/**
 * What a join through an email invitation reads and writes beyond a link's join (join.ts commits
 * both): the invitation found by its token, taken once by a conditional update on the invitation
 * itself (so two joins, or a join and a resend or revoke, are serialized on that one item), the
 * address's pending hold released, and the InvitationAccepted entry.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { invitationAccepted } from '../../contract/activity.ts';
import type { JoinWrite, RefusedJoinWrite } from '../../domain/join.ts';
import type { Invitation } from '../../domain/types.ts';
import { dataOf, keys } from './keys.ts';
import { items } from './items.ts';
import { TABLE } from './table.ts';
import type { TableAccess, TransactItem } from './table-access.ts';

/** The invitation a token opens: its token item (kept after a revoke or resend, until its TTL), then the invitation itself, both strongly consistent. */
export async function invitationOfToken(t: TableAccess, tokenHash: string): Promise<Invitation | undefined> {
  const { Item: token } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.invitationToken(tokenHash), ConsistentRead: true }));
  if (typeof token?.invitationId !== 'string') return undefined;
  const { Item } = await t.db.send(new GetCommand({ TableName: t.table, Key: keys.invitation(token.invitationId), ConsistentRead: true }));
  return Item ? dataOf<Invitation>(Item) : undefined;
}

type InvitationWrite = Extract<JoinWrite, { write: 'use-invitation' | 'release-address' | 'record-acceptance' }>;

export function invitationAction(table: string, w: InvitationWrite): TransactItem {
  switch (w.write) {
    case 'use-invitation':
      return {
        Update: {
          TableName: table,
          Key: keys.invitation(w.invitationId),
          UpdateExpression: 'SET acceptedAt = :at, acceptedBy = :user',
          // Pending, and this token the one it was last sent with: a resend or revoke committed first refuses it.
          ConditionExpression: 'attribute_exists(#pk) AND tokenHash = :hash AND expiresAt > :at AND attribute_not_exists(acceptedAt) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':at': w.at, ':user': w.userId, ':hash': w.tokenHash },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    case 'release-address':
      return { Delete: { TableName: table, Key: keys.invitationAddress(w.domainId, w.email) } };
    case 'record-acceptance':
      return { Put: { TableName: table, Item: items.activity(invitationAccepted(w.join, w.eventId)) } };
  }
}

/** The refused use, with what the invitation held then (nothing: TTL removed it). */
export function refusedInvitation(found: Record<string, unknown> | undefined): Extract<RefusedJoinWrite, { write: 'use-invitation' }> {
  if (!found) return { write: 'use-invitation' };
  const text = (name: string) => (typeof found[name] === 'string' ? { [name]: found[name] as string } : {});
  return { write: 'use-invitation', found: { expiresAt: String(found.expiresAt), tokenHash: String(found.tokenHash), ...text('acceptedAt'), ...text('revokedAt') } };
}

/**
 * What a join request, its approval and its decline write beyond a join's own (join.ts commits
 * them all): the link checked on one of its counters, the person checked as a join checks them,
 * the request put once per person per link, decided once by a conditional update on the request
 * itself (so two approvals, or an approval and a decline, are serialized on that one item), the
 * requester's copy, the entries and the email outbox item.
 */
import { joinApproved, joinDeclined, joinRequested } from '../../contract/activity.ts';
import type { JoinRequestWrite, RefusedRequestWrite } from '../../domain/join-request.ts';
import type { JoinRequestStatus } from '../../domain/types.ts';
import { keys } from './keys.ts';
import { items } from './items.ts';
import { TABLE } from './table.ts';
import type { TransactItem } from './table-access.ts';

const PK_NAME = { '#pk': TABLE.partitionKey };
const notExists = (table: string, Key: Record<string, string>, found: boolean): TransactItem => ({
  ConditionCheck: {
    TableName: table,
    Key,
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: PK_NAME,
    ...(found ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  },
});

/** The DynamoDB action a request write is, on the counter chosen for this try. */
export function joinRequestAction(table: string, w: JoinRequestWrite, shards: { counter: number }): TransactItem {
  switch (w.write) {
    case 'check-link':
      return {
        ConditionCheck: {
          TableName: table,
          Key: keys.linkCounter(w.linkId, shards.counter),
          // As a join's count-use, without the use: a revoke or pause of the link is serialized with the request on this counter.
          ConditionExpression: 'attribute_exists(#pk) AND expiresAt > :now AND attribute_not_exists(revokedAt) AND attribute_not_exists(pausedAt)',
          ExpressionAttributeNames: PK_NAME,
          ExpressionAttributeValues: { ':now': w.at },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    case 'check-not-member':
      return notExists(table, keys.membership(w.userId, w.domainId), false);
    case 'check-email-free':
      return notExists(table, keys.memberEmail(w.domainId, w.email), true);
    case 'put-request':
      return {
        Put: {
          TableName: table,
          Item: items.joinRequest(w.request),
          // One per person per link: a pending or declined one stays; one approved before gives way (they were removed and let back in since).
          ConditionExpression: 'attribute_not_exists(#pk) OR #status = :approved',
          ExpressionAttributeNames: { ...PK_NAME, '#status': 'status' },
          ExpressionAttributeValues: { ':approved': 'approved' satisfies JoinRequestStatus },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    case 'put-request-copy':
      return { Put: { TableName: table, Item: items.myJoinRequest(w.userId, w.copy, w.linkExpiresAt) } };
    case 'record-request':
      return { Put: { TableName: table, Item: items.activity(joinRequested(w.request, w.eventId)) } };
    case 'decide-request': {
      const r = w.request;
      const index = keys.joinRequestIndex(r.domainId, r.status, r.requestedAt, r.requestId);
      return {
        Update: {
          TableName: table,
          Key: keys.joinRequest(r.requestId),
          UpdateExpression: `SET #status = :to, decidedAt = :at, decidedBy = :by, #sk = :sk${r.reason !== undefined ? ', reason = :reason' : ''}`,
          // Pending, and the request that was read (not a newer one made after it was approved and the person let back in).
          ConditionExpression: '#status = :pending AND requestedAt = :requestedAt',
          ExpressionAttributeNames: { '#status': 'status', '#sk': TABLE.byDomainIndex.sortKey },
          ExpressionAttributeValues: {
            ':to': r.status,
            ':at': r.decidedAt,
            ':by': r.decidedBy,
            ':sk': index[TABLE.byDomainIndex.sortKey],
            ':pending': 'pending' satisfies JoinRequestStatus,
            ':requestedAt': r.requestedAt,
            ...(r.reason !== undefined ? { ':reason': r.reason } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    }
    case 'record-decision':
      return { Put: { TableName: table, Item: items.activity(w.join ? joinApproved(w.request, w.join, w.eventId) : joinDeclined(w.request, w.eventId)) } };
    case 'email-request':
      return { Put: { TableName: table, Item: items.joinRequestEmail(w.email) } };
  }
}

/** The request writes with a condition that refuses (the puts of copies, entries and emails have none). */
export type RefusableRequestWrite = RefusedRequestWrite['write'];
export const isRefusableRequestWrite = (write: string): write is RefusableRequestWrite =>
  write === 'check-link' || write === 'check-not-member' || write === 'check-email-free' || write === 'put-request' || write === 'decide-request';

/** The refused request write, with what the product needs of the item its condition found. */
export function refusedRequestWrite(write: RefusableRequestWrite, found: Record<string, unknown> | undefined): RefusedRequestWrite {
  const text = (name: string) => (found && typeof found[name] === 'string' ? { [name]: found[name] as string } : {});
  switch (write) {
    case 'check-link':
      return { write, ...(found ? { found: { expiresAt: String(found.expiresAt), ...text('revokedAt'), ...text('pausedAt') } } : {}) };
    case 'check-not-member':
      return { write };
    case 'check-email-free':
      return { write, ...(found ? { found: { rejoinBlocked: found.rejoinBlocked === true } } : {}) };
    case 'put-request':
    case 'decide-request':
      return { write, ...(found ? { found: { requestId: String(found.requestId), status: found.status as JoinRequestStatus, requestedAt: String(found.requestedAt) } } : {}) } as RefusedRequestWrite;
  }
}

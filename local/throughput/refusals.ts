/** The refusals AWS gives an on-demand table's request over a partition's limit: ThrottlingException, or a transaction cancelled. */
import { ThrottlingException, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { LOCAL_ACCOUNT } from '../iam/roles.ts';
import { LOCAL_AWS } from '../services.ts';
import type { Partition } from './units.ts';
import { partitionId, type Over, type ThrottlingReasonName } from './windows.ts';

/** The messages AWS gives an on-demand table's throttled request (TransactWriteItems' ThrottlingError, API reference). */
export const THROTTLED_TABLE_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';
export const THROTTLED_INDEX_MESSAGE =
  'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.';

function resourceArn({ table, index }: Partition): string {
  return `arn:aws:dynamodb:${LOCAL_AWS.region}:${LOCAL_ACCOUNT}:table/${table}${index ? `/index/${index}` : ''}`;
}

export function throttled(over: Over[]): ThrottlingException {
  const partitions = [...new Map(over.map((c) => [partitionId(c.partition, c.kind), c])).values()];
  return new ThrottlingException({
    message: partitions.every((c) => c.partition.index) ? THROTTLED_INDEX_MESSAGE : THROTTLED_TABLE_MESSAGE,
    $metadata: { httpStatusCode: 400 },
    throttlingReasons: partitions.map((c) => ({ reason: c.reason, resource: resourceArn(c.partition) })),
  });
}

export function distinctReasons(over: Over[]): ThrottlingReasonName[] {
  return [...new Set(over.map((c) => c.reason))];
}

/** AWS cancels a throttled transaction: ThrottlingError on each throttled entry, None on the others. */
export function transactionThrottled(input: Record<string, unknown>, over: Over[]): TransactionCanceledException {
  const entries = ((input.TransactItems as unknown[] | undefined) ?? []).length;
  const reasons: CancellationReason[] = Array.from({ length: entries }, (_, entry) => {
    const hits = over.filter((c) => c.entry === entry);
    if (hits.length === 0) return { Code: 'None' };
    return { Code: 'ThrottlingError', Message: hits.every((c) => c.partition.index) ? THROTTLED_INDEX_MESSAGE : THROTTLED_TABLE_MESSAGE };
  });
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
}


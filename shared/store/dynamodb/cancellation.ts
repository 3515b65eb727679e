/** Reading a cancelled transaction: which item failed, and what it held at that moment. */
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dataOf } from './keys.ts';

export function reasonCodes(error: TransactionCanceledException): (string | undefined)[] {
  return (error.CancellationReasons ?? []).map((r) => r.Code);
}

/** The item of the i-th action as it was when its condition failed (ReturnValuesOnConditionCheckFailure: ALL_OLD). */
export function failedItem<T>(error: TransactionCanceledException, index: number): T | undefined {
  const item = error.CancellationReasons?.[index]?.Item;
  if (!item || Object.keys(item).length === 0) return undefined;
  return dataOf<T>(unmarshall(item));
}

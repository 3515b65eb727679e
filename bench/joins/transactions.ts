/**
 * Counts, per person, the join transactions sent and those cancelled for a conflict. A join's
 * transaction is known by its membership Put (USER#<sub> / MEMBER#<domain>), which every attempt carries.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConflict } from '../../shared/store/dynamodb/conflicts.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';

export function joinTransactions(client: DynamoDBDocumentClient | DynamoDBClient) {
  let attempts = new Map<string, number>();
  let conflicts = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const person = context.commandName === 'TransactWriteItemsCommand' ? joinerOf(args.input) : undefined;
      if (person === undefined) return next(args);
      attempts.set(person, (attempts.get(person) ?? 0) + 1);
      try {
        return await next(args);
      } catch (error) {
        if (isConflict(error)) conflicts += 1;
        throw error;
      }
    },
    // The initialize step runs before the emulation (build step), so the attempts it refuses count too.
    { step: 'initialize', name: 'benchJoinTransactions', override: true },
  );
  return {
    reset() {
      attempts = new Map();
      conflicts = 0;
    },
    read: () => ({ attempts: [...attempts.values()], conflicts }),
  };
}

function joinerOf(input: unknown): string | undefined {
  const text = (v: unknown) => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);
  for (const action of (input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ?? []) {
    const item = action.Put?.Item;
    const [pk, sk] = [text(item?.[TABLE.partitionKey]), text(item?.[TABLE.sortKey])];
    if (pk?.startsWith('USER#') && sk?.startsWith('MEMBER#')) return `${pk}/${sk}`;
  }
  return undefined;
}

/**
 * The domain's gates (SHARDS.domainGates) hold the copy of its link state that joins check: links
 * on, the link generation, the allowed email domains, a pause of every link, each creator's
 * generation. A change of that state is written on the domain item first, in the caller's
 * transaction (no join holds the domain item, so a flood of joins cannot starve it), with the
 * domain's `gateVersion` moved on; then it is copied onto every gate, each on its own write, all at
 * once: one transaction over the 64 gates would collide with any join in flight and, under the
 * flood a kill switch is for, seldom land. The change has taken hold when the last gate is written,
 * before the request answers, so no join counts after it; meanwhile a join through a gate not yet
 * written still commits, as it would have a moment before.
 *
 * Each copy is the domain's state as read after the write, with its version, and lands only on a
 * gate holding an older one: copies of two changes racing leave every gate with the newer, and a
 * change whose copying stopped half way (its function ended) is completed by the next one (a
 * creator's generation, which only that creator's changes copy, by the next of theirs).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { creatorGenerationAttribute } from '../../domain/invite-link.ts';
import type { GateState } from '../../domain/join.ts';
import { retryingConflicts } from './conflicts.ts';
import { keys } from './keys.ts';
import { SHARDS, TABLE } from './table.ts';
import type { TableAccess } from './table-access.ts';

/** The attribute that orders the copies: moved on the domain by every change of what the gates hold. */
export const GATE_VERSION = 'gateVersion';

/** The domain's attributes every copy carries (a join's view of them: GateState); an absent one is removed from the gate. */
const COPIED = ['linksEnabled', 'linkGeneration', 'allowedEmailDomains', 'linksPausedUntil'] as const satisfies readonly (keyof GateState)[];
const CREATOR_GENERATION_PREFIX = creatorGenerationAttribute('');

/** What a gate holds of a domain item, as it is: for a gate written whole (a new domain's, or one missing). */
export function gateStateOf(domain: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(domain).filter(([name, value]) => value !== undefined && ((COPIED as readonly string[]).includes(name) || name === GATE_VERSION || name.startsWith(CREATOR_GENERATION_PREFIX))),
  );
}

/** The domain item's gate version moved on: an assignment for a SET clause, and its values. */
export const GATE_VERSION_MOVE = {
  assignment: `${GATE_VERSION} = if_not_exists(${GATE_VERSION}, :gateVersionZero) + :gateVersionOne`,
  values: { ':gateVersionZero': 0, ':gateVersionOne': 1 },
} as const;

/** `update` (a domain item's UpdateExpression) that also moves the gate version on. */
export function movingGateVersion(update: string): string {
  // An UpdateExpression names each clause once: the move joins the SET clause if there is one.
  const { assignment } = GATE_VERSION_MOVE;
  return /\bSET\s/.test(update) ? update.replace(/\bSET\s/, `SET ${assignment}, `) : `${update} SET ${assignment}`;
}

/**
 * Copies the domain's gate state onto every gate (and the generations of `creators`, the creator
 * attributes the change moved). Conflicts with joins on a gate are retried as every write's are.
 */
export async function copyToGates(t: TableAccess, domainId: string, creators: readonly string[] = []): Promise<void> {
  const names: Record<string, string> = Object.fromEntries([...COPIED, ...creators].map((name, i) => [`#a${i}`, name]));
  const { Item: domain } = await t.db.send(
    new GetCommand({
      TableName: t.table,
      Key: keys.domain(domainId),
      ConsistentRead: true,
      ProjectionExpression: [...Object.keys(names), '#version'].join(', '),
      ExpressionAttributeNames: { ...names, '#version': GATE_VERSION },
    }),
  );
  // A domain that is gone has no gates to hold anything.
  if (!domain) return;
  const set = ['#version = :version'];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ':version': Number(domain[GATE_VERSION] ?? 0) };
  Object.entries(names).forEach(([alias, name], i) => {
    if (domain[name] === undefined) {
      remove.push(alias);
    } else {
      set.push(`${alias} = :v${i}`);
      values[`:v${i}`] = domain[name];
    }
  });
  const update = {
    TableName: t.table,
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    // A gate with this copy or a newer one keeps what it has.
    ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#version) OR #version < :version)',
    ExpressionAttributeNames: { ...names, '#version': GATE_VERSION, '#pk': TABLE.partitionKey },
    ExpressionAttributeValues: values,
  };
  await Promise.all(
    Array.from({ length: SHARDS.domainGates }, (_, shard) =>
      retryingConflicts(async () => {
        try {
          await t.db.send(new UpdateCommand({ ...update, Key: keys.domainGate(domainId, shard) }));
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }),
    ),
  );
}

/**
 * The condition a domain gate holds a new link and every join to: links on, and the domain's link
 * generation and the creator's still the ones the link was made in; a join's also has the person's
 * email domain among the domain's allowed ones. Both sides write it from here, so they cannot drift.
 */
import { creatorGenerationAttribute } from '../../domain/invite-link.ts';
import { keys } from './keys.ts';
import type { TransactItem } from './table-access.ts';

export interface GateCheck {
  domainId: string;
  /** Which of the domain's gates (SHARDS.domainGates) to hold. */
  shard: number;
  generation: number;
  createdBy: string;
  creatorGeneration: number;
  /** A join's: the joining person's email domain, which the domain must allow. */
  emailDomain?: string;
}

export function gateCheck(table: string, check: GateCheck): TransactItem {
  const { emailDomain } = check;
  const conditions = [
    'linksEnabled = :on',
    'linkGeneration = :generation',
    ...(emailDomain === undefined ? [] : ['(attribute_not_exists(allowedEmailDomains) OR size(allowedEmailDomains) = :none OR contains(allowedEmailDomains, :emailDomain))']),
    check.creatorGeneration === 0 ? '(attribute_not_exists(#creator) OR #creator = :creatorGeneration)' : '#creator = :creatorGeneration',
  ];
  return {
    ConditionCheck: {
      TableName: table,
      Key: keys.domainGate(check.domainId, check.shard),
      // The domain-wide email domains and the creator's generation sit on the gate, so changing them is serialized with joins.
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(check.createdBy) },
      ExpressionAttributeValues: {
        ':on': true,
        ':generation': check.generation,
        ...(emailDomain === undefined ? {} : { ':none': 0, ':emailDomain': emailDomain }),
        ':creatorGeneration': check.creatorGeneration,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * The condition a domain gate holds a new link and every join to: links on, and the domain's link
 * generation and the creator's still the ones the link was made in; a join's also has the person's
 * email domain among the domain's allowed ones, and links not paused at the join's time (a new link
 * may be made while they are). Both sides write it from here, so they cannot drift.
 * An invitation's join is held to its creator's generation and the email domain only: invitations
 * work with links off, and "delete all existing links" leaves them alone.
 */
import { creatorGenerationAttribute } from '../../domain/invite-link.ts';
import { keys } from './keys.ts';
import { TABLE } from './table.ts';
import type { TransactItem } from './table-access.ts';

export type GateCheck = GateCheckFields & ({ generation: number; at?: string } | { invitation: true });

interface GateCheckFields {
  domainId: string;
  /** Which of the domain's gates (SHARDS.domainGates) to hold. */
  shard: number;
  createdBy: string;
  creatorGeneration: number;
  /** A join's: the joining person's email domain, which the domain must allow. */
  emailDomain?: string;
}

export function gateCheck(table: string, check: GateCheck): TransactItem {
  const { emailDomain } = check;
  const link = 'generation' in check ? { generation: check.generation, at: check.at } : undefined;
  // A join through a link (not a new link, not an invitation) waits out "pause all links".
  const joinAt = link?.at;
  const conditions = [
    // An invitation's gate must be there (its domain is), as a link's switch being on says for it.
    ...(link ? ['linksEnabled = :on', 'linkGeneration = :generation'] : ['attribute_exists(#pk)']),
    ...(joinAt === undefined ? [] : ['(attribute_not_exists(linksPausedUntil) OR linksPausedUntil <= :at)']),
    ...(emailDomain === undefined ? [] : ['(attribute_not_exists(allowedEmailDomains) OR size(allowedEmailDomains) = :none OR contains(allowedEmailDomains, :emailDomain))']),
    check.creatorGeneration === 0 ? '(attribute_not_exists(#creator) OR #creator = :creatorGeneration)' : '#creator = :creatorGeneration',
  ];
  return {
    ConditionCheck: {
      TableName: table,
      Key: keys.domainGate(check.domainId, check.shard),
      // The domain-wide email domains and the creator's generation sit on the gate, so changing them is serialized with joins.
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(check.createdBy), ...(link ? {} : { '#pk': TABLE.partitionKey }) },
      ExpressionAttributeValues: {
        ...(link ? { ':on': true, ':generation': link.generation } : {}),
        ...(emailDomain === undefined ? {} : { ':none': 0, ':emailDomain': emailDomain }),
        ...(joinAt === undefined ? {} : { ':at': joinAt }),
        ':creatorGeneration': check.creatorGeneration,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * A new domain and its first admin in one transaction: the domain, its directory, the admin's
 * membership and member-email item, and the admin's profile unless they already have one. A
 * domain id that is taken cancels everything.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainAlreadyExists } from '../../domain/new-domain.ts';
import type { Directory, Domain, Membership, User } from '../../domain/types.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { dataOf, keys } from './keys.ts';
import { items } from './items.ts';
import { TABLE } from './table.ts';

export interface NewDomainRecords {
  directory: Directory;
  /** Written only when the admin has no profile yet; an existing profile is kept as it is. */
  user: User;
  membership: Membership;
}

export interface CreatedDomain {
  /** 'kept' when the admin already had a profile (an account in another domain). */
  profile: 'created' | 'kept';
}

/** Positions of the actions; cancellation reasons come back in this order. */
const DOMAIN = 0;
const DIRECTORY = 1;
const PROFILE = 4;

/** Attempts: the profile's existence can flip between our guess and the write (another domain's join). */
const MAX_ATTEMPTS = 3;

/** Cheap pre-check, so a caller can refuse before creating an identity; the transaction still decides. */
export async function findDomain(db: DynamoDBDocumentClient, table: string, domainId: string): Promise<Domain | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: keys.domain(domainId), ConsistentRead: true }));
  return Item ? dataOf<Domain>(Item) : undefined;
}

export async function createDomain(db: DynamoDBDocumentClient, table: string, records: NewDomainRecords): Promise<CreatedDomain> {
  const { directory, user, membership } = records;
  const { domainId } = directory.domain;
  const absent = {
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  let profileExists = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: items.domain(directory.domain), ...absent } },
            { Put: { TableName: table, Item: items.directory(directory), ...absent } },
            { Put: { TableName: table, Item: items.membership(membership), ...absent } },
            { Put: { TableName: table, Item: items.memberEmail(domainId, membership.email, membership.userId), ...absent } },
            profileExists
              ? {
                  ConditionCheck: {
                    TableName: table,
                    Key: keys.user(user.userId),
                    ConditionExpression: 'attribute_exists(#pk)',
                    ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                  },
                }
              : { Put: { TableName: table, Item: items.user(user), ...absent } },
            // Last, so the positions above stay put: the copies of the link switch that joins check.
            ...items.domainGates(directory.domain).map((Item) => ({ Put: { TableName: table, Item } })),
          ],
        }),
      );
      return { profile: profileExists ? 'kept' : 'created' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = reasonCodes(error);
      if (codes[DOMAIN] === 'ConditionalCheckFailed' || codes[DIRECTORY] === 'ConditionalCheckFailed') {
        throw new DomainAlreadyExists(domainId, failedItem<Domain>(error, DOMAIN)?.name);
      }
      const onlyProfile = codes.every((code, i) => (i === PROFILE ? code === 'ConditionalCheckFailed' : code === 'None' || code === undefined));
      if (!onlyProfile || attempt >= MAX_ATTEMPTS) throw error;
      profileExists = !profileExists;
    }
  }
}

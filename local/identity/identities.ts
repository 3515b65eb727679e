/**
 * The local identity provider's accounts, in a table of their own on DynamoDB Local (so they
 * persist in DATA_DIR with everything else and never show up in the service table's stream).
 * The provider owns these; the service's directory knows a person only by `sub`.
 *
 * Items: `EMAIL#<email>` / `IDENTITY` holds the account, `SUB#<sub>` / `IDENTITY` points back to
 * the email (both written in one transaction, so an email has exactly one sub). Sign-ins in
 * progress, their codes and their guards live beside them (sign-in-store.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { isConflict, retryingConflicts } from '#shared/store/dynamodb/conflicts.ts';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Identity {
  /** The token's `sub`: the directory's userId. */
  sub: string;
  /** Lower-case, trimmed. */
  email: string;
  emailVerified: boolean;
  givenName: string;
  familyName: string;
  createdAt: string;
}

export interface NewIdentity {
  email: string;
  givenName: string;
  familyName: string;
  /** Given by the seed (demo users keep their directory ids); otherwise a new UUID. */
  sub?: string;
}

export const identityTableName = (serviceTable: string) => `${serviceTable}-identities`;

const normalize = (email: string) => email.trim().toLowerCase();
const emailKey = (email: string) => ({ PK: `EMAIL#${normalize(email)}`, SK: 'IDENTITY' });
const subKey = (sub: string) => ({ PK: `SUB#${sub}`, SK: 'IDENTITY' });

export class IdentityStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  static async ensureTable(client: DynamoDBClient, table: string): Promise<void> {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'PK', AttributeType: 'S' },
            { AttributeName: 'SK', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
        }),
      );
      await client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }

  async findByEmail(email: string): Promise<Identity | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: emailKey(email), ConsistentRead: true }));
    return Item ? toIdentity(Item) : undefined;
  }

  async findBySub(sub: string): Promise<Identity | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: subKey(sub), ConsistentRead: true }));
    return Item ? this.findByEmail(Item.email as string) : undefined;
  }

  /**
   * The identity with this email, created with a verified email when there is none (as a
   * provider's admin, or a finished sign-up, creates one). Safe to race: one sub per email wins.
   */
  async ensure(person: NewIdentity): Promise<Identity> {
    // Another sign-up of the same email may be in flight: wait for it, as a provider would.
    return retryingConflicts(() => this.ensureOnce(person));
  }

  private async ensureOnce(person: NewIdentity): Promise<Identity> {
    const existing = await this.findByEmail(person.email);
    if (existing) return existing;
    const identity: Identity = {
      sub: person.sub ?? randomUUID(),
      email: normalize(person.email),
      emailVerified: true,
      givenName: person.givenName.trim(),
      familyName: person.familyName.trim(),
      createdAt: new Date().toISOString(),
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: { ...emailKey(identity.email), ...identity }, ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName: this.table, Item: { ...subKey(identity.sub), email: identity.email }, ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
      return identity;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException' || isConflict(error)) throw error;
      const winner = await this.findByEmail(person.email);
      if (!winner) throw error;
      return winner;
    }
  }
}

function toIdentity(item: Record<string, unknown>): Identity {
  return {
    sub: item.sub as string,
    email: item.email as string,
    emailVerified: item.emailVerified === true,
    givenName: item.givenName as string,
    familyName: item.familyName as string,
    createdAt: item.createdAt as string,
  };
}

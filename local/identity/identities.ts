/**
 * The local identity provider's accounts, in a table of their own on DynamoDB Local (so they
 * persist in DATA_DIR with everything else and never show up in the service table's stream).
 * The provider owns these; the service's directory knows a person only by `sub`.
 *
 * Items: `EMAIL#<email>` / `IDENTITY` holds the account, `SUB#<sub>` / `IDENTITY` points back to
 * the email (both written in one transaction, so an email has exactly one sub), and
 * `EMAIL#<email>` / `CODE` holds the one pending emailed code, hashed, with a TTL.
 */
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { isConflict, retryingConflicts } from '#shared/store/dynamodb/conflicts.ts';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

/** A one-time code: 6 digits, 10 minutes, 5 tries; a new one can be sent after 30 s. */
export const CODE_RULES = { digits: 6, lifetimeSeconds: 600, maxAttempts: 5, resendAfterSeconds: 30 } as const;

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'too-many-attempts';

export const identityTableName = (serviceTable: string) => `${serviceTable}-identities`;

const normalize = (email: string) => email.trim().toLowerCase();
const hash = (code: string) => createHash('sha256').update(code).digest();
const emailKey = (email: string, kind: 'IDENTITY' | 'CODE') => ({ PK: `EMAIL#${normalize(email)}`, SK: kind });
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
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: emailKey(email, 'IDENTITY'), ConsistentRead: true }));
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
            { Put: { TableName: this.table, Item: { ...emailKey(identity.email, 'IDENTITY'), ...identity }, ConditionExpression: 'attribute_not_exists(PK)' } },
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

  /**
   * Makes a new code for this email and returns it (to be emailed, never logged), or the seconds
   * to wait when one was sent less than `resendAfterSeconds` ago. Names ride along for a sign-up.
   */
  async newCode(email: string, pending: { givenName?: string; familyName?: string } = {}, now = new Date()): Promise<{ code: string } | { retryAfterSeconds: number }> {
    const code = String(randomInt(0, 10 ** CODE_RULES.digits)).padStart(CODE_RULES.digits, '0');
    const sentAt = Math.floor(now.getTime() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...emailKey(email, 'CODE'),
            codeHash: hash(code),
            sentAt,
            expiresAt: sentAt + CODE_RULES.lifetimeSeconds,
            attempts: 0,
            ...pending,
            ttl: sentAt + CODE_RULES.lifetimeSeconds,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR sentAt <= :resendFrom',
          ExpressionAttributeValues: { ':resendFrom': sentAt - CODE_RULES.resendAfterSeconds },
        }),
      );
      return { code };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: emailKey(email, 'CODE'), ConsistentRead: true }));
      const wait = Item ? Number(Item.sentAt) + CODE_RULES.resendAfterSeconds - sentAt : 1;
      return { retryAfterSeconds: Math.max(1, wait) };
    }
  }

  /** Checks a code; every check counts as an attempt, and a good code is used up. */
  async checkCode(email: string, code: string, now = new Date()): Promise<{ result: CodeCheck; pending?: { givenName?: string; familyName?: string } }> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Attributes: item } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: emailKey(email, 'CODE'),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return { result: 'expired' };
      throw error;
    }
    if (!item) return { result: 'expired' };
    if (Number(item.expiresAt) <= Math.floor(now.getTime() / 1000)) return { result: 'expired' };
    if (Number(item.attempts) > CODE_RULES.maxAttempts) return { result: 'too-many-attempts' };
    const stored = Buffer.from(item.codeHash as Uint8Array);
    const given = hash(code.trim());
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) {
      return { result: Number(item.attempts) >= CODE_RULES.maxAttempts ? 'too-many-attempts' : 'wrong' };
    }
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: emailKey(email, 'CODE') }));
    return { result: 'ok', pending: { givenName: item.givenName as string | undefined, familyName: item.familyName as string | undefined } };
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

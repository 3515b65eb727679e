/**
 * What the local provider remembers about sign-ins in progress, in the identities table:
 *
 *   `SIGNIN#<uid>` / `ATTEMPT`           one per sign-in (oidc-provider's interaction): the email it
 *                                        asked a code for, its hashed code, the names a sign-up
 *                                        typed, its tries and failures
 *   `EMAIL#<email>` / `FAILURES`         failed tries for that email across sign-ins, and its lockout
 *   `MAILBOX#<mailbox>` / `CODE-REQUESTS` when codes were asked for that mailbox
 *
 * The rules are in sign-in-rules.ts; every method takes the time from its caller.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { canonicalMailbox, NO_FAILURES, withCodeRequest, withFailure, type FailureRecord, type SignInRules } from './sign-in-rules.ts';

export interface SignUpNames {
  givenName: string;
  familyName: string;
}

/** One sign-in's code. */
export interface SignInAttempt {
  email: string;
  signUp: boolean;
  /** Typed into this sign-in's own form: nobody else's sign-up can choose them. */
  names?: SignUpNames;
  /** Absent when no code was sent (an address with no account and no sign-up): nothing matches then. */
  codeHash?: Uint8Array;
  codeRequestedAt: number;
  codeExpiresAt: number;
  /** Checks of the current code, this one included. */
  codeTries: number;
  /** Wrong codes typed in this sign-in, whatever the code. */
  failures: number;
}

/** Items outlive what they remember by this much, so DynamoDB's late TTL never decides anything. */
const KEEP_SECONDS = 2 * 86_400;
/** Writers racing on one email's record; far more than one person's browser tabs make. */
const MAX_CHANGE_ATTEMPTS = 20;
const hash = (code: string) => createHash('sha256').update(code).digest();
const attemptKey = (uid: string) => ({ PK: `SIGNIN#${uid}`, SK: 'ATTEMPT' });
const failuresKey = (email: string) => ({ PK: `EMAIL#${email}`, SK: 'FAILURES' });
const mailboxKey = (email: string) => ({ PK: `MAILBOX#${canonicalMailbox(email)}`, SK: 'CODE-REQUESTS' });

export class SignInStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    readonly rules: SignInRules,
  ) {}

  newCode(): string {
    return String(randomInt(0, 10 ** this.rules.code.digits)).padStart(this.rules.code.digits, '0');
  }

  async attempt(uid: string): Promise<SignInAttempt | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: attemptKey(uid), ConsistentRead: true }));
    return Item && toAttempt(Item);
  }

  /**
   * This sign-in's new code (or, without `code`, a sign-in whose address gets none), replacing
   * its last one; its failures stay. Refused within `resendAfterSeconds` of the last one.
   */
  async saveCode(uid: string, attempt: { email: string; signUp: boolean; names?: SignUpNames; code?: string }, now: number): Promise<{ waitSeconds: number } | undefined> {
    const names = attempt.names ? { givenName: attempt.names.givenName, familyName: attempt.names.familyName } : {};
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: attemptKey(uid),
          UpdateExpression: `SET email = :email, signUp = :signUp, codeRequestedAt = :now, codeExpiresAt = :expires, codeTries = :zero,
            failures = if_not_exists(failures, :zero), #ttl = :ttl, givenName = :given, familyName = :family${attempt.code ? ', codeHash = :hash' : ''}
            ${attempt.code ? '' : 'REMOVE codeHash'}`,
          ConditionExpression: 'attribute_not_exists(PK) OR codeRequestedAt <= :resendFrom',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':email': attempt.email,
            ':signUp': attempt.signUp,
            ':now': now,
            ':expires': now + this.rules.code.lifetimeSeconds,
            ':zero': 0,
            ':ttl': now + KEEP_SECONDS,
            ':given': names.givenName ?? null,
            ':family': names.familyName ?? null,
            ':resendFrom': now - this.rules.code.resendAfterSeconds,
            ...(attempt.code ? { ':hash': hash(attempt.code) } : {}),
          },
        }),
      );
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const last = await this.attempt(uid);
      return { waitSeconds: Math.max(1, (last?.codeRequestedAt ?? now) + this.rules.code.resendAfterSeconds - now) };
    }
  }

  /** Counts one check of this sign-in's code before it is compared, so tries sent together are counted together. */
  async claimTry(uid: string): Promise<SignInAttempt | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: attemptKey(uid),
          UpdateExpression: 'ADD codeTries :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes && toAttempt(Attributes);
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  matches(attempt: SignInAttempt, code: string): boolean {
    const given = hash(code.trim());
    const stored = attempt.codeHash ? Buffer.from(attempt.codeHash) : Buffer.alloc(given.length);
    return timingSafeEqual(stored, given) && attempt.codeHash !== undefined;
  }

  /** A wrong code: one more failure for this sign-in and for the email; returns the email's record after it. */
  async recordFailure(uid: string, email: string, now: number): Promise<FailureRecord> {
    await this.db.send(
      new UpdateCommand({ TableName: this.table, Key: attemptKey(uid), UpdateExpression: 'ADD failures :one', ExpressionAttributeValues: { ':one': 1 } }),
    );
    const record = await this.change(failuresKey(email), (item) => withFailure(item ? toFailures(item) : NO_FAILURES, now, this.rules.failures), now);
    return record!;
  }

  async failuresOf(email: string): Promise<FailureRecord> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: failuresKey(email), ConsistentRead: true }));
    return Item ? toFailures(Item) : NO_FAILURES;
  }

  /** Counts a code request for the address's mailbox, or says how long until one may be made. */
  async takeCodeRequest(email: string, now: number): Promise<{ waitSeconds: number } | undefined> {
    let wait: number | undefined;
    await this.change(
      mailboxKey(email),
      (item) => {
        const outcome = withCodeRequest((item?.requests as number[] | undefined) ?? [], now, this.rules.codeEmails);
        if ('waitSeconds' in outcome) {
          wait = outcome.waitSeconds;
          return undefined;
        }
        return { requests: outcome.requests };
      },
      now,
    );
    return wait === undefined ? undefined : { waitSeconds: wait };
  }

  /** The code was right: this sign-in is over. */
  async finish(uid: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: attemptKey(uid) }));
  }

  /** Reads an item, computes its next state and writes it only if nobody wrote it in between; `undefined` writes nothing. */
  private async change<T extends object>(key: { PK: string; SK: string }, next: (item: Record<string, unknown> | undefined) => T | undefined, now: number): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const state = next(Item);
      if (state === undefined) return undefined;
      const version = Number(Item?.version ?? 0);
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, ...state, version: version + 1, ttl: now + KEEP_SECONDS },
            ConditionExpression: Item ? 'version = :version' : 'attribute_not_exists(PK)',
            ...(Item ? { ExpressionAttributeValues: { ':version': version } } : {}),
          }),
        );
        return state;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException' || attempt >= MAX_CHANGE_ATTEMPTS) throw error;
      }
    }
  }
}

function toAttempt(item: Record<string, unknown>): SignInAttempt {
  return {
    email: item.email as string,
    signUp: item.signUp === true,
    ...(typeof item.givenName === 'string' && typeof item.familyName === 'string' ? { names: { givenName: item.givenName, familyName: item.familyName } } : {}),
    ...(item.codeHash ? { codeHash: item.codeHash as Uint8Array } : {}),
    codeRequestedAt: Number(item.codeRequestedAt),
    codeExpiresAt: Number(item.codeExpiresAt),
    codeTries: Number(item.codeTries ?? 0),
    failures: Number(item.failures ?? 0),
  };
}

function toFailures(item: Record<string, unknown>): FailureRecord {
  return {
    failures: (item.failures as number[] | undefined) ?? [],
    lockedUntil: Number(item.lockedUntil ?? 0),
    lockouts: Number(item.lockouts ?? 0),
    lastLockoutAt: Number(item.lastLockoutAt ?? 0),
  };
}

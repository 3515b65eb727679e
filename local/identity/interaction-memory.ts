/**
 * What the provider's pages keep for one sign-in (oidc-provider's interaction), in the identities
 * table, so every form can answer with a redirect (post/redirect/get) and Back or reload never
 * resends one:
 *
 *   `SIGNIN#<uid>` / `SHOWN`     what the next GET of a step shows once: an error or a notice, the
 *                                status it answers with, and what the person had typed
 *   `SIGNIN#<uid>` / `APP-PAGE`  the app page the sign-in returns to (a redirect URI of the pages'
 *                                client), where a finished or expired sign-in sends the person
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Step = 'email' | 'code';

/** One step's answer to a form, shown by the GET the form redirects to. */
export interface Shown {
  step: Step;
  status: number;
  error?: string;
  notice?: string;
  /** What the email form had, so it comes back filled in. */
  typed?: { email?: string; givenName?: string; familyName?: string };
}

/** A redirect's answer is read at once; an hour is the interaction's own life. */
const SHOWN_SECONDS = 3600;
/** Back to a sign-in long finished still finds its way home for this long. */
const APP_PAGE_SECONDS = 7 * 86_400;
const shownKey = (uid: string) => ({ PK: `SIGNIN#${uid}`, SK: 'SHOWN' });
const appPageKey = (uid: string) => ({ PK: `SIGNIN#${uid}`, SK: 'APP-PAGE' });

export class InteractionMemory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: () => Date,
  ) {}

  private now(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  async show(uid: string, shown: Shown): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...shownKey(uid), step: shown.step, shown: JSON.stringify(shown), ttl: this.now() + SHOWN_SECONDS } }));
  }

  /** What this step should show now, once: a reload afterwards shows the step afresh. */
  async takeShown(uid: string, step: Step): Promise<Shown | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: shownKey(uid),
          ConditionExpression: '#step = :step',
          ExpressionAttributeNames: { '#step': 'step' },
          ExpressionAttributeValues: { ':step': step },
          ReturnValues: 'ALL_OLD',
        }),
      );
      // DynamoDB TTL deletes late: an old answer is no longer news.
      if (!Attributes || Number(Attributes.ttl) <= this.now()) return undefined;
      return JSON.parse(Attributes.shown as string) as Shown;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  async rememberAppPage(uid: string, appPage: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...appPageKey(uid), appPage, ttl: this.now() + APP_PAGE_SECONDS } }));
  }

  async appPageOf(uid: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: appPageKey(uid), ConsistentRead: true }));
    return Item && Number(Item.ttl) > this.now() ? (Item.appPage as string) : undefined;
  }
}

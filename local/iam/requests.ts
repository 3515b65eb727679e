/**
 * What AWS authorizes for one SDK call, as its service documents it:
 * - DynamoDB: the action on the table; a Query or Scan with `IndexName` on the index
 *   (`table/<name>/index/<index>`); BatchGetItem/BatchWriteItem once per table; each entry of
 *   TransactWriteItems as its own action (Put→PutItem, Update→UpdateItem, Delete→DeleteItem,
 *   ConditionCheck→ConditionCheckItem) and of TransactGetItems as GetItem;
 * - SES SendEmail: the sender's identity (its address or its domain, whichever is verified) and, as
 *   in the SES sandbox, every recipient's, with `ses:FromAddress` and `ses:Recipients`;
 * - EventBridge PutEvents: once per entry, on the entry's bus (the default bus when it names none);
 * - KMS Encrypt and Decrypt: on the key the request names (its ARN, as the functions are told it),
 *   with `kms:EncryptionContextKeys` and each `kms:EncryptionContext:<key>`.
 * Anything else: the action on `*`, so an unforeseen call is refused until it is granted.
 */
import type { AuthorizationRequest } from './policy.ts';

export interface Caller {
  region: string;
  account: string;
}

type Input = Record<string, any>;

/** `client` is the SDK's client name (`DynamoDBClient`), `command` its command name (`PutItemCommand`). */
export function authorizationRequests(client: string, command: string, input: Input, at: Caller): AuthorizationRequest[] {
  const name = command.replace(/Command$/, '');
  const arn = (service: string, resource: string) => `arn:aws:${service}:${at.region}:${at.account}:${resource}`;
  const table = (tableName: string) => (tableName.startsWith('arn:') ? tableName : arn('dynamodb', `table/${tableName}`));
  const one = (action: string, resource: string): AuthorizationRequest => ({ action, resources: [resource] });

  switch (client) {
    case 'DynamoDBClient':
      switch (name) {
        case 'Query':
        case 'Scan':
          return [one(`dynamodb:${name}`, input.IndexName ? `${table(input.TableName)}/index/${input.IndexName}` : table(input.TableName))];
        case 'BatchGetItem':
        case 'BatchWriteItem':
          return Object.keys(input.RequestItems ?? {}).map((t) => one(`dynamodb:${name}`, table(t)));
        case 'TransactWriteItems':
          return (input.TransactItems as Input[]).map((entry) => {
            const [kind, body] = Object.entries(entry).find(([, v]) => v !== undefined) as [string, Input];
            return one(`dynamodb:${TRANSACT_WRITE_ACTIONS[kind] ?? kind}`, table(body.TableName));
          });
        case 'TransactGetItems':
          return (input.TransactItems as Input[]).map((entry) => one('dynamodb:GetItem', table(entry.Get.TableName)));
        default:
          return [one(`dynamodb:${name}`, input.TableName ? table(input.TableName) : '*')];
      }
    case 'SESClient':
      if (name === 'SendEmail' || name === 'SendRawEmail') {
        const from = address(String(input.Source));
        const recipients = [...(input.Destination?.ToAddresses ?? []), ...(input.Destination?.CcAddresses ?? []), ...(input.Destination?.BccAddresses ?? [])].map(address);
        const identities = (email: string) => [arn('ses', `identity/${email}`), arn('ses', `identity/${email.split('@')[1]}`)];
        const context = { 'ses:FromAddress': from, 'ses:Recipients': recipients, ...(displayName(String(input.Source)) ? { 'ses:FromDisplayName': displayName(String(input.Source))! } : {}) };
        return [from, ...recipients].map((email) => ({ action: `ses:${name}`, resources: identities(email), context }));
      }
      return [one(`ses:${name}`, '*')];
    case 'EventBridgeClient':
      if (name === 'PutEvents') {
        return (input.Entries as Input[]).map((entry) => {
          const bus = String(entry.EventBusName ?? 'default');
          return { action: 'events:PutEvents', resources: [bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`)], context: { 'events:source': String(entry.Source), 'events:detail-type': String(entry.DetailType) } };
        });
      }
      return [one(`events:${name}`, '*')];
    case 'KMSClient': {
      const key = String(input.KeyId ?? '*');
      const context: Record<string, string | string[]> = Object.fromEntries(Object.entries((input.EncryptionContext ?? {}) as Record<string, string>).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
      context['kms:EncryptionContextKeys'] = Object.keys(input.EncryptionContext ?? {});
      return [{ action: `kms:${name}`, resources: [key.startsWith('arn:') ? key : arn('kms', `key/${key}`)], context }];
    }
    default:
      throw new Error(`IAM emulation: no authorization rules for ${client}`);
  }
}

const TRANSACT_WRITE_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

/** `Name <a@b>` or `a@b` → `a@b`, as SES reads the address. */
const address = (source: string) => (/<([^>]+)>/.exec(source)?.[1] ?? source).trim();
const displayName = (source: string) => /^\s*"?([^"<]*?)"?\s*</.exec(source)?.[1] || undefined;

/**
 * The IAM emulation's two halves without a stack: what AWS authorizes for a call, and how IAM
 * decides it against a role's statements. And that it watches every client the functions create.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { functionClients } from '../../local/iam/function-clients.ts';
import { emulateIam, iamEmulation, NO_IAM } from '../../local/iam/emulation.ts';
import { decide } from '../../local/iam/policy.ts';
import { authorizationRequests } from '../../local/iam/requests.ts';
import { localRoles, type Statement, type SynthesizedRoles } from '../../local/iam/roles.ts';

const at = { region: 'us-east-1', account: '000000000000' };
const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/t';
const allow = (actions: string[], resources: string[], conditions?: Statement['conditions']): Statement => ({ effect: 'Allow', actions, resources, ...(conditions ? { conditions } : {}) });

describe('what AWS authorizes for a call', () => {
  it('authorizes each TransactWriteItems entry as its own action, on its own table', () => {
    const requests = authorizationRequests('DynamoDBClient', 'TransactWriteItemsCommand', {
      TransactItems: [
        { Put: { TableName: 't', Item: {} } },
        { Update: { TableName: 't', Key: {} } },
        { Delete: { TableName: 'u', Key: {} } },
        { ConditionCheck: { TableName: 't', Key: {} } },
      ],
    }, at);
    expect(requests.map((r) => `${r.action} ${r.resources[0]}`)).toEqual([
      `dynamodb:PutItem ${table}`,
      `dynamodb:UpdateItem ${table}`,
      'dynamodb:DeleteItem arn:aws:dynamodb:us-east-1:000000000000:table/u',
      `dynamodb:ConditionCheckItem ${table}`,
    ]);
  });

  it('authorizes a Query with IndexName on the index, without it on the table', () => {
    expect(authorizationRequests('DynamoDBClient', 'QueryCommand', { TableName: 't', IndexName: 'GSI1' }, at)[0]!.resources).toEqual([`${table}/index/GSI1`]);
    expect(authorizationRequests('DynamoDBClient', 'QueryCommand', { TableName: 't' }, at)[0]!.resources).toEqual([table]);
  });

  it('authorizes BatchGetItem once per table, and TransactGetItems as GetItem', () => {
    expect(authorizationRequests('DynamoDBClient', 'BatchGetItemCommand', { RequestItems: { t: {}, u: {} } }, at).map((r) => r.action)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchGetItem']);
    expect(authorizationRequests('DynamoDBClient', 'TransactGetItemsCommand', { TransactItems: [{ Get: { TableName: 't' } }] }, at)[0]!.action).toBe('dynamodb:GetItem');
  });

  it('authorizes an SES send against the sender identity and, as the sandbox does, every recipient, with ses:FromAddress', () => {
    const requests = authorizationRequests('SESClient', 'SendEmailCommand', { Source: 'Invite Links <invites@example.com>', Destination: { ToAddresses: ['ada@acme.test'] } }, at);
    expect(requests.map((r) => r.resources)).toEqual([
      ['arn:aws:ses:us-east-1:000000000000:identity/invites@example.com', 'arn:aws:ses:us-east-1:000000000000:identity/example.com'],
      ['arn:aws:ses:us-east-1:000000000000:identity/ada@acme.test', 'arn:aws:ses:us-east-1:000000000000:identity/acme.test'],
    ]);
    expect(requests[0]!.context).toMatchObject({ 'ses:FromAddress': 'invites@example.com', 'ses:Recipients': ['ada@acme.test'], 'ses:FromDisplayName': 'Invite Links' });
  });

  it('authorizes PutEvents per entry on its bus, the default bus when it names none', () => {
    const requests = authorizationRequests('EventBridgeClient', 'PutEventsCommand', { Entries: [{ EventBusName: 'b', Source: 's', DetailType: 'd' }, { Source: 's', DetailType: 'd' }] }, at);
    expect(requests.map((r) => r.resources[0])).toEqual(['arn:aws:events:us-east-1:000000000000:event-bus/b', 'arn:aws:events:us-east-1:000000000000:event-bus/default']);
  });

  it('authorizes KMS Encrypt and Decrypt on the key named, with the encryption context as condition keys', () => {
    const key = 'arn:aws:kms:us-east-1:000000000000:key/k';
    const [request] = authorizationRequests('KMSClient', 'DecryptCommand', { KeyId: key, CiphertextBlob: new Uint8Array(), EncryptionContext: { domainId: 'd', linkId: 'l' } }, at);
    expect(request).toEqual({ action: 'kms:Decrypt', resources: [key], context: { 'kms:EncryptionContext:domainId': 'd', 'kms:EncryptionContext:linkId': 'l', 'kms:EncryptionContextKeys': ['domainId', 'linkId'] } });
    // The link key's grant (infra/constructs/service-function.ts bindLinkKey): exactly these context keys, each with a value.
    const grant = allow(['kms:Decrypt'], [key], { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['domainId', 'linkId'] }, StringLike: { 'kms:EncryptionContext:domainId': ['?*'], 'kms:EncryptionContext:linkId': ['?*'] } });
    expect(decide([grant], request!).allowed).toBe(true);
    for (const EncryptionContext of [undefined, { domainId: 'd' }, { domainId: 'd', linkId: 'l', more: 'x' }]) {
      expect(decide([grant], authorizationRequests('KMSClient', 'DecryptCommand', { KeyId: key, EncryptionContext }, at)[0]!).allowed, JSON.stringify(EncryptionContext)).toBe(false);
    }
    expect(decide([grant], authorizationRequests('KMSClient', 'EncryptCommand', { KeyId: key, EncryptionContext: { domainId: 'd', linkId: 'l' } }, at)[0]!).allowed).toBe(false);
  });
});

describe('how IAM decides', () => {
  const put = { action: 'dynamodb:PutItem', resources: [table] };

  it('allows only what an Allow statement names, action and resource both', () => {
    expect(decide([allow(['dynamodb:PutItem'], [table])], put).allowed).toBe(true);
    expect(decide([allow(['dynamodb:UpdateItem'], [table])], put).allowed).toBe(false);
    expect(decide([allow(['dynamodb:PutItem'], [`${table}/index/*`])], put).allowed).toBe(false);
  });

  it('matches actions without regard to case and with wildcards, resources with wildcards', () => {
    expect(decide([allow(['DynamoDB:Put*'], ['arn:aws:dynamodb:*:*:table/?'])], put).allowed).toBe(true);
  });

  it('lets an explicit Deny win over any Allow', () => {
    expect(decide([allow(['dynamodb:*'], ['*']), { effect: 'Deny', actions: ['dynamodb:PutItem'], resources: [table] }], put)).toEqual({ allowed: false, deniedBy: 1 });
  });

  it('understands NotAction and NotResource', () => {
    expect(decide([{ effect: 'Allow', notActions: ['dynamodb:DeleteItem'], resources: [table] }], put).allowed).toBe(true);
    expect(decide([{ effect: 'Allow', actions: ['dynamodb:PutItem'], notResources: [table] }], put).allowed).toBe(false);
  });

  it('holds a statement to its conditions, as SES sending is held to its From address', () => {
    const send = (from: string) => ({ action: 'ses:SendEmail', resources: ['arn:aws:ses:us-east-1:000000000000:identity/x@y.test'], context: { 'ses:FromAddress': from } });
    const policy = [allow(['ses:SendEmail'], ['arn:aws:ses:us-east-1:000000000000:identity/*'], { StringEquals: { 'ses:FromAddress': ['invites@example.com'] } })];
    expect(decide(policy, send('invites@example.com')).allowed).toBe(true);
    expect(decide(policy, send('someone@example.com')).allowed).toBe(false);
    // A key the request does not have: a positive operator fails, IfExists holds.
    expect(decide(policy, { ...send('invites@example.com'), context: {} }).allowed).toBe(false);
    expect(decide([allow(['ses:SendEmail'], ['*'], { StringEqualsIfExists: { 'ses:FromAddress': ['a@b.c'] } })], { ...send('x'), context: {} }).allowed).toBe(true);
  });

  it('refuses to guess at a condition operator it does not know', () => {
    expect(() => decide([allow(['ses:SendEmail'], ['*'], { DateGreaterThan: { 'aws:CurrentTime': ['2026-01-01'] } })], { action: 'ses:SendEmail', resources: ['x'], context: { 'aws:CurrentTime': 'now' } })).toThrow(/not emulated/);
  });
});

describe('the roles from the template', () => {
  const synth: SynthesizedRoles = {
    account: '000000000000',
    region: 'us-east-1',
    resourceTypes: { Table: 'AWS::DynamoDB::Table', Bus: 'AWS::Events::EventBus' },
    functions: {
      f: {
        role: 'FRole',
        managedPolicyArns: [],
        statements: [
          { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/GSI1']] } },
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': ['Bus', 'Arn'] } },
          { Effect: 'Allow', Action: 'ses:SendEmail', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/*']] } },
        ],
      },
    },
  };

  it('resolve the template\'s references to this machine\'s table, bus and account', () => {
    const roles = localRoles(synth, { tableName: 'local', streamArn: 'stream', busName: 'bus', keyArn: 'key' });
    expect(roles.f!.statements.map((s) => s.resources)).toEqual([
      ['arn:aws:dynamodb:us-east-1:000000000000:table/local/index/GSI1'],
      ['arn:aws:events:us-east-1:000000000000:event-bus/bus'],
      ['arn:aws:ses:us-east-1:000000000000:identity/*'],
    ]);
  });

  it('refuse a role whose managed policies they cannot read, rather than trust it', () => {
    expect(() => localRoles({ ...synth, functions: { f: { ...synth.functions.f!, managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } } }, { tableName: 'l', streamArn: 's', busName: 'b', keyArn: 'k' })).toThrow(/managed policies/);
  });
});

describe('the calls it watches', () => {
  it('are made inside an invocation: outside one (the operator seeding the table) nothing is checked', async () => {
    const client = emulateIam(new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }));
    const iam = iamEmulation({ roles: { f: { role: 'FRole', statements: [] } } });
    const get = () => client.send(new GetItemCommand({ TableName: 't', Key: { PK: { S: 'a' } } }));
    await expect(iam.asFunction('f', get)).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/t') });
    // Outside an invocation, or with IAM off, the call goes out (and fails only to connect).
    await expect(get()).rejects.not.toMatchObject({ name: 'AccessDeniedException' });
    await expect(NO_IAM.asFunction('f', get)).rejects.not.toMatchObject({ name: 'AccessDeniedException' });
    client.destroy();
  });

  it('come from every AWS SDK client the functions\' code creates', async () => {
    const root = join(import.meta.dirname, '../..');
    const sources = ['shared', 'functions'].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile() && f.name.endsWith('.ts'))
        .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')),
    );
    const created = sources.flatMap((source) => [...source.matchAll(/new (\w+Client)\(/g)].map((m) => m[1]!)).sort();
    const watched = (await functionClients()).map((c) => (c.constructor.name === 'DynamoDBDocumentClient' ? 'DynamoDBClient' : c.constructor.name)).sort();
    expect(created).toEqual(watched);
  });
});

/**
 * The stream consumer table drives the CDK: every entry of shared/streams/consumers.ts becomes one
 * function reading the table's stream, with the entry's filter and delivery numbers, its table
 * actions, its settings, its grants in words, its alarms and its dead-letter output, and nothing the
 * entry does not say. A third reader of the stream is refused. Bundling is skipped.
 */
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamConsumers } from '../../infra/constructs/stream-consumer.ts';
import { REPO_ROOT } from '../../infra/constructs/service-function.ts';
import { CONSUMER_LIST, STREAM_READERS_PER_SHARD, type ConsumerGrant, type NamedStreamConsumer } from '../../shared/streams/consumers.ts';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);
const streamArn = () => ({ 'Fn::GetAtt': [logicalId(s.invites.table), 'StreamArn'] });
const mappingsOnTheStream = () =>
  Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.EventSourceArn) === JSON.stringify(streamArn()));

/** Every statement of the policies attached to a role. */
function statementsOf(template: Template, stack: Stack, role: IConstruct): Statement[] {
  const id = stack.getLogicalId(role.node.defaultChild as CfnElement);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: id })))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** What the platform does with a reader's role (logs, traces, reading the stream, the dead-letter queue): not the entry's to say. */
const PLATFORM = /^(logs|xray|sqs):|^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/;
/** The one action each grant's words stand for. */
const GRANTED: Record<ConsumerGrant, string> = { 'send-email-as-sender': 'ses:SendEmail', 'put-events-on-bus': 'events:PutEvents', 'open-sealed-tokens': 'kms:Decrypt' };
/** A grant that names a resource tells the function which: the link key's ARN comes with opening sealed tokens. */
const GRANT_SETTINGS: Partial<Record<ConsumerGrant, string>> = { 'open-sealed-tokens': 'INVITE_LINK_KEY_ARN' };

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources;
});

describe('one reader of the stream per entry of the consumer table', () => {
  it('and no other: as many mappings on the stream as entries, at most what a shard takes', () => {
    expect(mappingsOnTheStream().map((m) => m.Properties.FunctionName).sort((a, b) => a.Ref.localeCompare(b.Ref))).toEqual(
      CONSUMER_LIST.map((c) => ({ Ref: logicalId(s.invites.consumers[c.key].function.fn) })).sort((a, b) => a.Ref.localeCompare(b.Ref)),
    );
    expect(CONSUMER_LIST.length).toBeLessThanOrEqual(STREAM_READERS_PER_SHARD);
  });

  describe.each(CONSUMER_LIST.map((c) => [c.name, c] as const))('%s', (_, consumer) => {
    const built = () => s.invites.consumers[consumer.key];
    const fn = () => resources[logicalId(built().function.fn)]!.Properties;

    it('is functions/<name>.ts, listed by its name, with the timeout and description its entry gives', () => {
      expect(s.invites.functions[consumer.name]).toBe(built().function.fn);
      expect(fn()).toMatchObject({ Timeout: consumer.delivery.functionTimeoutSeconds, Description: consumer.description });
    });

    it('gets the records its filter lets through, delivered by its numbers, failures parked in its own queue', () => {
      const { delivery } = consumer;
      const [mapping, ...more] = mappingsOnTheStream().filter((m) => m.Properties.FunctionName.Ref === logicalId(built().function.fn));
      expect(more).toEqual([]);
      expect(mapping!.Properties).toEqual(expect.objectContaining({
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(consumer.filter) }] },
        StartingPosition: delivery.startingPosition,
        BatchSize: delivery.batchSize,
        MaximumRetryAttempts: delivery.maxRetryAttempts,
        MaximumRecordAgeInSeconds: delivery.maxRecordAgeSeconds,
        BisectBatchOnFunctionError: delivery.bisectBatchOnFunctionError,
        ParallelizationFactor: delivery.parallelizationFactor,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(built().deadLetters), 'Arn'] } } },
      }));
      expect(mapping!.Properties.FunctionResponseTypes ?? []).toEqual(delivery.reportBatchItemFailures ? ['ReportBatchItemFailures'] : []);
    });

    it('is told exactly the settings its entry names (and the table\'s name only when it has table actions, the key\'s when a grant is on it)', () => {
      const told = Object.keys(fn().Environment.Variables).filter((v) => !['POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS'].includes(v));
      const byGrants = consumer.grants.flatMap((g) => GRANT_SETTINGS[g] ?? []);
      expect(told.sort()).toEqual([...consumer.environment, ...(consumer.tableActions.length > 0 ? ['TABLE_NAME'] : []), ...byGrants].sort());
    });

    it('may do what its table actions and grants say, and nothing else of its own', () => {
      const own = statementsOf(s.template, s.stack, built().function.role).flatMap((st) => [st.Action].flat()).filter((a) => !PLATFORM.test(a));
      // QueryByDomain is a Query, on the by-domain index only (its resource is checked with the notifier's statements).
      const tableActions = consumer.tableActions.map((a: string) => `dynamodb:${a === 'QueryByDomain' ? 'Query' : a}`);
      expect([...new Set(own)].sort()).toEqual([...new Set([...tableActions, ...consumer.grants.map((g) => GRANTED[g])])].sort());
    });

    it('has its alarms say what its entry says, and its dead-letter queue named in the stack outputs', () => {
      const { alarms } = built();
      expect(resources[logicalId(alarms.deadLetters)]!.Properties.AlarmDescription).toBe(consumer.alarms.deadLetters);
      expect(resources[logicalId(alarms.errors)]!.Properties.AlarmDescription).toBe(consumer.alarms.errors);
      expect(resources[logicalId(alarms.iteratorAge)]!.Properties.AlarmDescription).toBe(consumer.alarms.iteratorAge);
      s.template.hasOutput(consumer.deadLetters.output, { Value: { Ref: logicalId(built().deadLetters) }, Description: consumer.deadLetters.holds });
    });
  });
});

describe('the grants in words', () => {
  const grantsOf = (grant: ConsumerGrant) => CONSUMER_LIST.filter((c) => c.grants.includes(grant));

  it('send-email-as-sender: ses:SendEmail on the account\'s identities, only as the configured sender', () => {
    for (const consumer of grantsOf('send-email-as-sender')) {
      const ses = statementsOf(s.template, s.stack, s.invites.consumers[consumer.key].function.role).filter((st) => JSON.stringify(st.Action).includes('ses:'));
      expect(ses).toEqual([expect.objectContaining({ Action: 'ses:SendEmail', Condition: { StringEquals: { 'ses:FromAddress': 'invites@example.com' } } })]);
    }
  });

  it('put-events-on-bus: events:PutEvents on the service\'s bus only', () => {
    for (const consumer of grantsOf('put-events-on-bus')) {
      const events = statementsOf(s.template, s.stack, s.invites.consumers[consumer.key].function.role).filter((st) => JSON.stringify(st.Action).includes('events:'));
      expect(events).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(s.invites.eventBus), 'Arn'] } }]);
    }
  });

  it('open-sealed-tokens: kms:Decrypt on the link key only, for one link\'s or invitation\'s seal context only', () => {
    expect(grantsOf('open-sealed-tokens').map((c) => c.key)).toEqual(['notifier']);
    for (const consumer of grantsOf('open-sealed-tokens')) {
      const kms = statementsOf(s.template, s.stack, s.invites.consumers[consumer.key].function.role).filter((st) => JSON.stringify(st.Action).includes('kms:'));
      expect(kms).toEqual([expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [logicalId(s.invites.linkKey), 'Arn'] }, Condition: expect.objectContaining({ 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['domainId', 'linkId'] } }) })]);
    }
  });
});

describe('a new entry', () => {
  /** A consumer that is nothing but an entry: its code stands in with an existing function's file. */
  const expiryWarnings: NamedStreamConsumer = {
    key: 'expiryWarnings',
    name: 'warn-expiring-links',
    description: 'invite-links: a test consumer',
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: ['InviteLink'] } } } },
    delivery: { startingPosition: 'LATEST', batchSize: 7, maxRetryAttempts: 3, maxRecordAgeSeconds: 600, reportBatchItemFailures: true, bisectBatchOnFunctionError: false, parallelizationFactor: 2, functionTimeoutSeconds: 20 },
    tableActions: ['GetItem'],
    environment: ['PUBLIC_BASE_URL'],
    grants: ['send-email-as-sender'],
    deadLetters: { label: 'expiry warnings', output: 'ExpiryWarningsDlqUrl', holds: 'Expiry warnings that failed every retry' },
    alarms: { deadLetters: 'dead letters', errors: 'errors', iteratorAge: 'behind' },
  };

  function build(consumers: readonly NamedStreamConsumer[]) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Consumers', { env: { account: '123456789012', region: 'eu-west-1' } });
    const table = new TableV2(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING }, dynamoStream: StreamViewType.NEW_IMAGE });
    const built = streamConsumers(stack, {
      table,
      notifyFrom: 'invites@example.com',
      eventBus: new EventBus(stack, 'Bus'),
      linkKey: new Key(stack, 'LinkKey'),
      settings: { NOTIFY_FROM: 'invites@example.com', PUBLIC_BASE_URL: 'https://links.example.com', EVENT_BUS_NAME: 'bus' },
      consumers,
      entries: Object.fromEntries(consumers.map((c) => [c.name, `${REPO_ROOT}functions/publish-events.ts`])),
    });
    return { stack, table, built: built as Record<string, ReturnType<typeof streamConsumers>[keyof ReturnType<typeof streamConsumers>]>, template: Template.fromStack(stack) };
  }

  it('is all the construct needs: its mapping, numbers, settings and grants come from the entry alone', () => {
    const { stack, table, built, template } = build([expiryWarnings]);
    const fn = built.expiryWarnings!;
    expect(fn.node.path).toBe('Consumers/ExpiryWarnings');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: stack.getLogicalId(fn.function.fn.node.defaultChild as CfnElement) },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(expiryWarnings.filter) }] },
      StartingPosition: 'LATEST',
      BatchSize: 7,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 600,
      BisectBatchOnFunctionError: false,
      ParallelizationFactor: 2,
    });
    const variables = template.toJSON().Resources[stack.getLogicalId(fn.function.fn.node.defaultChild as CfnElement)].Properties.Environment.Variables;
    expect(variables).toMatchObject({ PUBLIC_BASE_URL: 'https://links.example.com', TABLE_NAME: { Ref: stack.getLogicalId(table.node.defaultChild as CfnElement) } });
    expect(variables).not.toHaveProperty('NOTIFY_FROM');
    const actions = statementsOf(template, stack, fn.function.role).flatMap((st) => [st.Action].flat()).filter((a) => !PLATFORM.test(a));
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'ses:SendEmail']);
  });

  it(`is refused as a third reader of the stream: a shard takes ${STREAM_READERS_PER_SHARD}, the next consumer subscribes on the bus`, () => {
    expect(() => build([...CONSUMER_LIST, expiryWarnings])).toThrow(/3 stream consumers \(notify-signup, publish-events, warn-expiring-links\) but a DynamoDB stream shard takes 2 readers/);
  });
});

describe('the InviteLinks construct', () => {
  it('keeps `notifier` and `eventsFeed` as the consumers of those keys', () => {
    expect(s.invites.notifier).toBe(s.invites.consumers.notifier);
    expect(s.invites.eventsFeed).toBe(s.invites.consumers.eventsFeed);
  });
});

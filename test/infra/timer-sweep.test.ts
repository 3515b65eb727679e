/**
 * The timer sweep (shared/timer-sweep.ts, made real by infra/constructs/timer-sweep.ts), read from the
 * synthesized template: the schedule that runs it every minute, the role the schedule invokes it with,
 * what the function may do, and its alarms. Bundling is skipped; invite-links-stack.test.ts covers it.
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TIMER_SWEEP } from '../../shared/timer-sweep.ts';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const sweep = () => s.invites.timerSweep;
const sweepArn = () => ({ 'Fn::GetAtt': [logicalId(sweep().function.fn), 'Arn'] });
const tableArn = () => ({ 'Fn::GetAtt': [logicalId(s.invites.table), 'Arn'] });

/** Every statement of the policies attached to a role. */
function statementsOf(role: IConstruct): Statement[] {
  const ref = JSON.stringify({ Ref: logicalId(role) });
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === ref))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (st: Statement) => [st.Action].flat();

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources;
});

describe('the schedule', () => {
  it('runs the sweep every minute, enabled, with no flexible window to make a timer later still', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules.map(([id]) => id)).toEqual([logicalId(sweep().schedule)]);
    expect(schedules[0]![1].Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it('invokes the sweep function with a role of its own and never retries: the next run fires whatever is still due', () => {
    expect(s.invites.functions[TIMER_SWEEP.name]).toBe(sweep().function.fn);
    expect(resources[logicalId(sweep().schedule)]!.Properties.Target).toEqual({
      Arn: sweepArn(),
      RoleArn: { 'Fn::GetAtt': [logicalId(sweep().invokeRole), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
    });
  });

  it('Scheduler invokes asynchronously, and Lambda does not retry a failed sweep on its own either', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: logicalId(sweep().function.fn) }));
    expect(configs.map(([, c]) => c.Properties)).toEqual([{ FunctionName: { Ref: logicalId(sweep().function.fn) }, Qualifier: '$LATEST', MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }]);
  });
});

describe('the role the schedule invokes with', () => {
  it('may be taken on only by EventBridge Scheduler, and only for this account', () => {
    const role = resources[logicalId(sweep().invokeRole)]!;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } },
    ]);
    expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
    expect(role.Properties).not.toHaveProperty('Policies');
  });

  it('may only invoke the sweep function (and its versions)', () => {
    expect(statementsOf(sweep().invokeRole)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [sweepArn(), { 'Fn::Join': ['', [sweepArn(), ':*']] }] },
    ]);
  });
});

describe('the sweep function', () => {
  it('has the service\'s defaults and times out after 50 s, within the minute between runs', () => {
    const props = resources[logicalId(sweep().function.fn)]!.Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 50,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalId(sweep().function.logGroup) } },
      Environment: { Variables: { TABLE_NAME: { Ref: logicalId(s.invites.table) }, NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'invite-links' } },
    });
    expect(props.Timeout).toBe(TIMER_SWEEP.functionTimeoutSeconds);
  });

  it('may do exactly TIMER_SWEEP.tableActions on the table, nothing on its index', () => {
    const dynamo = statementsOf(sweep().function.role).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((st) => ({ actions: actionsOf(st).sort(), resource: st.Resource }))).toEqual([
      { actions: TIMER_SWEEP.tableActions.map((a) => `dynamodb:${a}`).sort(), resource: tableArn() },
    ]);
  });

  it('may otherwise only write its own log group and its traces: no key, no email, no bus', () => {
    const others = statementsOf(sweep().function.role).filter((st) => !actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(others.map((st) => ({ actions: actionsOf(st).sort(), resource: st.Resource }))).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': [logicalId(sweep().function.logGroup), 'Arn'] } },
      { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resource: '*' },
    ]);
  });
});

describe('the alarms', () => {
  const alarm = (a: IConstruct) => resources[logicalId(a)]!.Properties;
  const breaching = { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching', Statistic: 'Sum', Period: 60 };

  it('fire when the sweep fails as a whole', () => {
    expect(alarm(sweep().alarms.errors)).toMatchObject({
      AlarmDescription: TIMER_SWEEP.alarms.errors,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(sweep().function.fn) } }],
      ...breaching,
    });
  });

  it('fire when timers keep failing to fire, as the sweep counts them', () => {
    const props = alarm(sweep().alarms.failedTimers);
    expect(props).toMatchObject({ AlarmDescription: TIMER_SWEEP.alarms.failedTimers, Namespace: 'InviteLinks', MetricName: 'TimersFailed', ...breaching });
    expect([...props.Dimensions].sort((a: { Name: string }, b: { Name: string }) => a.Name.localeCompare(b.Name))).toEqual([
      { Name: 'function', Value: TIMER_SWEEP.name },
      { Name: 'service', Value: 'invite-links' },
    ]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the sweep', () => {
    const { violations } = s.nag.validateScope(sweep());
    expect(violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

/**
 * Every function is watched in AWS as the code expects: the Tracer gets a segment (active tracing)
 * and the role may hand it to X-Ray, the logs and metrics go to the function's own log group (EMF
 * is read from there), and nothing turns Powertools off. Bundling is skipped.
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LIST } from '../../shared/contract/operations.ts';
import { SERVICE_NAME } from '../../shared/observability/names.ts';
import { CONSUMER_LIST } from '../../shared/streams/consumers.ts';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);

let s: Synthesized;
let resources: Record<string, Resource>;

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources as Record<string, Resource>;
});

/** Every statement of every policy attached to the role. */
const statementsOf = (roleId: string): Statement[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('every function the service runs', () => {
  const watched = () => [
    ...OPERATION_LIST.map((op) => [op.name, s.invites.api.functions[op.name]] as const),
    ...CONSUMER_LIST.map((c) => [c.name, s.invites.consumers[c.key].function] as const),
  ];

  it('is traced, and its role may send the traces (xray:PutTraceSegments and PutTelemetryRecords, which take no resource)', () => {
    for (const [name, fn] of watched()) {
      expect(resources[logicalId(fn.fn)]!.Properties.TracingConfig, name).toEqual({ Mode: 'Active' });
      const xray = statementsOf(logicalId(fn.role)).filter((st) => actionsOf(st).some((a) => a.startsWith('xray:')));
      expect(xray.flatMap(actionsOf).sort(), name).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      expect(xray.every((st) => st.Effect === 'Allow' && st.Resource === '*'), name).toBe(true);
    }
  });

  it('writes its logs and EMF metrics to its own log group, under the service\'s name, with nothing turning Powertools off', () => {
    for (const [name, fn] of watched()) {
      const props = resources[logicalId(fn.fn)]!.Properties;
      expect(props.LoggingConfig, name).toEqual({ LogGroup: { Ref: logicalId(fn.logGroup) } });
      const logs = statementsOf(logicalId(fn.role)).filter((st) => actionsOf(st).includes('logs:PutLogEvents'));
      expect(logs.map((st) => st.Resource), name).toEqual([{ 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] }]);
      const variables = props.Environment.Variables as Record<string, unknown>;
      expect(variables.POWERTOOLS_SERVICE_NAME, name).toBe(SERVICE_NAME);
      for (const off of ['POWERTOOLS_TRACE_ENABLED', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV']) expect(variables, `${name} ${off}`).not.toHaveProperty(off);
    }
  });
});

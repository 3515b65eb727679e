/**
 * The signup notifier: the table's stream, filtered to join records by the same definition the
 * local stream reader uses, feeds functions/notify-signup.ts. Failures are reported per record,
 * bisected, retried a bounded number of times, then parked in an encrypted SQS queue; alarms
 * watch that queue, the function's errors and how far behind the stream it is.
 */
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOIN_RECORD_FILTER, NOTIFIER_DELIVERY } from '#shared/store/dynamodb/table.ts';
import { ServiceFunction, type LogOptions, type TableAction } from './service-function.ts';
import { readStream } from './stream-reading.ts';

/** It claims each join with a conditional write, then reads the creator's membership and the domain's directory together. */
export const NOTIFIER_TABLE_ACTIONS: readonly TableAction[] = ['BatchGetItem', 'PutItem', 'UpdateItem'];

export interface NotifierProps {
  /** Must have a stream with new images. */
  table: ITable;
  /** The SES sender, e.g. `invites@example.com` or `Invite Links <invites@example.com>`. */
  notifyFrom: string;
  publicBaseUrl: string;
  /** defaults to functions/notify-signup.ts */
  entry?: string;
  logs?: LogOptions;
}

export class Notifier extends Construct {
  readonly function: ServiceFunction;
  readonly deadLetters: Queue;
  readonly alarms: { deadLetters: Alarm; errors: Alarm; iteratorAge: Alarm };

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'NotifySignup', {
      name: 'notify-signup',
      ...(props.entry ? { entry: props.entry } : {}),
      description: 'invite-links: emails a link creator for each join (table stream)',
      timeout: Duration.seconds(NOTIFIER_DELIVERY.functionTimeoutSeconds),
      // PUBLIC_BASE_URL also gives the emails their link to the domain's users page.
      environment: { NOTIFY_FROM: props.notifyFrom, PUBLIC_BASE_URL: props.publicBaseUrl },
      logs: props.logs,
    }).bindTable(props.table, NOTIFIER_TABLE_ACTIONS);

    // SES authorizes a send against the sender's identity and, while the account is in the SES
    // sandbox, against every recipient's too: any identity of this account, as this one sender only.
    const stack = Stack.of(this);
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
        conditions: { StringEquals: { 'ses:FromAddress': senderAddress(props.notifyFrom) } },
      }),
    );
    const literal = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
    Validations.of(this.function.role).acknowledge({
      // cdk-nag names unresolved parts as <AWS::Region> and <AWS::AccountId>.
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:${literal(stack.region, '<AWS::Region>')}:${literal(stack.account, '<AWS::AccountId>')}:identity/*]`,
      reason: 'In the SES sandbox a send is authorized against each recipient\'s identity as well as the sender\'s; the statement allows ses:SendEmail only with ses:FromAddress equal to the configured sender.',
    });

    ({ deadLetters: this.deadLetters, alarms: this.alarms } = readStream(this, this.function, {
      table: props.table,
      filter: JOIN_RECORD_FILTER,
      delivery: NOTIFIER_DELIVERY,
      alarmDescriptions: {
        deadLetters: 'A join notification failed every retry and waits in the dead-letter queue.',
        errors: 'The notifier function failed (a whole invocation, not one record).',
        iteratorAge: 'The notifier is falling behind the table stream.',
      },
    }));
  }
}

/** The bare address of `notifyFrom` (`Name <a@b>` or `a@b`): what SES compares `ses:FromAddress` with. */
export function senderAddress(notifyFrom: string): string {
  const address = (/<([^>]+)>/.exec(notifyFrom)?.[1] ?? notifyFrom).trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new Error(`notifyFrom must be an email address, got "${notifyFrom}"`);
  return address;
}

/**
 * A stream consumer's grants outside the table, from the words its entry uses
 * (shared/streams/consumers.ts) to the policy statements they stand for.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ConsumerGrant } from '#shared/streams/consumers.ts';
import type { ServiceFunction } from './service-function.ts';

/** What the grants name: the sender the emails go out as, the service's bus, and the key that seals tokens. */
export interface GrantTargets {
  /** The SES sender, e.g. `invites@example.com` or `Invite Links <invites@example.com>`. */
  notifyFrom: string;
  eventBus: IEventBus;
  linkKey: IKey;
}

export const CONSUMER_GRANTS: Record<ConsumerGrant, (fn: ServiceFunction, on: GrantTargets) => void> = {
  'send-email-as-sender': (fn, { notifyFrom }) => {
    // SES authorizes a send against the sender's identity and, while the account is in the SES
    // sandbox, against every recipient's too: any identity of this account, as this one sender only.
    const stack = Stack.of(fn);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
        conditions: { StringEquals: { 'ses:FromAddress': senderAddress(notifyFrom) } },
      }),
    );
    const literal = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
    Validations.of(fn.role).acknowledge({
      // cdk-nag names unresolved parts as <AWS::Region> and <AWS::AccountId>.
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:${literal(stack.region, '<AWS::Region>')}:${literal(stack.account, '<AWS::AccountId>')}:identity/*]`,
      reason: 'In the SES sandbox a send is authorized against each recipient\'s identity as well as the sender\'s; the statement allows ses:SendEmail only with ses:FromAddress equal to the configured sender.',
    });
  },
  'put-events-on-bus': (fn, { eventBus }) => {
    eventBus.grantPutEventsTo(fn.role);
  },
  'open-sealed-tokens': (fn, { linkKey }) => {
    // The same statement reveal gets: Decrypt on the link key, for one link's or invitation's seal context only.
    fn.bindLinkKey(linkKey, ['Decrypt']);
  },
};

/** The bare address of `notifyFrom` (`Name <a@b>` or `a@b`): what SES compares `ses:FromAddress` with. */
export function senderAddress(notifyFrom: string): string {
  const address = (/<([^>]+)>/.exec(notifyFrom)?.[1] ?? notifyFrom).trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new Error(`notifyFrom must be an email address, got "${notifyFrom}"`);
  return address;
}

/**
 * Least privilege, measured: which grants of each function's role were never used by the calls a
 * run made. What the Lambda service itself does with the role (write logs and traces, check the
 * dead-letter queue, list streams) is not the code's to use and is left out.
 */
import type { Grant } from './emulation.ts';
import { wildcard } from './policy.ts';
import { localRoles, type SynthesizedRoles } from './roles.ts';

const THE_PLATFORMS = ['logs:*', 'xray:*', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'dynamodb:ListStreams'];

export const grantKey = (grant: Grant) => `${grant.statement}|${grant.action}|${grant.resource}`;

/** Per function, each unused grant as `action on resource` (resources named generically: <table>, <stream>, <bus>). */
export function unusedGrants(synth: SynthesizedRoles, used: Record<string, ReadonlySet<string>>): Record<string, string[]> {
  const roles = localRoles(synth, { tableName: '<table>', streamArn: '<stream>', busName: '<bus>', keyArn: '<link key>' });
  const unused: Record<string, string[]> = {};
  for (const [name, role] of Object.entries(roles)) {
    for (const [statement, { effect, actions, resources }] of role.statements.entries()) {
      if (effect !== 'Allow' || !actions || !resources) continue;
      for (const action of actions) {
        if (THE_PLATFORMS.some((p) => wildcard(p, action, true))) continue;
        for (const [resource, arn] of resources.entries()) {
          if (!used[name]?.has(grantKey({ statement, action, resource }))) (unused[name] ??= []).push(`${action} on ${arn}`);
        }
      }
    }
  }
  return unused;
}

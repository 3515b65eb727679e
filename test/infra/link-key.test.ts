/**
 * The link key, read from the synthesized template: a customer managed KMS key that rotates and
 * outlives the stack like the table, and grants that are exactly each operation's keyActions (the
 * create functions Encrypt, reveal Decrypt, nobody else anything), on that key only, and only for
 * a token sealed for one link (its encryption context names the domain and the link).
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/config.ts';
import { OPERATION_LIST } from '../../shared/contract/operations.ts';
import { SEAL_CONTEXT_KEYS } from '../../shared/store/token-vault.ts';
import { synthesize, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let s: Synthesized;
let resources: Record<string, Resource>;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Every statement of the policies attached to a role that names a kms: action. */
function kmsStatements(role: IConstruct): Statement[] {
  const id = logicalId(role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: id })))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:')));
}

beforeAll(() => {
  s = synthesize();
  resources = s.template.toJSON().Resources as Record<string, Resource>;
});

describe('the link key', () => {
  it('is one customer managed key of the stack, rotated, kept when the stack goes (like the table)', () => {
    const [id, key] = ofType('AWS::KMS::Key').find(([id]) => id === logicalId(s.invites.linkKey))!;
    expect(id).toBeDefined();
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    expect(key).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it.each(OPERATION_LIST.map((op) => [op.name, op] as const))('%s gets exactly its keyActions on it, for one link’s encryption context only', (name, op) => {
    const fn = s.invites.api.functions[name];
    const statements = kmsStatements(fn.role);
    const environment = (resources[logicalId(fn.fn)]!.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    const actions = op.keyActions ?? [];
    if (actions.length === 0) {
      expect(statements).toEqual([]);
      expect(environment).not.toHaveProperty(SETTINGS.linkKeyArn);
      return;
    }
    const keyArn = { 'Fn::GetAtt': [logicalId(s.invites.linkKey), 'Arn'] };
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: actions.length === 1 ? `kms:${actions[0]}` : actions.map((a) => `kms:${a}`),
        Resource: keyArn,
        Condition: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SEAL_CONTEXT_KEYS] },
          StringLike: Object.fromEntries(SEAL_CONTEXT_KEYS.map((k) => [`kms:EncryptionContext:${k}`, '?*'])),
        },
      },
    ]);
    expect(environment[SETTINGS.linkKeyArn]).toEqual(keyArn);
  });

  it('is encrypted with by the functions that make links and send invitations, and decrypted with by reveal alone', () => {
    const using = (action: string) => OPERATION_LIST.filter((op) => op.keyActions?.includes(action as never)).map((op) => op.name).sort();
    expect(using('Encrypt')).toEqual(['create-invitations', 'create-invite-link', 'create-onboarding-link', 'reissue-invite-link', 'resend-invitation']);
    expect(using('Decrypt')).toEqual(['reveal-invite-link']);
    // Of the stream consumers, only the one that opens invitations' sealed tokens touches it, to decrypt.
    for (const { consumer, function: fn } of Object.values(s.invites.consumers)) {
      expect(kmsStatements(fn.role).flatMap((st) => [st.Action].flat())).toEqual(consumer.grants.includes('open-sealed-tokens' as never) ? ['kms:Decrypt'] : []);
    }
  });

  it('passes cdk-nag: no finding on the key or the grants', () => {
    const { violations } = s.nag.validateScope(s.stack);
    const ours = violations.filter((v) => v.violatingResources.some((r) => /LinkKey|RevealInviteLink|CreateInviteLink|CreateOnboardingLink|CreateInvitations|ResendInvitation/.test(r.constructPath ?? '')));
    expect(ours.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

/**
 * cdk.json's `.invalid` placeholders let `npm run synth` work offline; a template built with them
 * must refuse to deploy. Read from the app `cdk deploy` builds (infra/service-app.ts): a template
 * rule that cannot hold, in every stack, naming the setting to pass, and the synth warning.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineServiceApp, isPlaceholder } from '../../infra/service-app.ts';

const CDK_JSON = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;
const REAL = { jwtIssuer: 'https://idp.example.com/', jwtAudience: 'invite-links', notifyFrom: 'invites@example.com' };

/** The app with these settings; its synth runs cdk-nag, and cfn-guard's template checks only where `templateChecks` says so (they read no setting). */
function appWith(context: Record<string, unknown>, region = 'eu-west-1', { templateChecks = false } = {}) {
  const pages = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
  writeFileSync(join(pages, 'index.html'), '');
  const app = new App({ context: { ...CDK_JSON, 'aws:cdk:bundling-stacks': [], webAssetDir: pages, ...context } });
  return { app, ...defineServiceApp(app, { account: '123456789012', region }, { templateChecks }) };
}

type Condition = { 'Fn::Not'?: [Condition]; 'Fn::Equals'?: [unknown, unknown] };
/** The two rule functions the refusal uses, evaluated as CloudFormation would. */
const holds = (condition: Condition): boolean => {
  if (condition['Fn::Not']) return !holds(condition['Fn::Not'][0]);
  if (condition['Fn::Equals']) return JSON.stringify(condition['Fn::Equals'][0]) === JSON.stringify(condition['Fn::Equals'][1]);
  throw new Error(`not a rule function this test reads: ${JSON.stringify(condition)}`);
};
type Rule = { Assertions: { Assert: Condition; AssertDescription: string }[] };
const refusal = (template: Template) => (template.toJSON().Rules as Record<string, Rule> | undefined)?.RefusePlaceholders;

describe('a template built with cdk.json\'s placeholders', () => {
  it('carries a rule in every stack that cannot hold, naming each setting to pass: CloudFormation refuses it before creating anything', () => {
    expect(CDK_JSON).toMatchObject({ jwtIssuer: 'https://idp.example.invalid/', notifyFrom: 'invite-links@example.invalid' });
    const { stack, edge } = appWith({});
    for (const each of [stack, edge!]) {
      const rule = refusal(Template.fromStack(each))!;
      expect(rule.Assertions.map((a) => a.AssertDescription), each.stackName).toEqual([
        'notifyFrom is the cdk.json placeholder "invite-links@example.invalid": deploy with -c notifyFrom=<your value>.',
        'jwtIssuer is the cdk.json placeholder "https://idp.example.invalid/": deploy with -c jwtIssuer=<your value>.',
      ]);
      for (const { Assert } of rule.Assertions) expect(holds(Assert)).toBe(false);
    }
  });

  it('still synthesizes, offline, every check included, and keeps the warning', () => {
    const { app, stack } = appWith({}, 'eu-west-1', { templateChecks: true });
    expect(() => app.synth()).not.toThrow();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk.json placeholder'));
    expect(warnings.map((w) => (w.entry.data as string).split(' ')[0]).sort()).toEqual(['jwtIssuer', 'notifyFrom']);
  });

  it('with the stack\'s own user pool, only the placeholders still in use count (the issuer is the pool\'s)', () => {
    const { stack } = appWith({ createUserPool: 'true' }, 'us-east-1');
    expect(refusal(Template.fromStack(stack))!.Assertions.map((a) => a.AssertDescription.split(' ')[0])).toEqual(['notifyFrom']);
  });

  it('counts a placeholder in any setting that names an address or a host: the alarm email, Cognito\'s sender', () => {
    const { stack } = appWith({ ...REAL, alarmEmail: 'ops@example.invalid', createUserPool: 'true', cognitoEmailFrom: 'Invites <no-reply@example.invalid>' }, 'us-east-1');
    expect(refusal(Template.fromStack(stack))!.Assertions.map((a) => a.AssertDescription.split(' ')[0])).toEqual(['cognitoEmailFrom', 'alarmEmail']);
  });
});

describe('a template built with real settings', () => {
  it('has no such rule and no warning', () => {
    const { stack, edge } = appWith(REAL);
    for (const each of [stack, edge!]) expect(refusal(Template.fromStack(each)), each.stackName).toBeUndefined();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('placeholder'))).toEqual([]);
  });

  it('is told from a placeholder by the .invalid name only', () => {
    for (const value of ['https://idp.example.invalid/', 'a@example.invalid', 'Invites <a@mail.example.INVALID>', 'https://x.invalid:8443/p']) expect(isPlaceholder(value), value).toBe(true);
    for (const value of ['https://invalid.example.com/', 'a@invalidation.com', 'a@example.invalidate.com', 'https://idp.example.com/invalid']) expect(isPlaceholder(value), value).toBe(false);
  });
});

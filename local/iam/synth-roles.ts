/**
 * Run as its own process (CDK is heavy, the stack's process never loads it): synthesizes the app
 * `cdk deploy` builds (infra/service-app.ts) for this machine's account and region, and prints, per
 * function, what its execution role holds as the template states it: the statements of every
 * policy attached to the role, and the stream it is mapped to with its on-failure destination.
 * Bundling and the template checks (cfn-guard) are skipped, as neither changes a policy; nothing
 * else differs from a deploy.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { defineServiceApp } from '../../infra/service-app.ts';
import type { SynthesizedRoles, TemplateResource } from './roles.ts';

const [contextJson, outFile] = process.argv.slice(2);
if (!contextJson || !outFile) throw new Error('usage: synth-roles.ts <context JSON> <out file>');
const { context, account, region } = JSON.parse(contextJson) as { context: Record<string, unknown>; account: string; region: string };

const work = mkdtempSync(join(tmpdir(), 'invite-links-iam-'));
try {
  const pages = join(work, 'pages');
  mkdirSync(pages);
  writeFileSync(join(pages, 'index.html'), '');
  const app = new App({
    outdir: join(work, 'cdk.out'),
    context: {
      ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context,
      ...context,
      // Policies do not depend on the bundles or the pages; skipping both keeps this a few seconds.
      'aws:cdk:bundling-stacks': [],
      webAssetDir: pages,
    },
  });
  const { stack } = defineServiceApp(app, { account, region }, { templateChecks: false });
  const template = app.synth().getStackByName(stack.artifactId).template as { Resources: Record<string, TemplateResource> };
  const resources = template.Resources;
  const logicalId = (element: CfnElement) => Stack.of(element).resolve(element.logicalId) as string;

  const functions: SynthesizedRoles['functions'] = {};
  for (const [name, fn] of Object.entries(stack.invites.functions)) {
    const roleId = logicalId(fn.role!.node.defaultChild as CfnElement);
    const functionId = logicalId(fn.node.defaultChild as CfnElement);
    const role = resources[roleId]!;
    const attached = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as unknown[] | undefined)?.some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })),
    );
    const inline = (role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[] | undefined) ?? [];
    const mapping = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: functionId }),
    );
    functions[name] = {
      role: roleId,
      statements: [...attached.map((p) => p.Properties.PolicyDocument as { Statement: unknown[] }), ...inline.map((p) => p.PolicyDocument)].flatMap((d) => d.Statement),
      managedPolicyArns: (role.Properties.ManagedPolicyArns as unknown[] | undefined) ?? [],
      ...(mapping
        ? {
            eventSource: {
              arn: mapping.Properties.EventSourceArn,
              onFailure: (mapping.Properties.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination,
            },
          }
        : {}),
    };
  }
  const resourceTypes = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]));
  writeFileSync(outFile, JSON.stringify({ account, region, functions, resourceTypes } satisfies SynthesizedRoles));
} finally {
  rmSync(work, { recursive: true, force: true });
}

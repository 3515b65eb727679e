/**
 * Every shape the app's templates take, synthesized in-process from infra/service-app.ts with
 * settings a deploy would pass: two regions (us-east-1 holds the web ACL itself, eu-west-1 gets the
 * InviteLinksEdge stack), each with the operator's own identity provider and with the stack's user
 * pool (Cognito's codes through SES, alarms to an email address). `npm run lint:cfn` lints them;
 * the template checks' test validates them. Bundling is skipped: no template depends on a bundle.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { defineServiceApp, type ServiceAppOptions } from './service-app.ts';

export interface TemplateVariant {
  name: string;
  region: string;
  context: Record<string, string>;
}

/** What a deploy passes instead of cdk.json's placeholders (which refuse to deploy by design). */
const DEPLOY_SETTINGS = { jwtIssuer: 'https://idp.example.com/', jwtAudience: 'invite-links', notifyFrom: 'Invite Links <invites@example.com>' };

export const TEMPLATE_VARIANTS: TemplateVariant[] = ['us-east-1', 'eu-west-1'].flatMap((region) => [
  { name: `${region}-own-provider`, region, context: { ...DEPLOY_SETTINGS, createUserPool: 'false' } },
  {
    name: `${region}-user-pool`,
    region,
    context: { ...DEPLOY_SETTINGS, createUserPool: 'true', cognitoEmailFrom: 'Invite Links <no-reply@example.com>', alarmEmail: 'ops@example.com' },
  },
]);

const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * Synthesizes one variant into `outdir` (its cloud assembly) and returns the paths of its templates.
 * `templateChecks: false` for a caller that runs the checks on them itself (service-app.ts).
 */
export function synthesizeVariant(variant: TemplateVariant, outdir: string, options: ServiceAppOptions = {}): string[] {
  const pages = join(outdir, '.pages');
  mkdirSync(pages, { recursive: true });
  writeFileSync(join(pages, 'index.html'), '<!doctype html><title>invite links</title>');
  const app = new App({
    outdir,
    context: { ...CDK_JSON_CONTEXT, ...variant.context, webAssetDir: pages, 'aws:cdk:bundling-stacks': [] },
  });
  defineServiceApp(app, { account: '123456789012', region: variant.region }, options);
  return app.synth().stacks.map((stack) => join(outdir, stack.templateFile));
}

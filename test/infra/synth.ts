/**
 * Builds the stack once for a test file, the way infra/app.ts does, with cdk-nag's AwsSolutions
 * pack registered. The pages come from a temporary directory so the tests need no web build. No
 * function is bundled (CDK's bundling-stacks context): the template is what these files read, and
 * invite-links-stack.test.ts bundles as a deploy does.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { InviteLinks } from '../../infra/invite-links.ts';
import { InviteLinksStack, type InviteLinksStackProps } from '../../infra/invite-links-stack.ts';

export const NOTIFY_FROM = 'Invite Links <invites@example.com>';
export const ISSUER = 'https://issuer.example.com/tenant';
export const AUDIENCE = 'invite-links-web';


export interface Synthesized {
  stack: InviteLinksStack;
  /** The construct the stack wraps: what the tests read the resources from. */
  invites: InviteLinks;
  template: Template;
  nag: AwsSolutionsChecks;
}

export function synthesize(props: Partial<InviteLinksStackProps> = {}): Synthesized {
  const web = mkdtempSync(join(tmpdir(), 'invite-links-web-'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>test</title>');
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const stack = new InviteLinksStack(app, 'InviteLinksTest', {
    env: { account: '123456789012', region: 'us-east-1' },
    notifyFrom: NOTIFY_FROM,
    jwtIssuer: ISSUER,
    jwtAudience: [AUDIENCE],
    webAssetDir: web,
    ...props,
  });
  return { stack, invites: stack.invites, template: Template.fromStack(stack), nag };
}

/**
 * The config.json the pages get (Source.jsonData), with each deploy-time marker put back as the
 * CloudFormation value the deployment fills in: comparable with `stack.resolve(expected)`.
 */
export function deployedPageConfig({ stack, template }: Synthesized): unknown {
  const outdir = (stack.node.root as App).outdir;
  const dir = readdirSync(outdir).find((d) => existsSync(join(outdir, d, 'config.json')))!;
  const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
  const markers = Object.assign({}, ...((deployment!.Properties.SourceMarkers ?? []) as Record<string, unknown>[])) as Record<string, unknown>;
  const fill = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    if (typeof value !== 'string' || !value.includes('<<marker:')) return value;
    const parts = value.split(/(<<marker:0xbaba:\d+>>)/).filter(Boolean).map((part) => markers[part] ?? part);
    return parts.length === 1 ? parts[0] : { 'Fn::Join': ['', parts] };
  };
  return fill(JSON.parse(readFileSync(join(outdir, dir, 'config.json'), 'utf8')));
}

/** The pages' Content-Security-Policy as CloudFront sends it. */
export function deployedContentSecurityPolicy({ template }: Synthesized): string {
  const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  return JSON.stringify(policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
}

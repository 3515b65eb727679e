/**
 * The CDK app users deploy with one command:
 *   npx cdk deploy --all -c createUserPool=true -c notifyFrom=invites@example.com
 *   npx cdk deploy --all -c jwtIssuer=https://... -c jwtAudience=... [-c jwtClientId=...] -c notifyFrom=invites@example.com
 * Outside us-east-1 a companion stack there holds the WAF web ACL (unless -c webAclArn=... names one).
 * cdk-nag's AwsSolutions pack checks every synth; see docs/deploy.md.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WEB_ACL_REGION } from './constructs/web-acl.ts';
import { InviteLinksEdgeStack } from './invite-links-edge-stack.ts';
import { InviteLinksStack } from './invite-links-stack.ts';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

const createUserPool = context('createUserPool') === 'true';
const jwtIssuer = context('jwtIssuer');
const list = (key: string) => context(key)?.split(',').map((item) => item.trim()).filter(Boolean);
const jwtAudience = list('jwtAudience');
const notifyFrom = context('notifyFrom');
if (!createUserPool && (!jwtIssuer || !jwtAudience?.length)) {
  throw new Error('Missing identity provider: pass -c jwtIssuer=<issuer URL> -c jwtAudience=<audience>, or -c createUserPool=true.');
}
if (!notifyFrom) throw new Error('Missing SES sender: pass -c notifyFrom=<verified address>.');
const ttl = context('inviteLinkTtlSeconds');

const stackName = context('stackName') ?? 'InviteLinks';
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
// A CloudFront web ACL lives in us-east-1: a stack there makes its own; elsewhere a companion stack does.
const edge = !context('webAclArn') && env.region && env.region !== WEB_ACL_REGION
  ? new InviteLinksEdgeStack(app, `${stackName}Edge`, { description: 'Invite links: the WAF web ACL in front of the pages and the API (CloudFront, us-east-1)', env })
  : undefined;
const webAclArn = context('webAclArn') ?? edge?.webAclArn;

const stack = new InviteLinksStack(app, stackName, {
  description: 'Invite links: shareable, expiring invite links (API, table, notifier, pages)',
  env,
  ...(edge ? { crossRegionReferences: true } : {}),
  ...(webAclArn ? { webAclArn } : {}),
  notifyFrom,
  createUserPool,
  ...(createUserPool ? {} : { jwtIssuer, jwtAudience, jwtClientId: context('jwtClientId'), identityProviderOrigins: list('identityProviderOrigins') }),
  ...(ttl ? { inviteLinkTtlSeconds: Number(ttl) } : {}),
  ...(context('userPoolDomainPrefix') ? { userPoolDomainPrefix: context('userPoolDomainPrefix') } : {}),
  ...(context('webAssetDir') ? { webAssetDir: context('webAssetDir') } : {}),
});

// cdk.json carries .invalid placeholders so `npm run synth` works offline; a real deploy must override them.
for (const [key, value] of [['jwtIssuer', jwtIssuer], ['notifyFrom', notifyFrom]] as const) {
  if (!createUserPool || key === 'notifyFrom') {
    if (value?.includes('.invalid')) Annotations.of(stack).addWarningV2(`invite-links:placeholder-${key}`, `${key} is the cdk.json placeholder "${value}": pass -c ${key}=... to deploy.`);
  }
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

/**
 * The CDK app users deploy with one command:
 *   npx cdk deploy -c createUserPool=true -c notifyFrom=invites@example.com
 *   npx cdk deploy -c jwtIssuer=https://... -c jwtAudience=... [-c jwtClientId=...] -c notifyFrom=invites@example.com
 * cdk-nag's AwsSolutions pack checks every synth; see docs/deploy.md.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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

const stack = new InviteLinksStack(app, context('stackName') ?? 'InviteLinks', {
  description: 'Invite links: shareable, expiring invite links (API, table, notifier, pages)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
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

/**
 * The stacks `cdk deploy` builds, from the app's context: infra/app.ts runs it for the CLI, and
 * the local stack synthesizes the same app to read each function's IAM policy (local/iam/), so
 * what the tests are refused is what the deployed roles would refuse. Every synth is checked by
 * cdk-nag and by the template checks (infra/template-checks.ts).
 */
import { Annotations, type App, CfnRule, Fn, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CognitoEmail } from './constructs/user-pool.ts';
import { WEB_ACL_REGION } from './constructs/web-acl.ts';
import { InviteLinksEdgeStack } from './invite-links-edge-stack.ts';
import { InviteLinksStack } from './invite-links-stack.ts';
import { TEMPLATE_CHECKS_RUN_HERE, templateChecks } from './template-checks.ts';

export interface ServiceApp {
  stack: InviteLinksStack;
  edge?: InviteLinksEdgeStack;
}

export interface ServiceAppOptions {
  /**
   * false leaves the template checks (cfn-guard) out of this app's synths; cdk-nag still runs. For
   * a caller that reads the templates for something else and would pay a cfn-guard run per
   * template for nothing: the local stack's roles, tests of one setting. `cdk synth` and deploys
   * (infra/app.ts) always check, and template-checks.test.ts checks every shape of the app.
   */
  templateChecks?: boolean;
}

/** Adds the service's stacks to `app`, configured by its context (cdk.json and `-c key=value`). */
export function defineServiceApp(app: App, env: { account?: string; region?: string } = {}, { templateChecks: checked = true }: ServiceAppOptions = {}): ServiceApp {
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const list = (key: string) => context(key)?.split(',').map((item) => item.trim()).filter(Boolean);

  const createUserPool = context('createUserPool') === 'true';
  const jwtIssuer = context('jwtIssuer');
  const jwtAudience = list('jwtAudience');
  const notifyFrom = context('notifyFrom');
  if (!createUserPool && (!jwtIssuer || !jwtAudience?.length)) {
    throw new Error('Missing identity provider: pass -c jwtIssuer=<issuer URL> -c jwtAudience=<audience>, or -c createUserPool=true.');
  }
  if (!notifyFrom) throw new Error('Missing SES sender: pass -c notifyFrom=<verified address>.');
  const ttl = context('inviteLinkTtlSeconds');
  const cognitoEmailFrom = context('cognitoEmailFrom');
  const cognitoEmailIdentity = context('cognitoEmailIdentity');
  if (cognitoEmailIdentity !== undefined && cognitoEmailIdentity !== 'address' && cognitoEmailIdentity !== 'domain') {
    throw new Error(`cognitoEmailIdentity is the SES identity that vouches for cognitoEmailFrom: address or domain, got "${cognitoEmailIdentity}".`);
  }

  const stackName = context('stackName') ?? 'InviteLinks';
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
    ...(cognitoEmailFrom ? { cognitoEmail: { from: cognitoEmailFrom, ...(cognitoEmailIdentity ? { identity: cognitoEmailIdentity as CognitoEmail['identity'] } : {}) } } : {}),
    ...(context('webAssetDir') ? { webAssetDir: context('webAssetDir') } : {}),
    ...(context('alarmTopicArn') ? { alarmTopicArn: context('alarmTopicArn') } : {}),
    ...(context('alarmEmail') ? { alarmEmail: context('alarmEmail') } : {}),
  });

  // cdk.json carries .invalid placeholders so `npm run synth` works offline; a real deploy must override them.
  const used: [string, string | undefined][] = [
    ['notifyFrom', notifyFrom],
    ...(createUserPool ? [] : [['jwtIssuer', jwtIssuer], ['identityProviderOrigins', context('identityProviderOrigins')]] as [string, string | undefined][]),
    ['cognitoEmailFrom', cognitoEmailFrom],
    ['alarmEmail', context('alarmEmail')],
  ];
  const placeholders = used.filter((entry): entry is [string, string] => entry[1] !== undefined && isPlaceholder(entry[1]));
  for (const [key, value] of placeholders) {
    Annotations.of(stack).addWarningV2(`invite-links:placeholder-${key}`, `${key} is the cdk.json placeholder "${value}": the template refuses to deploy until you pass -c ${key}=...`);
  }
  if (placeholders.length > 0) for (const each of [stack, ...(edge ? [edge] : [])]) refusePlaceholders(each, placeholders);

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), ...(checked && TEMPLATE_CHECKS_RUN_HERE ? [templateChecks()] : []));
  if (checked && !TEMPLATE_CHECKS_RUN_HERE) {
    Annotations.of(stack).addWarningV2('invite-links:no-template-checks', `cfn-guard has no build for ${process.platform}/${process.arch}: this synth ran cdk-nag only, not the template checks (docs/deploy.md).`);
  }
  return { stack, ...(edge ? { edge } : {}) };
}

/** A host under `.invalid` can never resolve (RFC 2606): a value naming one is a placeholder, never a setting. */
export const isPlaceholder = (value: string): boolean => /\.invalid(?![a-z0-9-])/i.test(value);

/**
 * A template rule that cannot hold, one assertion per placeholder: CloudFormation checks rules
 * before it creates or changes anything, so the stack refuses to deploy and says which setting to
 * pass. Synth is untouched.
 */
function refusePlaceholders(stack: Stack, placeholders: [string, string][]) {
  new CfnRule(stack, 'RefusePlaceholders', {
    assertions: placeholders.map(([key, value]) => ({
      assert: Fn.conditionNot(Fn.conditionEquals(value, value)),
      assertDescription: `${key} is the cdk.json placeholder "${value}": deploy with -c ${key}=<your value>.`,
    })),
  });
}

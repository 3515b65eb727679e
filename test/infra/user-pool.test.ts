/** The stack with `createUserPool`: Cognito becomes the identity provider. Bundling is skipped; the main stack test covers it. */
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_DEFAULT_EMAILS_PER_DAY, emailSender } from '../../infra/constructs/user-pool.ts';
import { InviteLinksStack } from '../../infra/invite-links-stack.ts';
import { OPERATION_LIST, routeKey } from '../../shared/contract/operations.ts';
import { deployedContentSecurityPolicy, deployedPageConfig, synthesize, type Synthesized } from './synth.ts';

let s: Synthesized;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
const pageUrl = (path: string) => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(s.invites.web.distribution), 'DomainName'] }, path]] });
const client = () => Object.values(s.template.findResources('AWS::Cognito::UserPoolClient'))[0]!.Properties;
const MANAGED_LOGIN = 'https://invite-links-test.auth.us-east-1.amazoncognito.com';

beforeAll(() => {
  s = synthesize({ createUserPool: true, jwtIssuer: undefined, jwtAudience: undefined, userPoolDomainPrefix: 'invite-links-test', inviteLinkTtlSeconds: 3600 });
});

describe('the user pool', () => {
  it('lets invitees sign themselves up with their email as their name', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: ['email'],
      DeletionProtection: 'ACTIVE',
    });
  });

  it('takes usernames in any case: Ada@x.com and ada@x.com are one person, as in the directory', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', { UsernameConfiguration: { CaseSensitive: false } });
  });

  it('verifies the email with a code sent to it, and keeps the old one until a new one is verified', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AutoVerifiedAttributes: ['email'],
      VerificationMessageTemplate: Match.objectLike({ DefaultEmailOption: 'CONFIRM_WITH_CODE' }),
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('requires the email (fixed) and the given and family names', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        { Name: 'email', Required: true, Mutable: false },
        { Name: 'given_name', Required: true, Mutable: true },
        { Name: 'family_name', Required: true, Mutable: true },
      ]),
    });
  });

  it('offers a password or a one-time code emailed to the verified address (Essentials plan)', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      Policies: Match.objectLike({
        SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] },
        PasswordPolicy: Match.objectLike({ MinimumLength: 12 }),
      }),
    });
    expect(client().ExplicitAuthFlows).toEqual(['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('serves managed login (v2) on its domain, with Cognito\'s own style for the pages\' client', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'invite-links-test', ManagedLoginVersion: 2 });
    s.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: logicalId(s.invites.userPool!.pool) },
      ClientId: { Ref: logicalId(s.invites.userPool!.client) },
      UseCognitoProvidedValues: true,
    });
  });
});

describe('how the pool sends its codes', () => {
  const poolOf = (synthesized: Synthesized) => Object.values(synthesized.template.findResources('AWS::Cognito::UserPool'))[0]!.Properties;
  const identityArn = (identity: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ses:us-east-1:123456789012:identity/${identity}`]] });
  const withEmail = (cognitoEmail: NonNullable<Parameters<typeof synthesize>[0]>['cognitoEmail']) =>
    synthesize({ createUserPool: true, jwtIssuer: undefined, jwtAudience: undefined, userPoolDomainPrefix: 'invite-links-test', cognitoEmail });

  it('by default with Cognito\'s own email, and synth warns that it stops after about 50 a day', () => {
    expect(poolOf(s)).not.toHaveProperty('EmailConfiguration');
    const warnings = Annotations.fromStack(s.stack).findWarning('*', Match.stringLikeRegexp(`about ${COGNITO_DEFAULT_EMAILS_PER_DAY} a day.*cognitoEmailFrom`));
    expect(warnings.map((w) => w.id)).toEqual(['/InviteLinksTest/Default/Users']);
  });

  it('through SES as the sender given, named, vouched for by the address, and without the warning', () => {
    const synthesized = withEmail({ from: 'Invite Links <no-reply@example.com>' });
    expect(poolOf(synthesized).EmailConfiguration).toEqual({ EmailSendingAccount: 'DEVELOPER', From: 'Invite Links <no-reply@example.com>', SourceArn: identityArn('no-reply@example.com') });
    expect(Annotations.fromStack(synthesized.stack).findWarning('*', Match.stringLikeRegexp('cognitoEmailFrom'))).toEqual([]);
  });

  it('through SES vouched for by the sender\'s domain when that is the identity SES verified', () => {
    const synthesized = withEmail({ from: 'no-reply@example.com', identity: 'domain' });
    expect(poolOf(synthesized).EmailConfiguration).toEqual({ EmailSendingAccount: 'DEVELOPER', From: 'no-reply@example.com', SourceArn: identityArn('example.com') });
  });

  it('reads a sender as `Name <address>` or an address, and refuses anything else', () => {
    expect(emailSender('Invite Links <no-reply@example.com>')).toEqual({ name: 'Invite Links', address: 'no-reply@example.com', domain: 'example.com' });
    expect(emailSender(' no-reply@mail.example.com ')).toEqual({ address: 'no-reply@mail.example.com', domain: 'mail.example.com' });
    for (const bad of ['example.com', 'Invites <>', 'a@b', 'a b@example.com']) expect(() => emailSender(bad), bad).toThrow(/email address/);
  });

  it('is a setting of the pool the construct creates: without createUserPool it is refused', () => {
    expect(() => synthesize({ cognitoEmail: { from: 'no-reply@example.com' } })).toThrow(/cognitoEmail.*createUserPool/);
  });
});

describe('the pages\' app client', () => {
  it('is public and uses the authorization code grant only, never the implicit flow', () => {
    expect(client()).toMatchObject({ GenerateSecret: false, AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: ['COGNITO'] });
  });

  it('asks for openid, email and profile', () => {
    expect(client().AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
  });

  it('returns people to the sign-in page or the join page, and signs them out to the sign-in page', () => {
    expect(client().CallbackURLs).toEqual([pageUrl('/signin'), pageUrl('/join')]);
    expect(client().LogoutURLs).toEqual([pageUrl('/signin')]);
  });

  it('reads the email, whether it is verified, and the names; says nothing about who has an account', () => {
    expect(client().ReadAttributes.sort()).toEqual(['email', 'email_verified', 'family_name', 'given_name']);
    expect(client().WriteAttributes.sort()).toEqual(['email', 'family_name', 'given_name']);
    expect(client().PreventUserExistenceErrors).toBe('ENABLED');
  });
});

describe('the API with the user pool', () => {
  it('trusts that pool and its client', () => {
    const pool = s.invites.userPool!;
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Issuer: s.stack.resolve(pool.issuer),
        Audience: [{ Ref: logicalId(pool.client) }],
      },
    });
  });

  it('puts POST /v1/join and every jwt route behind that authorizer; POST /v1/join/lookup stays public', () => {
    const routes = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const [authorizerId] = Object.keys(s.template.findResources('AWS::ApiGatewayV2::Authorizer', { Properties: { AuthorizerType: 'JWT' } }));
    const authOf = (key: string) => routes.find((r) => r.RouteKey === key)!;
    for (const route of OPERATION_LIST.filter((r) => r.auth === 'jwt')) {
      expect(authOf(routeKey(route)), routeKey(route)).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
    expect(authOf('POST /v1/join')).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    // Public: no token, only the origin check (direct-callers.test.ts).
    expect(authOf('POST /v1/join/lookup').AuthorizationType).toBe('CUSTOM');
  });

  it('passes a shortened link lifetime to the API functions', () => {
    const fn = s.template.toJSON().Resources[logicalId(s.invites.api.functions['create-invite-link'].fn)];
    expect(fn.Properties.Environment.Variables.INVITE_LINK_TTL_SECONDS).toBe('3600');
  });
});

describe('the pages with the user pool', () => {
  it('get Cognito\'s endpoints in config.json, since its discovery document is served without CORS', () => {
    const pool = s.invites.userPool!;
    expect(deployedPageConfig(s)).toEqual(
      s.stack.resolve({
        apiBaseUrl: '',
        identityProvider: {
          issuer: pool.issuer,
          clientId: pool.client.userPoolClientId,
          audience: [pool.client.userPoolClientId],
          scope: 'openid email profile',
          displayName: 'Cognito',
          endpoints: {
            authorization: `${MANAGED_LOGIN}/oauth2/authorize`,
            token: `${MANAGED_LOGIN}/oauth2/token`,
            signUp: `${MANAGED_LOGIN}/signup`,
            logout: `${MANAGED_LOGIN}/logout`,
          },
        },
      }),
    );
  });

  it('may reach their own origin (the API) and managed login (its token endpoint), nothing else', () => {
    expect(deployedContentSecurityPolicy(s)).toContain(`connect-src 'self' ${MANAGED_LOGIN};`);
  });
});

describe('outputs with the user pool', () => {
  it('name the pool, its client and managed login', () => {
    for (const name of ['UserPoolId', 'UserPoolClientId']) s.template.hasOutput(name, {});
    s.template.hasOutput('HostedUiUrl', { Value: MANAGED_LOGIN });
  });
});

describe('cdk-nag AwsSolutions with the user pool', () => {
  it('has no unacknowledged finding', () => {
    expect(s.nag.validateScope(s.stack).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('without a domain prefix', () => {
  it('names managed login after the stack and the account, unique in the region', () => {
    const { template } = synthesize({ createUserPool: true, jwtIssuer: undefined, jwtAudience: undefined });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'invitelinkstest-123456789012' });
    template.hasOutput('HostedUiUrl', { Value: 'https://invitelinkstest-123456789012.auth.us-east-1.amazoncognito.com' });
  });
});

describe('without an identity provider', () => {
  it('refuses to build, saying what to pass', () => {
    expect(() => new InviteLinksStack(new App(), 'NoIdp', { notifyFrom: 'a@example.com' })).toThrow(/jwtIssuer and jwtAudience.*createUserPool/);
  });
});

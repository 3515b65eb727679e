/** The stack with `createUserPool`: Cognito becomes the identity provider. Bundling is skipped; the main stack test covers it. */
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InviteLinksStack } from '../../infra/invite-links-stack.ts';
import { synthesize, type Synthesized } from './synth.ts';

let s: Synthesized;
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
/** The hosted UI sends people back to the sign-in page, which finishes the code + PKCE flow. */
const signinUrl = () => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(s.stack.web.distribution), 'DomainName'] }, '/signin']] });

beforeAll(() => {
  s = synthesize({ createUserPool: true, jwtIssuer: undefined, jwtAudience: undefined, userPoolDomainPrefix: 'invite-links-test', inviteLinkTtlSeconds: 3600 }, { bundle: false });
});

describe('with createUserPool', () => {
  it('creates an invite-only user pool with a public client for the pages', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      DeletionProtection: 'ACTIVE',
      UsernameAttributes: ['email'],
    });
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [signinUrl()],
      LogoutURLs: [signinUrl()],
      SupportedIdentityProviders: ['COGNITO'],
    });
    // Authorization code only: no implicit flow that would put tokens in a URL.
    const client = Object.values(s.template.findResources('AWS::Cognito::UserPoolClient'))[0]!;
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
  });

  it('the API trusts that pool and its client', () => {
    const pool = s.stack.userPool!;
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Issuer: s.stack.resolve(pool.issuer),
        Audience: [{ Ref: logicalId(pool.client) }],
      },
    });
  });

  it('the pages may reach the hosted UI', () => {
    const csp = JSON.stringify(s.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(csp).toContain('https://invite-links-test.auth.');
    expect(csp).toContain('.amazoncognito.com');
  });

  it('passes a shortened link lifetime to the API functions', () => {
    const fn = s.template.toJSON().Resources[logicalId(s.stack.api.functions['create-invite-link'].fn)];
    expect(fn.Properties.Environment.Variables.INVITE_LINK_TTL_SECONDS).toBe('3600');
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(s.nag.validateScope(s.stack).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('without an identity provider', () => {
  it('refuses to build, saying what to pass', () => {
    expect(() => new InviteLinksStack(new App(), 'NoIdp', { notifyFrom: 'a@example.com' })).toThrow(/jwtIssuer and jwtAudience.*createUserPool/);
  });
});

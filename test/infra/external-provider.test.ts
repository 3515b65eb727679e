/** The stack trusting the operator's own OpenID Connect provider. Bundling is skipped; the main stack test covers it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedContentSecurityPolicy, deployedPageConfig, synthesize, type Synthesized } from './synth.ts';

const ISSUER = 'https://login.example.com/tenant/v2.0';
const API_AUDIENCE = 'api://invite-links';
const TOKEN_HOST = 'https://tokens.example.net';

let s: Synthesized;

beforeAll(() => {
  s = synthesize({ jwtIssuer: ISSUER, jwtAudience: [API_AUDIENCE], jwtClientId: 'pages-client', identityProviderOrigins: [`${TOKEN_HOST}/oauth2/v2.0/token`] });
});

describe('with an external provider whose API audience is not the pages\' client', () => {
  it('tells the pages the client, the audience and the scope, and no endpoints: they read discovery', () => {
    expect(deployedPageConfig(s)).toEqual(
      s.stack.resolve({
        apiBaseUrl: '',
        identityProvider: { issuer: ISSUER, clientId: 'pages-client', audience: [API_AUDIENCE], scope: 'openid email profile' },
      }),
    );
  });

  it('lets the pages reach their own origin (the API), the issuer\'s origin and the other origins named, nothing more', () => {
    const csp = deployedContentSecurityPolicy(s);
    expect(csp).toContain(`connect-src 'self' https://login.example.com ${TOKEN_HOST};`);
    expect(csp).not.toContain('amazoncognito.com');
  });

  it('creates no user pool', () => {
    s.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    expect(s.invites.userPool).toBeUndefined();
  });

  it('refuses an identity provider origin that is not https', () => {
    expect(() => synthesize({ identityProviderOrigins: ['http://tokens.example.net'] })).toThrow(/https/);
  });
});

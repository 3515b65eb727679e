/**
 * What the join page tells the provider about the invitation (web/src/lib/oidc.ts authorizationUrl):
 * the organisation's name and the link's email domains go only to a provider whose config.json
 * names parameters for them (the local one), never to Cognito, and cannot replace the protocol's own.
 */
import { describe, expect, it } from 'vitest';
import type { IdentityProviderConfig } from '../../web/page-config.ts';
import { authorizationUrl } from '../../web/src/lib/oidc.ts';
import { resolveProvider, type Provider } from '../../web/src/lib/oidc-provider.ts';
import { INVITATION_PARAMS } from '../../local/identity/invitation.ts';

const ISSUER = 'http://localhost:3000/oidc';
const local: IdentityProviderConfig = {
  issuer: ISSUER,
  clientId: 'invite-links-web',
  audience: ['invite-links-web'],
  scope: 'openid email profile',
  signUpParams: { screen_hint: 'signup' },
  invitationParams: INVITATION_PARAMS,
};
const localProvider = (config = local): Provider => ({
  config,
  as: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token` },
  client: { client_id: config.clientId },
  insecure: true,
});
const HOSTED = 'https://invites.auth.eu-west-1.amazoncognito.com';
const cognito: IdentityProviderConfig = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf',
  clientId: 'client123',
  audience: ['client123'],
  scope: 'openid email profile',
  endpoints: { authorization: `${HOSTED}/oauth2/authorize`, token: `${HOSTED}/oauth2/token`, signUp: `${HOSTED}/signup` },
};
const request = { redirectUri: 'http://localhost:3000/join', state: 's', nonce: 'n', codeChallenge: 'c' };
const invitation = { organisation: 'Demo Media Co', emailDomains: ['demo.test', 'demo.example'] };

describe('the invitation a sign-in is for', () => {
  it('goes to the local provider as the parameters its config.json names, sign-up and sign-in alike', () => {
    for (const signUp of [true, false]) {
      const url = new URL(authorizationUrl(localProvider(), { ...request, signUp, invitation }));
      expect(url.searchParams.get('invite_org')).toBe('Demo Media Co');
      expect(url.searchParams.get('invite_email_domains')).toBe('demo.test,demo.example');
    }
  });

  it('names no email domains when the link admits any email', () => {
    const url = new URL(authorizationUrl(localProvider(), { ...request, invitation: { organisation: 'Demo Media Co', emailDomains: [] } }));
    expect(url.searchParams.get('invite_org')).toBe('Demo Media Co');
    expect(url.searchParams.has('invite_email_domains')).toBe(false);
  });

  it('goes nowhere without it: a sign-in that is not for a link, or a provider that names no parameters (Cognito)', async () => {
    expect([...new URL(authorizationUrl(localProvider(), request)).searchParams.keys()].filter((name) => name.startsWith('invite_'))).toEqual([]);
    const provider = await resolveProvider(cognito);
    for (const signUp of [true, false]) {
      const url = new URL(authorizationUrl(provider, { ...request, signUp, invitation }));
      expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'code_challenge', 'code_challenge_method', 'nonce', 'redirect_uri', 'response_type', 'scope', 'state']);
    }
  });

  it('cannot replace the protocol’s own parameters, whatever names config.json gives', () => {
    const sneaky = localProvider({ ...local, invitationParams: { organisation: 'redirect_uri', emailDomains: 'client_id' } });
    const url = new URL(authorizationUrl(sneaky, { ...request, invitation }));
    expect(url.searchParams.getAll('redirect_uri')).toEqual([request.redirectUri]);
    expect(url.searchParams.getAll('client_id')).toEqual(['invite-links-web']);
  });
});

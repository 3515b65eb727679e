/**
 * The local stack's identity provider: oidc-provider (OpenID Certified) mounted at
 * `${origin}/oidc`, with the pages as its one public client (authorization code + PKCE). People
 * sign up and sign in with a one-time code emailed through the local SES, as Cognito's
 * passwordless sign-in does; identities live in DynamoDB Local (local/identity/identities.ts).
 * ID tokens carry `email`, `email_verified`, `given_name` and `family_name`, are signed RS256
 * (API Gateway's JWT authorizer takes RSA keys only) and are what the pages send to the API.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import Provider, { errors, type AccountClaims, type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import type { IdentityProviderConfig } from '../../web/page-config.ts';
import { IdentityStore, identityTableName, type Identity, type NewIdentity } from './identities.ts';
import { InteractionMemory } from './interaction-memory.ts';
import { InteractionPages } from './interactions.ts';
import { INVITATION_PARAMS, invitationParamFault } from './invitation.ts';
import { dynamoAdapter } from './provider-adapter.ts';
import { SignInCodes } from './sign-in-codes.ts';
import { SIGN_IN_RULES, type SignInRules } from './sign-in-rules.ts';
import { SignInStore } from './sign-in-store.ts';
import { errorPage, logoutPage, PAGE_HEADERS, SIGN_IN_NAME, SIGN_OUT_PAGE_HEADERS, signedOutPage } from './views.ts';

/** The pages' client: public, so no secret; its id is the API's JWT audience. */
export const WEB_CLIENT_ID = 'invite-links-web';
export const SCOPE = 'openid email profile';
export const MOUNT_PATH = '/oidc';
const ALG = 'RS256';
const TOKEN_SECONDS = 3600;

export interface IdentityProviderOptions {
  /** `http://localhost:PORT`: the pages' origin, which the provider shares. */
  origin: string;
  client: DynamoDBClient;
  db: DynamoDBDocumentClient;
  /** The service table; the identities get a table of their own beside it. */
  serviceTable: string;
  /** Where the signing and cookie keys persist; undefined keeps them in memory. */
  keyFile?: string;
  /** Identities to have from the first start (the demo users, with their directory ids as `sub`). */
  seed?: NewIdentity[];
  signIn?: SignInSettings;
}

/** How sign-ins are guarded (sign-in-rules.ts) and what time it is for them; tests change both. */
export interface SignInSettings {
  rules?: Partial<SignInRules>;
  clock?: () => Date;
}

export interface LocalIdentityProvider {
  issuer: string;
  clientId: string;
  /** What /config.json tells the pages. */
  pageConfig: IdentityProviderConfig;
  identities: IdentityStore;
  /** How many requests under /oidc one client address may make, for the front door to count. */
  clientLimit: SignInRules['perClient'];
  /** Serves everything under /oidc. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * An ID token for the identity with this email, creating a verified identity when there is
   * none: what a provider's admin does. `npm run token` and the tests use it.
   */
  tokenFor(email: string, names?: { givenName?: string; familyName?: string }): Promise<string>;
  /** Signs an ID token with the provider's own key, with a new `jti`; tests use it to build bad tokens. */
  issueIdToken(claims: Record<string, unknown>): Promise<string>;
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<LocalIdentityProvider> {
  const issuer = `${options.origin}${MOUNT_PATH}`;
  const table = identityTableName(options.serviceTable);
  await IdentityStore.ensureTable(options.client, table);
  const identities = new IdentityStore(options.db, table);
  for (const person of options.seed ?? []) await identities.ensure(person);

  const rules: SignInRules = { ...SIGN_IN_RULES, ...options.signIn?.rules };

  const keys = loadKeys(options.keyFile);
  const sendPage = (ctx: KoaContextWithOIDC, body: string) => {
    ctx.type = 'html';
    ctx.set(PAGE_HEADERS);
    ctx.body = body;
  };

  const configuration: Configuration = {
    adapter: dynamoAdapter(options.db, table),
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_name: 'Invite links',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${options.origin}/signin`, `${options.origin}/join`],
        post_logout_redirect_uris: [`${options.origin}/signin`],
        id_token_signed_response_alg: ALG,
      },
    ],
    jwks: { keys: [keys.signing] },
    cookies: { keys: keys.cookies, long: { signed: true }, short: { signed: true } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
    scopes: ['openid', 'email', 'profile'],
    // Like Cognito, the ID token itself carries the scopes' claims: it is what the API receives.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // The pages share the provider's origin; no other origin may call it from a browser.
    clientBasedCORS: (_ctx, origin) => origin === options.origin,
    pkce: { required: () => true },
    extraParams: {
      screen_hint: null,
      // A malformed invitation is the client's mistake: invalid_request back to it, naming the parameter.
      ...Object.fromEntries(Object.values(INVITATION_PARAMS).map((param) => [param, (_ctx: KoaContextWithOIDC, value: string | undefined) => refuseFault(invitationParamFault(param, value))])),
    },
    enabledJWA: { idTokenSigningAlgValues: [ALG] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          sendPage(ctx, logoutPage(form));
          ctx.set(SIGN_OUT_PAGE_HEADERS);
        },
        postLogoutSuccessSource: (ctx) => sendPage(ctx, signedOutPage()),
      },
    },
    ttl: {
      IdToken: TOKEN_SECONDS,
      AccessToken: TOKEN_SECONDS,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    interactions: { url: (_ctx, interaction) => `${MOUNT_PATH}/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const identity = await identities.findBySub(sub);
      return identity && { accountId: sub, claims: () => claimsOf(identity) };
    },
    // The pages are the provider's own first-party client: no consent screen, the grant is implied.
    loadExistingGrant: async (ctx) => {
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return Grant.find(grantId);
      const grant = new Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(SCOPE);
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => sendPage(ctx, errorPage('Sign-in could not go on', `${out.error_description ?? out.error ?? 'Something went wrong'}. Go back to the app and start again.`)),
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => console.error('identity provider:', error));
  const callback = provider.callback();
  const clock = options.signIn?.clock ?? (() => new Date());
  const interactions = new InteractionPages(provider, new SignInCodes(identities, new SignInStore(options.db, table, rules), clock), new InteractionMemory(options.db, table, clock));

  const issueIdToken = async (claims: Record<string, unknown>) => {
    const client = await provider.Client.find(WEB_CLIENT_ID);
    const token = new provider.IdToken(claims as AccountClaims, { client: client! });
    // The scope decides which claims the token keeps, as it does at the token endpoint.
    (token as unknown as { scope: string }).scope = SCOPE;
    // Each token its own id, as each of Cognito's ID tokens has: two tokens minted for one person
    // in the same second are two sessions' tokens, never the same bytes.
    token.set('jti', randomUUID());
    return token.issue({ use: 'idtoken' });
  };

  return {
    issuer,
    clientId: WEB_CLIENT_ID,
    pageConfig: {
      issuer,
      clientId: WEB_CLIENT_ID,
      audience: [WEB_CLIENT_ID],
      scope: SCOPE,
      displayName: SIGN_IN_NAME,
      signUpParams: { screen_hint: 'signup' },
      invitationParams: INVITATION_PARAMS,
    },
    identities,
    clientLimit: rules.perClient,
    handle(req, res) {
      // oidc-provider's own answers (discovery, errors, the logout form) get it too.
      res.setHeader('x-content-type-options', 'nosniff');
      if (interactions.matches(req)) {
        void interactions.handle(req, res).catch((error: unknown) => {
          console.error('identity provider interaction:', (error as Error).message);
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS });
            res.end(errorPage('Sign-in could not go on', 'Something went wrong. Go back to the app and start again.'));
          }
        });
        return;
      }
      // oidc-provider serves paths under its issuer's path; it reads the mount path from originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url!.slice(MOUNT_PATH.length) || '/';
      void callback(req, res);
    },
    async tokenFor(email, names = {}) {
      const identity = await identities.ensure({ email, givenName: names.givenName ?? '', familyName: names.familyName ?? '' });
      return issueIdToken(claimsOf(identity));
    },
    issueIdToken,
  };
}

function refuseFault(fault: string | undefined): void {
  if (fault) throw new errors.InvalidRequest(fault);
}

function claimsOf(identity: Identity): AccountClaims {
  return {
    sub: identity.sub,
    email: identity.email,
    email_verified: identity.emailVerified,
    ...(identity.givenName ? { given_name: identity.givenName } : {}),
    ...(identity.familyName ? { family_name: identity.familyName } : {}),
  };
}

interface Keys {
  signing: JWK;
  cookies: string[];
}

/** An RSA signing key and cookie keys; with a file they survive restarts, so tokens and sessions do too. */
function loadKeys(file?: string): Keys {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Keys;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys: Keys = {
    signing: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomUUID(), alg: ALG, use: 'sig' },
    cookies: [randomBytes(32).toString('base64url')],
  };
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return keys;
}

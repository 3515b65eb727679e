/**
 * Optional: a Cognito user pool people sign themselves up to, with an email they prove they own,
 * through Cognito's managed login; its ID tokens are what the API's JWT authorizer accepts. The
 * pages are a public client using the authorization code + PKCE flow.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  OAuthScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** What the pages ask for at sign-in: the API needs `email` and `email_verified`, the join page the names. */
export const SIGN_IN_SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];

/** The managed login's base URL; known from the prefix alone, so the pages' CSP can name it before the pool exists. */
export const managedLoginUrl = (domainPrefix: string, region: string) => `https://${domainPrefix}.auth.${region}.amazoncognito.com`;

export interface InviteLinksUserPoolProps {
  /** The web origin; managed login sends people back to `${webUrl}/signin` or `${webUrl}/join`. */
  webUrl: string;
  /** Managed login domain prefix, unique in the region. */
  domainPrefix: string;
  /** Defaults to RETAIN; the pool is deletion-protected unless it is DESTROY. */
  removalPolicy?: RemovalPolicy;
}

export class InviteLinksUserPool extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly branding: CfnManagedLoginBranding;
  /** https://<prefix>.auth.<region>.amazoncognito.com: the sign-up and sign-in pages. */
  readonly managedLoginUrl: string;

  constructor(scope: Construct, id: string, props: InviteLinksUserPoolProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.pool = new UserPool(this, 'Pool', {
      // Invitees create their own account from the join page; the emailed code proves the address.
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      userVerification: { emailStyle: VerificationEmailStyle.CODE },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: false },
        givenName: { required: true, mutable: true },
        familyName: { required: true, mutable: true },
      },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      // Essentials: managed login and passwordless sign-in with a code emailed to the verified address.
      featurePlan: FeaturePlan.ESSENTIALS,
      signInPolicy: { allowedFirstAuthFactors: { password: true, emailOtp: true } },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
    });

    const callbackUrls = [`${props.webUrl}/signin`, `${props.webUrl}/join`];
    this.client = this.pool.addClient('Pages', {
      generateSecret: false,
      // Choice-based sign-in: managed login offers a password or an emailed one-time code.
      authFlows: { user: true },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: SIGN_IN_SCOPES,
        // The sign-in page and the join page each finish the code + PKCE flow themselves.
        callbackUrls,
        logoutUrls: [`${props.webUrl}/signin`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true, givenName: true, familyName: true }),
      // Sign-up writes the required attributes; nothing else is the person's to set.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, givenName: true, familyName: true }),
      preventUserExistenceErrors: true,
    });

    this.domain = this.pool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login shows an app client's pages only once the client has a style; Cognito's own will do.
    this.branding = new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: this.pool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.branding.node.addDependency(this.domain);
    this.managedLoginUrl = managedLoginUrl(props.domainPrefix, Stack.of(this).region);

    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'Invitees sign themselves up from a link: required MFA would make each one enroll an authenticator app first (email MFA needs an SES sender this stack does not configure). The operator can turn MFA on after deploy.',
    });
    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'Threat protection needs the Cognito Plus feature plan (extra cost per monthly active user); Essentials covers managed login and passwordless sign-in, and Plus is a per-deployment opt-in.',
    });
  }

  get issuer(): string {
    return this.pool.userPoolProviderUrl;
  }
}

/**
 * Optional: a Cognito user pool people sign themselves up to, with an email they prove they own,
 * through Cognito's managed login; its ID tokens are what the API's JWT authorizer accepts. The
 * pages are a public client using the authorization code + PKCE flow.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
  UserPoolEmail,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** What the pages ask for at sign-in: the API needs `email` and `email_verified`, the join page the names. */
export const SIGN_IN_SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];

/** The managed login's base URL; known from the prefix alone, so the pages' CSP can name it before the pool exists. */
export const managedLoginUrl = (domainPrefix: string, region: string) => `https://${domainPrefix}.auth.${region}.amazoncognito.com`;

/** Cognito's own email sends about this many messages a day for the whole account. */
export const COGNITO_DEFAULT_EMAILS_PER_DAY = 50;

/** How Cognito sends its codes through SES: the sender, and which SES identity vouches for it. */
export interface CognitoEmail {
  /** `invites@example.com` or `Invite Links <invites@example.com>`; verified in SES in the pool's region. */
  from: string;
  /** The verified SES identity: the address itself (default) or its whole domain. */
  identity?: 'address' | 'domain';
}

/** `Name <address>` or `address`, split; the address must have a domain. */
export function emailSender(from: string): { name?: string; address: string; domain: string } {
  const named = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(from);
  const address = (named ? named[2]! : from).trim();
  const domain = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(address)?.[1];
  if (!domain) throw new Error(`A sender must be an email address or "Name <address>", got "${from}".`);
  return { ...(named?.[1] ? { name: named[1] } : {}), address, domain };
}

export interface InviteLinksUserPoolProps {
  /** The web origin; managed login sends people back to `${webUrl}/signin` or `${webUrl}/join`. */
  webUrl: string;
  /** Managed login domain prefix, unique in the region. */
  domainPrefix: string;
  /** Defaults to RETAIN; the pool is deletion-protected unless it is DESTROY. */
  removalPolicy?: RemovalPolicy;
  /** Send the codes through SES; without it Cognito's own email sends COGNITO_DEFAULT_EMAILS_PER_DAY a day and synth warns. */
  email?: CognitoEmail;
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
      // The directory keys people by lower-case email: Ada@x.com and ada@x.com must be one account.
      signInCaseSensitive: false,
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
      ...(props.email ? { email: sesEmail(props.email) } : {}),
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

    if (!props.email) {
      Annotations.of(this).addWarningV2(
        'invite-links:cognito-default-email',
        `Cognito sends the sign-up and sign-in codes with its own email, about ${COGNITO_DEFAULT_EMAILS_PER_DAY} a day for the whole account: onboarding stops at about the ${COGNITO_DEFAULT_EMAILS_PER_DAY + 1}st person of the day. Pass cognitoEmailFrom=<a sender verified in SES> (docs/deploy.md).`,
      );
    }
    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'Invitees sign themselves up from a link: required MFA would make each one enroll an authenticator app first (email MFA also needs the pool to send through SES, which is optional here). The operator can turn MFA on after deploy.',
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

/** SES in the pool's own region; the source ARN names the identity SES verified, the address or its domain. */
function sesEmail({ from, identity = 'address' }: CognitoEmail): UserPoolEmail {
  const { name, address, domain } = emailSender(from);
  return UserPoolEmail.withSES({
    fromEmail: address,
    ...(name ? { fromName: name } : {}),
    ...(identity === 'domain' ? { sesVerifiedDomain: domain } : {}),
  });
}

/**
 * Optional: a Cognito user pool whose ID tokens the API's JWT authorizer accepts. Sign-in is
 * invite-only (no self sign-up); the pages use the hosted UI with the authorization code + PKCE flow.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccountRecovery, OAuthScope, UserPool, UserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface InviteLinksUserPoolProps {
  /** The web origin; the hosted UI sends people back to its sign-in page, `${webUrl}/signin`. */
  webUrl: string;
  /** Hosted UI domain prefix, unique in the region. */
  domainPrefix: string;
}

export class InviteLinksUserPool extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: InviteLinksUserPoolProps) {
    super(scope, id);
    this.pool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: false } },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.pool.addClient('Pages', {
      generateSecret: false,
      authFlows: { userSrp: true },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        // Only the sign-in page handles the code (web/src/pages/signin.ts); after the hosted UI's
        // sign-out people land there too.
        callbackUrls: [`${props.webUrl}/signin`],
        logoutUrls: [`${props.webUrl}/signin`],
      },
      preventUserExistenceErrors: true,
    });
    this.domain = this.pool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'MFA is the operator\'s choice for their directory; enable it on the pool (optional or required) after deploy.',
    });
    for (const id of ['AwsSolutions-COG3', 'AwsSolutions-COG8']) {
      Validations.of(this.pool).acknowledge({
        id,
        reason: 'Threat protection needs the Cognito Plus feature plan (extra cost per monthly active user); opt in per deployment.',
      });
    }
  }

  get issuer(): string {
    return this.pool.userPoolProviderUrl;
  }
}

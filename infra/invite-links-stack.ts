/** The production system: table, API, notifier, pages, and optionally a Cognito user pool. */
import { CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { Notifier } from './constructs/notifier.ts';
import { REPO_ROOT } from './constructs/service-function.ts';
import { inviteLinksTable } from './constructs/table.ts';
import { InviteLinksUserPool, managedLoginUrl, SIGN_IN_SCOPES } from './constructs/user-pool.ts';
import { Web } from './constructs/web.ts';

export interface InviteLinksStackProps extends StackProps {
  /** SES sender of the signup emails; its address or domain must be a verified SES identity. */
  notifyFrom: string;
  /** Create a Cognito user pool and trust its tokens; otherwise give jwtIssuer and jwtAudience. */
  createUserPool?: boolean;
  /** Your own OpenID Connect provider: exactly the `iss` of its tokens. */
  jwtIssuer?: string;
  /** The audiences the API accepts from jwtIssuer. */
  jwtAudience?: string[];
  /** The pages' public client at jwtIssuer; defaults to the first audience. */
  jwtClientId?: string;
  /** Origins besides jwtIssuer's that the pages fetch from, e.g. a token endpoint on another host. */
  identityProviderOrigins?: string[];
  /** Managed login domain prefix when createUserPool; defaults to invite-links-<account>. */
  userPoolDomainPrefix?: string;
  /** Link lifetime override; the service's default is 7 days. */
  inviteLinkTtlSeconds?: number;
  /** Built pages; defaults to web/dist (written by `npm run build:web`). */
  webAssetDir?: string;
  /** Notifier entry; defaults to functions/notify-signup.ts. */
  notifierEntry?: string;
}

export class InviteLinksStack extends Stack {
  readonly api: Api;
  readonly web: Web;
  readonly notifier: Notifier;
  readonly userPool?: InviteLinksUserPool;

  constructor(scope: Construct, id: string, props: InviteLinksStackProps) {
    super(scope, id, props);
    const table = inviteLinksTable(this, 'Table');

    const external = props.createUserPool ? undefined : externalProvider(props);
    // The managed login URL is known before the web distribution exists, so the CSP can name it.
    const domainPrefix = props.userPoolDomainPrefix ?? `invite-links-${this.account}`;
    const managedLogin = props.createUserPool ? managedLoginUrl(domainPrefix, this.region) : undefined;
    this.web = new Web(this, 'Web', { connectSources: managedLogin ? [managedLogin] : external!.origins });

    if (props.createUserPool) this.userPool = new InviteLinksUserPool(this, 'Users', { webUrl: this.web.url, domainPrefix });
    const issuer = this.userPool ? this.userPool.issuer : external!.issuer;
    const audience = this.userPool ? [this.userPool.client.userPoolClientId] : external!.audience;

    this.api = new Api(this, 'Api', {
      table,
      jwtIssuer: issuer,
      jwtAudience: audience,
      webOrigin: this.web.url,
      environment: {
        PUBLIC_BASE_URL: this.web.url,
        ...(props.inviteLinkTtlSeconds ? { INVITE_LINK_TTL_SECONDS: String(props.inviteLinkTtlSeconds) } : {}),
      },
    });

    this.notifier = new Notifier(this, 'Notifier', {
      table,
      notifyFrom: props.notifyFrom,
      publicBaseUrl: this.web.url,
      ...(props.notifierEntry ? { entry: props.notifierEntry } : {}),
    });

    this.web.deployPages(props.webAssetDir ?? `${REPO_ROOT}web/dist`, {
      apiBaseUrl: this.api.url,
      identityProvider: {
        issuer,
        clientId: this.userPool ? this.userPool.client.userPoolClientId : external!.clientId,
        audience,
        scope: SIGN_IN_SCOPES.map((scope) => scope.scopeName).join(' '),
        // Cognito serves its discovery document without CORS, so the pages get its endpoints here;
        // another provider's pages read them from its discovery document.
        ...(managedLogin
          ? {
              displayName: 'Cognito',
              endpoints: {
                authorization: `${managedLogin}/oauth2/authorize`,
                token: `${managedLogin}/oauth2/token`,
                signUp: `${managedLogin}/signup`,
                logout: `${managedLogin}/logout`,
              },
            }
          : {}),
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the v1 API' });
    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: 'The pages; invite links point here (PUBLIC_BASE_URL)' });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The single DynamoDB table (retained on delete)' });
    new CfnOutput(this, 'NotifierDlqUrl', { value: this.notifier.deadLetters.queueUrl, description: 'Join notifications that failed every retry' });
    if (this.userPool) {
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.pool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPool.client.userPoolClientId });
      new CfnOutput(this, 'HostedUiUrl', { value: managedLogin!, description: 'Cognito managed login: sign-up and sign-in pages' });
    }
  }
}

interface ExternalProvider {
  issuer: string;
  audience: string[];
  clientId: string;
  /** What the pages fetch from: the issuer's origin (discovery) and any other origins named. */
  origins: string[];
}

function externalProvider(props: InviteLinksStackProps): ExternalProvider {
  if (!props.jwtIssuer || !props.jwtAudience?.length) {
    throw new Error('Give jwtIssuer and jwtAudience (your identity provider), or set createUserPool to create a Cognito user pool.');
  }
  const origins = [props.jwtIssuer, ...(props.identityProviderOrigins ?? [])].map(originOf);
  return {
    issuer: props.jwtIssuer,
    audience: props.jwtAudience,
    clientId: props.jwtClientId ?? props.jwtAudience[0]!,
    origins: [...new Set(origins)],
  };
}

/** `https://host[:port]` of a URL: what connect-src names, so a path is dropped. */
function originOf(url: string): string {
  if (Token.isUnresolved(url)) return url;
  const parsed = URL.parse(url);
  if (parsed?.protocol !== 'https:') throw new Error(`The identity provider must be reached over https: "${url}".`);
  return parsed.origin;
}

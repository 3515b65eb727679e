/**
 * What the pages read from /config.json at start. One definition: the CDK writes it next to the
 * pages in AWS (infra/constructs/web.ts), the local stack serves it (local/pages.ts), and the
 * pages read it (web/src/lib/api.ts).
 */
export interface PageConfig {
  /** Where the v1 API lives; '' means this origin. */
  apiBaseUrl: string;
  identityProvider: IdentityProviderConfig;
}

/** The OpenID Connect provider people sign in with: authorization code + PKCE, a public client. */
export interface IdentityProviderConfig {
  /** Exactly the `iss` of its tokens; discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** The pages' public client (no secret). */
  clientId: string;
  /** The API's audiences: when they include clientId the ID token is sent to the API, otherwise the access token. */
  audience: string[];
  /** Asked for at sign-in; the API needs `email` and `email_verified`, the join page `given_name` and `family_name`. */
  scope: string;
  /** A name for the provider in the pages' words ("Cognito", "Invite links sign-in"). */
  displayName?: string;
  /**
   * The provider's endpoints, when the pages must not discover them at start (Cognito's discovery
   * document is not served with CORS). Absent: the pages read the discovery document.
   */
  endpoints?: {
    authorization: string;
    token: string;
    /** Cognito's managed login sign-up page, which takes the authorize parameters. */
    signUp?: string;
    /** Cognito's logout (client_id + logout_uri); for other providers the discovery's end_session_endpoint. */
    logout?: string;
  };
  /**
   * How "Create account" asks for the sign-up screen when there is no signUp endpoint: extra
   * authorization parameters (the local provider takes `screen_hint=signup`).
   */
  signUpParams?: Record<string, string>;
  /**
   * The authorization parameters under which the provider takes what the join page shows anyone
   * with the link (the organisation's name, the email domains it admits) to show them during
   * sign-in; absent, the join page sends neither. The local provider takes them.
   */
  // Cognito gets none: its authorize endpoint passes every parameter on to managed login's /login, which documents none for showing an app's text (docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html, login-endpoint.html).
  invitationParams?: { organisation: string; emailDomains: string };
}

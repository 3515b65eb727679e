/**
 * The identity provider the pages sign in with, whichever /config.json names (the local stack's
 * own, Cognito's managed login, or an operator's): its metadata, given or discovered, its name in
 * the pages' words, and its addresses, which must use https unless it runs on this machine.
 */
import * as oauth from 'oauth4webapi';
import type { IdentityProviderConfig } from '../../page-config.ts';

/** Why a sign-in could not start or finish, in words for the person signing in. */
export class SignInError extends Error {
  override readonly name: string = 'SignInError';
}

/** A silent sign-in (prompt=none) the provider could not finish without the person: the Sign in card, with no error. */
export class SignInNeeded extends SignInError {
  override readonly name: string = 'SignInNeeded';
}

/** The provider, ready to use: its metadata (given or discovered) and this client. */
export interface Provider {
  config: IdentityProviderConfig;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Plain http allowed: only for a provider on this machine (the local stack's). */
  insecure: boolean;
}

const isLocalHost = (hostname: string) => hostname === 'localhost' || hostname === '127.0.0.1';

/** Whether plain http may be used with this issuer: only when it runs on this machine. */
export function allowsInsecureRequests(issuer: string): boolean {
  try {
    return isLocalHost(new URL(issuer).hostname);
  } catch {
    return false;
  }
}

/** The provider's name in the pages' words. */
export function providerName(config: IdentityProviderConfig): string {
  if (config.displayName) return config.displayName;
  try {
    return new URL(config.issuer).host;
  } catch {
    return 'your identity provider';
  }
}

/** An address the browser is sent to: https, or http on this machine for a local provider. */
export function endpointUrl(value: unknown, what: string, insecure: boolean): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) throw new SignInError(`The identity provider's ${what} address is missing or not valid, so sign-in cannot start. Ask an admin to check the setup.`);
  if (url.protocol === 'https:' || (insecure && url.protocol === 'http:' && isLocalHost(url.hostname))) return url;
  throw new SignInError(`The identity provider's ${what} address must use https, so sign-in cannot start. Ask an admin to check the setup.`);
}

/** oauth4webapi's per-request options: a stand-in fetch (tests) and, for a local provider only, plain http. */
export function requestOptions(insecure: boolean, fetchImpl?: typeof fetch): oauth.HttpRequestOptions<'GET'> & oauth.TokenEndpointRequestOptions {
  return {
    ...(fetchImpl ? { [oauth.customFetch]: fetchImpl } : {}),
    ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/**
 * The provider's metadata: the endpoints config.json gives (Cognito, whose discovery document is
 * not served with CORS), else its discovery document at `${issuer}/.well-known/openid-configuration`.
 */
export async function resolveProvider(config: IdentityProviderConfig, fetchImpl?: typeof fetch): Promise<Provider> {
  const insecure = allowsInsecureRequests(config.issuer);
  const client: oauth.Client = { client_id: config.clientId };
  if (config.endpoints) {
    const as: oauth.AuthorizationServer = {
      issuer: config.issuer,
      authorization_endpoint: endpointUrl(config.endpoints.authorization, 'sign-in', insecure).href,
      token_endpoint: endpointUrl(config.endpoints.token, 'token', insecure).href,
    };
    return { config, as, client, insecure };
  }
  const issuer = endpointUrl(config.issuer, 'issuer', insecure);
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuer, requestOptions(insecure, fetchImpl));
  } catch {
    throw new SignInError(`${providerName(config)} could not be reached. Check your connection and try again.`);
  }
  try {
    return { config, as: await oauth.processDiscoveryResponse(issuer, response), client, insecure };
  } catch {
    throw new SignInError(`${providerName(config)} did not describe itself as expected, so sign-in cannot start. Try again later, or ask an admin.`);
  }
}

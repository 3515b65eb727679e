/** A sign-in, started as the pages start it: authorization code with PKCE, at the provider config.json names. */
import { createHash, randomBytes } from 'node:crypto';
import { pass, type SmokeCheck, type SmokeContext } from './check.ts';
import { CheckFailed, described, followRedirects, request } from './http.ts';

export const signInStarts: SmokeCheck = {
  name: 'a sign-in starts at the identity provider',
  async run(context) {
    const { config, target } = context;
    if (!config) throw new CheckFailed('config.json could not be read (above), so there is no provider to try');
    const provider = config.identityProvider;
    let authorization = provider.endpoints?.authorization;
    /** Where the pages' own scripts fetch from during a sign-in: the CSP's connect-src must allow each. */
    const fetched = [provider.endpoints?.token];
    // Without endpoints the pages read the discovery document from the browser: it must be there, and readable from the pages' origin.
    if (!authorization) {
      const discoveryUrl = `${provider.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const webOrigin = new URL(target.webUrl).origin;
      const reply = await request(discoveryUrl, { headers: { origin: webOrigin } });
      const discovery = reply.json as { issuer?: unknown; authorization_endpoint?: unknown } | undefined;
      if (reply.status !== 200 || typeof discovery?.authorization_endpoint !== 'string') throw new CheckFailed(`discovery at ${discoveryUrl}: expected 200 JSON, got ${described(reply)}`);
      if (discovery.issuer !== provider.issuer) throw new CheckFailed(`discovery names the issuer "${String(discovery.issuer)}", config.json "${provider.issuer}": tokens would be refused`);
      const allowed = reply.headers.get('access-control-allow-origin');
      if (new URL(discoveryUrl).origin !== webOrigin && allowed !== '*' && allowed !== webOrigin) {
        throw new CheckFailed(`discovery at ${discoveryUrl} is not readable from ${webOrigin} (Access-Control-Allow-Origin: ${allowed ?? 'none'})`);
      }
      authorization = discovery.authorization_endpoint;
      fetched.push(discoveryUrl, (discovery as { token_endpoint?: string }).token_endpoint);
    }
    expectConnectAllowed(context, fetched.filter((u): u is string => typeof u === 'string'));
    const redirectUri = `${target.webUrl}/signin`;
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(authorization);
    url.search = new URLSearchParams({
      ...Object.fromEntries(url.searchParams),
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: redirectUri,
      scope: provider.scope,
      state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const { final, hops } = await followRedirects(url.href, (location) => {
      const error = location.searchParams.get('error') ?? new URLSearchParams(location.hash.slice(1)).get('error');
      if (error) throw new CheckFailed(`the provider refused the sign-in: ${error}${location.searchParams.get('error_description') ? ` (${location.searchParams.get('error_description')})` : ''}`);
      if (location.href.startsWith(redirectUri)) throw new CheckFailed('the provider sent the browser back to the pages without a sign-in page');
    });
    if (final.status !== 200 || !final.headers.get('content-type')?.startsWith('text/html')) {
      throw new CheckFailed(`expected a sign-in page (200 text/html), got ${described(final)}`);
    }
    const page = new URL(final.url);
    return pass(`sign-in page at ${page.origin}${page.pathname}${hops.length ? ` after ${hops.length} redirect${hops.length > 1 ? 's' : ''}` : ''}`);
  },
};

/** Each URL is the pages' own origin or named in their CSP's connect-src, else the browser refuses to fetch it. */
function expectConnectAllowed({ target, pagePolicy }: SmokeContext, urls: string[]): void {
  if (pagePolicy === undefined) return;
  const directive = (name: string) => new RegExp(`(?:^|;)\\s*${name}([^;]*)`).exec(pagePolicy)?.[1]?.trim().split(/\s+/);
  // Without connect-src, the browser falls back to default-src.
  const connect = directive('connect-src') ?? directive('default-src') ?? [];
  const webOrigin = new URL(target.webUrl).origin;
  for (const url of urls) {
    const { origin } = new URL(url);
    if (origin === webOrigin ? connect.includes("'self'") : connect.some((source) => source.replace(/\/+$/, '') === origin || url.startsWith(source))) continue;
    throw new CheckFailed(`the pages' Content-Security-Policy does not let them fetch ${url} (connect-src ${connect.join(' ') || 'missing'})`);
  }
}

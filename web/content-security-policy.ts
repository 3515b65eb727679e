/**
 * The pages' Content-Security-Policy, one definition: CloudFront sends it in AWS (infra/constructs/web.ts)
 * and the local stack sends it locally (local/pages.ts). The API is the pages' own origin in both;
 * only an identity provider elsewhere is named.
 */
export function contentSecurityPolicy(connectSources: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

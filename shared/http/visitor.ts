/**
 * Who is asking, as far as a link's stats need to tell browsers apart: their address and user agent,
 * only ever hashed (shared/service/link-stats.ts). Behind CloudFront the API's `sourceIp` is
 * CloudFront's edge: CloudFront appends the viewer's address to X-Forwarded-For and API Gateway then
 * appends the edge's, so the viewer is the entry before `sourceIp` (what a client sends itself comes
 * earlier and is never taken). Straight to the function (the local stack), `sourceIp` is the viewer.
 */
import type { ApiEvent } from './handler.ts';

export interface Visitor {
  address: string;
  userAgent: string;
}

export function visitorOf(event: ApiEvent): Visitor {
  const { sourceIp, userAgent } = event.requestContext.http;
  const forwarded = (event.headers['x-forwarded-for'] ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
  const address = forwarded.at(-1) === sourceIp ? (forwarded.at(-2) ?? sourceIp) : (forwarded.at(-1) ?? sourceIp);
  return { address, userAgent: userAgent || (event.headers['user-agent'] ?? '') };
}

/**
 * In AWS the API answers only requests that came through CloudFront, which adds a secret header
 * (ORIGIN_VERIFY). One check for every function: operationHandler's stack and get-openapi.
 */
import { ORIGIN_VERIFY, originVerifySecret } from '../config.ts';
import { forbidden } from '../domain/errors.ts';

/** The 403 a request that bypassed CloudFront gets. */
export const notThroughCloudFront = () => forbidden('This API is served through its web address only.');

/**
 * A check of the function's configured secret: whether the request carried it (always yes where
 * none is configured: the local stack, the tests). The header is removed from the event either
 * way, so the secret goes no further than this.
 */
export function originCheck(secret = originVerifySecret()): (headers: Record<string, string | undefined> | undefined) => boolean {
  const expected = secret === undefined ? undefined : Buffer.from(secret);
  return (headers) => {
    if (!expected) return true;
    const name = Object.keys(headers ?? {}).find((h) => h.toLowerCase() === ORIGIN_VERIFY.header);
    const given = Buffer.from(name === undefined ? '' : (headers![name] ?? ''));
    if (name !== undefined) delete headers![name];
    return sameBytes(given, expected);
  };
}

/** A constant-time comparison, as node:crypto's timingSafeEqual: importing node:crypto would be a third of get-openapi's cold start. */
function sameBytes(given: Buffer, expected: Buffer): boolean {
  if (given.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= given[i]! ^ expected[i]!;
  return difference === 0;
}

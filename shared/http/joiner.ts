/**
 * Who is joining, from their token: the email is the token's, and only when the provider says it
 * is verified; the names come from the request or else from the token's `given_name` / `family_name`.
 */
import { emailNotVerified, invalidRequest } from '../domain/errors.ts';
import type { Joiner } from '../domain/join.ts';
import type { Claims } from './handler.ts';
import { email as emailSchema, personName } from '../domain/values.ts';

export function joinerOf(userId: string, claims: Claims, given: { firstName?: string; lastName?: string }): Joiner {
  if (claims.email_verified !== 'true') throw emailNotVerified();
  const email = emailSchema.safeParse(claims.email ?? '');
  if (!email.success) throw emailNotVerified('Your sign-in carries no usable email address. Sign in with an account that has one.');
  return { userId, email: email.data, firstName: nameOf('firstName', given.firstName, claims.given_name), lastName: nameOf('lastName', given.lastName, claims.family_name) };
}

function nameOf(field: 'firstName' | 'lastName', given: string | undefined, fromToken: string | undefined): string {
  if (given !== undefined) return given;
  const parsed = personName.safeParse(fromToken ?? '');
  if (parsed.success) return parsed.data;
  throw invalidRequest(field, fromToken ? 'the name your sign-in gave is not usable here; send one' : 'is required (your sign-in gave none)');
}

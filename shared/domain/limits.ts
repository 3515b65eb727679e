/**
 * The product's limits and the shapes of its values, in plain numbers and patterns: the API's
 * request schemas (domain/values.ts) and the pages' form checks both read them from here.
 */

/** What a link may carry. */
export const LINK_LIMITS = {
  labelMaxLength: 80,
  /** 5 minutes; the longest life is the operator's INVITE_LINK_TTL_SECONDS. */
  minLifetimeSeconds: 300,
  maxUses: 10_000,
  maxEmailDomains: 20,
} as const;

/** A link's join-rate guard (pause after more than `joins` within `withinMinutes`), and "pause all links" for a while. */
export const PAUSE_LIMITS = {
  minJoins: 2,
  maxJoins: 10_000,
  minWithinMinutes: 1,
  /** A day. */
  maxWithinMinutes: 1440,
  minHours: 1,
  /** A long weekend. */
  maxHours: 72,
} as const;

/** A link's `membershipDays`, and how far ahead an admin may set a member's `memberUntil`. */
export const MEMBERSHIP_LIMITS = { minDays: 1, maxDays: 365, maxUntilYears: 5 } as const;

/** A decline's reason, as the person who asked reads it in their email. */
export const JOIN_REQUEST_LIMITS = { reasonMaxLength: 500 } as const;

/** A first or last name. */
export const NAME_MAX_LENGTH = 100;
/** Teams, role groups or legacy groups named in one request. */
export const MAX_IDS = 50;

/** A team, role group, legacy group or domain id. */
export const ENTITY_ID = { pattern: /^[A-Za-z0-9_-]+$/, maxLength: 64 } as const;
/** A person's id is their identity provider's `sub`: a UUID for Cognito, other shapes elsewhere (`auth0|123`). */
export const USER_ID = { pattern: /^[A-Za-z0-9_.@|:+-]+$/, maxLength: 128 } as const;
/** An email domain a link or a domain admits: `example.com`, exact (no sub-domains), lower case. */
export const EMAIL_DOMAIN = { pattern: /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, maxLength: 253 } as const;
/** RFC 5321: 64 octets before the @, 63 per domain label, 254 in all. */
export const EMAIL = { maxLength: 254, localMaxLength: 64, labelMaxLength: 63 } as const;

/** What one request to invite people by email may carry, and how many invitations may be sent a day. */
export const INVITATION_LIMITS = {
  maxEmails: 100,
  messageMaxLength: 500,
  /** Invitations (and resends) one person may send in one domain in a UTC day. */
  perCreatorPerDay: 200,
  /** Invitations (and resends) one address may receive in a UTC day, whoever sends them, across the service. */
  perRecipientPerDay: 5,
} as const;

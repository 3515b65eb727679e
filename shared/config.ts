/** Every setting the service reads, in one place. Functions read these once per cold start. */

/** A link lives exactly 7 days unless an operator shortens it (tests do). */
export const DEFAULT_LINK_TTL_SECONDS = 604_800;
/** An API function's timeout: API Gateway waits at most 30 s, and a request is a few DynamoDB round trips, so 10 s leaves room for SDK retries. */
export const API_TIMEOUT_SECONDS = 10;
/** Request bodies above this are refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;
/** 256 bits from the CSPRNG per link token. */
export const TOKEN_BYTES = 32;
/** Join records stay this long for the notifier, then TTL removes them. */
export const JOIN_RECORD_RETENTION_SECONDS = 30 * 24 * 3600;
/** How long the domain's activity (GET .../activity) goes back; integrations keep the events for longer. */
export const ACTIVITY_RETENTION_SECONDS = 90 * 24 * 3600;
/** How long a link's expiry is remembered after TTL removed the link: it answers LINK_EXPIRED, not LINK_NOT_FOUND, for at least 30 days. */
export const LINK_EXPIRY_MEMORY_SECONDS = 31 * 24 * 3600;

/**
 * In AWS the API is reached only through CloudFront, which adds this header with a secret made at
 * deploy; a request without it came to the execute-api endpoint directly and is refused.
 */
export const ORIGIN_VERIFY = { header: 'x-origin-verify', environment: 'ORIGIN_VERIFY_SECRET' } as const;

/** The secret CloudFront sends, or undefined where there is no CloudFront (the local stack, tests). */
export function originVerifySecret(): string | undefined {
  return process.env[ORIGIN_VERIFY.environment] || undefined;
}

/** How many links one person may have working at once in a domain, and make in one hour. */
export function linkQuota(): { maxActive: number; perHour: number } {
  return { maxActive: positive('LINK_QUOTA_ACTIVE', 100), perHour: positive('LINK_QUOTA_PER_HOUR', 200) };
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function tableName(): string {
  return required('TABLE_NAME');
}

/** The EventBridge bus the events feed publishes to. */
export function eventBusName(): string {
  return required('EVENT_BUS_NAME');
}

export function linkTtlSeconds(): number {
  const raw = process.env.INVITE_LINK_TTL_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_LINK_TTL_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`INVITE_LINK_TTL_SECONDS must be a positive whole number of seconds, got "${raw}"`);
  }
  return seconds;
}

/** The link a person opens. The token rides in the fragment, which browsers never send to a server. */
export function linkPublicUrl(token: string): string {
  return `${required('PUBLIC_BASE_URL').replace(/\/+$/, '')}/join#${token}`;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

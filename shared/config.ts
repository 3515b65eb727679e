/** Every setting the service reads, in one place. Functions read these once per cold start. */
import { INVITATION_LIMITS } from './domain/limits.ts';

/**
 * The environment variables the functions are told, by what each holds. Infra's environment
 * blocks, the local stack and the bench set them by these names; this file alone reads them.
 */
export const SETTINGS = {
  tableName: 'TABLE_NAME',
  /** The pages' origin: invite links and the emails' links point there. */
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** The notifier's sender. */
  notifyFrom: 'NOTIFY_FROM',
  eventBusName: 'EVENT_BUS_NAME',
  linkTtlSeconds: 'INVITE_LINK_TTL_SECONDS',
  linkQuotaActive: 'LINK_QUOTA_ACTIVE',
  linkQuotaPerHour: 'LINK_QUOTA_PER_HOUR',
  /** Operators and tests may lower the daily invitation caps (INVITATION_LIMITS); never above them. */
  invitationsPerCreator: 'INVITATION_QUOTA_PER_CREATOR',
  invitationsPerRecipient: 'INVITATION_QUOTA_PER_RECIPIENT',
  originVerifySecret: 'ORIGIN_VERIFY_SECRET',
  /** The KMS key a link's token is sealed with: told only to the functions that seal or open it. */
  linkKeyArn: 'INVITE_LINK_KEY_ARN',
} as const;

/**
 * The environment variables the libraries read themselves, never this code: the AWS SDK (region,
 * credentials, an endpoint per service), Powertools and Node. Infra, the local stack and the bench
 * set them by these names.
 */
export const RUNTIME_SETTINGS = {
  region: 'AWS_REGION',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  dynamoDbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  sesEndpoint: 'AWS_ENDPOINT_URL_SES',
  eventBridgeEndpoint: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  kmsEndpoint: 'AWS_ENDPOINT_URL_KMS',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
  nodeOptions: 'NODE_OPTIONS',
} as const;

/** A link lives exactly 7 days unless an operator shortens it (tests do). */
export const DEFAULT_LINK_TTL_SECONDS = 604_800;
/** An API function's timeout: API Gateway waits at most 30 s, and a request is a few DynamoDB round trips, so 10 s leaves room for SDK retries. */
export const API_TIMEOUT_SECONDS = 10;
/**
 * How long before its timeout an API function answers 503 BUSY itself (middy's early timeout), and
 * how long before it API Gateway stops waiting (the integration's timeout) and answers 503 on its
 * own: a caller never meets Lambda's kill, which API Gateway would pass on as a 500.
 */
export const API_ANSWER_EARLY_MS = { function: 250, gateway: 100 } as const;
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
export const ORIGIN_VERIFY = { header: 'x-origin-verify', environment: SETTINGS.originVerifySecret } as const;

/** The secret CloudFront sends, or undefined where there is no CloudFront (the local stack, tests). */
export function originVerifySecret(): string | undefined {
  return process.env[ORIGIN_VERIFY.environment] || undefined;
}

/** How many links one person may have working at once in a domain, and make in one hour. */
export function linkQuota(): { maxActive: number; perHour: number } {
  return { maxActive: positive(SETTINGS.linkQuotaActive, 100), perHour: positive(SETTINGS.linkQuotaPerHour, 200) };
}

/** How many invitations one person may send in a domain, and one address receive, in a UTC day. */
export function invitationQuota(): { perCreator: number; perRecipient: number } {
  return {
    perCreator: Math.min(positive(SETTINGS.invitationsPerCreator, INVITATION_LIMITS.perCreatorPerDay), INVITATION_LIMITS.perCreatorPerDay),
    perRecipient: Math.min(positive(SETTINGS.invitationsPerRecipient, INVITATION_LIMITS.perRecipientPerDay), INVITATION_LIMITS.perRecipientPerDay),
  };
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function tableName(): string {
  return required(SETTINGS.tableName);
}

/** The EventBridge bus the events feed publishes to. */
export function eventBusName(): string {
  return required(SETTINGS.eventBusName);
}

export function linkTtlSeconds(): number {
  const raw = process.env[SETTINGS.linkTtlSeconds];
  if (raw === undefined || raw === '') return DEFAULT_LINK_TTL_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`${SETTINGS.linkTtlSeconds} must be a positive whole number of seconds, got "${raw}"`);
  }
  return seconds;
}

/** The pages' origin, without a trailing slash. */
export function publicBaseUrl(): string {
  return required(SETTINGS.publicBaseUrl).replace(/\/+$/, '');
}

/** The link a person opens. The token rides in the fragment, which browsers never send to a server. */
export function linkPublicUrl(token: string): string {
  return `${publicBaseUrl()}/join#${token}`;
}

/** The KMS key that seals links' tokens. */
export function linkKeyArn(): string {
  return required(SETTINGS.linkKeyArn);
}

/** The address the notifier sends from. */
export function notifyFrom(): string {
  return required(SETTINGS.notifyFrom);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

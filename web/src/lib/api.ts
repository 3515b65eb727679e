/** The v1 API over fetch: bearer token from this tab's session (lib/session.ts), problem+json turned into ApiError. */
import type { PageConfig } from '../../page-config.ts';
import { session } from './session.ts';

export type { IdentityProviderConfig, PageConfig } from '../../page-config.ts';
export { session } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly field?: string,
    /** From Retry-After (429, 503), in seconds. */
    readonly retryAfterSeconds?: number,
    /** The problem's extension members (a 410's `reason` and `domainName`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail || title);
  }

  /** An extension member that is a string, or undefined. */
  text(name: string): string | undefined {
    const value = this.extensions[name];
    return typeof value === 'string' && value ? value : undefined;
  }

  /** The detail without its "field: " prefix, for showing next to that field. */
  get fieldMessage(): string {
    return this.field && this.detail.startsWith(`${this.field}: `) ? this.detail.slice(this.field.length + 2) : this.detail;
  }
}

let config: Promise<PageConfig> | undefined;
let loadedConfig: PageConfig | undefined;
export function loadConfig(): Promise<PageConfig> {
  config ??= fetch('/config.json', { cache: 'no-store' }).then(async (res) => {
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    loadedConfig = (await res.json()) as PageConfig;
    return loadedConfig;
  });
  return config;
}

/** The API treats a request that kept colliding with concurrent ones as 503 BUSY: wait as it says, at most this long, and try once more. */
const BUSY_RETRY_MAX_SECONDS = 10;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Sent even if the page is being left (fetch keepalive): for a request made on pagehide. */
  keepalive?: boolean;
}

export async function api<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  try {
    return await apiOnce<T>(method, path, body, options);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'BUSY' || options.keepalive) throw error;
    const wait = Math.min(error.retryAfterSeconds ?? 1, BUSY_RETRY_MAX_SECONDS);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    return apiOnce<T>(method, path, body, options);
  }
}

async function apiOnce<T>(method: Method, path: string, body: unknown, { keepalive }: RequestOptions): Promise<T> {
  // A page being left cannot wait for /config.json: keepalive requests use the one already loaded.
  const { apiBaseUrl } = keepalive && loadedConfig ? loadedConfig : await loadConfig();
  const token = session.token();
  let res: Response;
  try {
    res = await fetch(`${apiBaseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      referrerPolicy: 'no-referrer',
      ...(keepalive ? { keepalive: true } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'No connection', 'The service could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  const p = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Record<'code' | 'title' | 'detail' | 'field', string>>;
  throw new ApiError(
    res.status,
    p.code ?? `HTTP_${res.status}`,
    p.title ?? res.statusText,
    p.detail ?? '',
    p.field,
    retryAfterSeconds(res.headers.get('retry-after')),
    p as Record<string, unknown>,
  );
}

/** Retry-After as seconds: either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
  return Number.isFinite(seconds) ? Math.max(1, seconds) : undefined;
}

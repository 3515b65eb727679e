/** The limits in front of the handlers: WAF's per-client rate rules and API Gateway's throttle. */
import type { RateLimit } from '#shared/contract/operations.ts';

/** WAF's rate-based rules: at most `requests` in each window per key (an address, a person); the answer says how long to wait. */
export class ClientWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();
  /** Undefined when the request may go on, else the seconds until the key's window ends. */
  take(key: string, { requests, windowSeconds }: RateLimit): number | undefined {
    const now = Date.now();
    if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (now - w.start >= windowSeconds * 1000) this.windows.delete(k);
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowSeconds * 1000) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= requests) return undefined;
    return Math.max(1, Math.ceil((window.start + windowSeconds * 1000 - now) / 1000));
  }
}

/** API Gateway's throttle: a steady rate with a burst allowance. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

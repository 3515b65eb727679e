/** The smoke checks' HTTP: one request at a time, bounded in time, read whole, JSON parsed when it is JSON. */

export const REQUEST_TIMEOUT_MS = 10_000;

export interface Reply {
  url: string;
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed, when it is JSON. */
  json?: unknown;
}

/** A check's verdict when it is not a pass; its message says what was seen and what it means. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new CheckFailed(`no answer from ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: the text is all there is
  }
  return { url, status: response.status, headers: response.headers, text, ...(json !== undefined ? { json } : {}) };
}

/** What a reply was, in a few words, for a failure message. */
export function described(reply: Reply): string {
  const type = reply.headers.get('content-type') ?? 'no content type';
  const body = reply.text.replace(/\s+/g, ' ').slice(0, 160);
  return `${reply.status} ${type}${body ? `: ${body}` : ''}`;
}

/** A problem+json reply with this status and code, or a CheckFailed saying what came instead. */
export function expectProblem(reply: Reply, status: number, code: string): void {
  const type = reply.headers.get('content-type') ?? '';
  const body = reply.json as { code?: unknown } | undefined;
  if (reply.status !== status || !type.startsWith('application/problem+json') || body?.code !== code) {
    throw new CheckFailed(`expected ${status} application/problem+json ${code}, got ${described(reply)}`);
  }
}

/**
 * A browser's way through redirects, cookies kept per host (sign-in pages set one on the first
 * hop and read it on the next). `stop` decides, at each redirect, whether to go on.
 */
export async function followRedirects(url: string, stop: (location: URL) => void, maxHops = 8): Promise<{ final: Reply; hops: URL[] }> {
  const jar = new Map<string, Map<string, string>>();
  const hops: URL[] = [];
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const cookies = jar.get(current.host);
    const reply = await request(current.href, cookies ? { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } } : {});
    for (const line of reply.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) {
        if (!jar.has(current.host)) jar.set(current.host, new Map());
        jar.get(current.host)!.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
      }
    }
    const location = reply.headers.get('location');
    if (reply.status < 300 || reply.status >= 400 || !location) return { final: reply, hops };
    if (hop + 1 >= maxHops) throw new CheckFailed(`more than ${maxHops} redirects from ${url}`);
    current = new URL(location, current);
    hops.push(current);
    stop(current);
  }
}

/** One request from a chosen loopback address (127.0.0.0/8), as another client on another machine would send it. */
import { request as httpRequest } from 'node:http';

export interface AddressedReply {
  status: number;
  type: string;
  retryAfter?: string;
  body: any;
}

export function fromAddress(baseUrl: string, address: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<AddressedReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${baseUrl}${path}`,
      { method, localAddress: address, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), retryAfter: res.headers['retry-after'] as string | undefined, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
